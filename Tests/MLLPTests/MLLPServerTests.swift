import HL7v2
import MLLP
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

@Suite("MLLP server over TCP", .timeLimit(.minutes(1)))
struct MLLPServerTests {
    @Test("a message round-trips and is acknowledged")
    func roundTrip() async throws {
        let seen = Recorder<MLLPRequest>()
        try await TestSupport.withServer(handler: { seen.append($0); return TestSupport.acknowledge($0) }) { port, _ in
            let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port), logger: TestSupport.logger)
            let ack = try await client.send(TestSupport.message("RT1"))
            #expect(ack.code == .aa)
            #expect(ack.acknowledgedControlID == "RT1")
            let second = try await client.send(TestSupport.message("RT2"))
            #expect(second.acknowledgedControlID == "RT2")
            await client.close()
        }
        #expect(seen.all.count == 2)
        #expect(seen.all.allSatisfy { !$0.isOversized && $0.connection.remoteAddress != nil && !$0.connection.isTLS })
        #expect(Set(seen.all.map { "\($0.connection.remoteAddress!)" }).count == 1, "the connection is reused")
    }

    @Test("50 concurrent connections, several messages each")
    func concurrentConnections() async throws {
        let seen = Recorder<String>()
        try await TestSupport.withServer(handler: { request in
            seen.append("\(request.connection.remoteAddress!)")
            return TestSupport.acknowledge(request)
        }) { port, _ in
            try await withThrowingTaskGroup { group in
                for connection in 0..<50 {
                    group.addTask {
                        let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port), logger: TestSupport.logger)
                        for index in 0..<5 {
                            let ack = try await client.send(TestSupport.message("C\(connection)-\(index)"))
                            #expect(ack.code == .aa)
                        }
                        await client.close()
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(seen.all.count == 250)
        #expect(Set(seen.all).count == 50)
    }

    @Test("pipelined frames are answered in order")
    func pipelining() async throws {
        try await TestSupport.withServer(handler: { request in
            // The first frames are the slowest: answers would come out of order if frames were
            // handled concurrently.
            let message = try? Message(request.payload.readableBytesView)
            let index = Int(message?.controlID?.dropFirst() ?? "0") ?? 0
            try? await Task.sleep(for: .milliseconds(5 * (5 - index)))
            return TestSupport.acknowledge(request)
        }) { port, _ in
            let connection = try await TestSupport.rawConnection(port: port)
            try await connection.executeThenClose { inbound, outbound in
                var all = ByteBuffer()
                for index in 0..<5 {
                    var frame = try TestSupport.framed(TestSupport.message("P\(index)"))
                    all.writeBuffer(&frame)
                }
                try await outbound.write(all)
                var acknowledged: [String?] = []
                for try await frame in inbound {
                    acknowledged.append(try Acknowledgment(parsing: Message(frame.payload.readableBytesView)).acknowledgedControlID)
                    if acknowledged.count == 5 { break }
                }
                #expect(acknowledged == ["P0", "P1", "P2", "P3", "P4"])
            }
        }
    }

    @Test("bytes between frames are ignored")
    func garbageBetweenFrames() async throws {
        let seen = Recorder<MLLPRequest>()
        try await TestSupport.withServer(handler: { seen.append($0); return TestSupport.acknowledge($0) }) { port, _ in
            let connection = try await TestSupport.rawConnection(port: port)
            try await connection.executeThenClose { inbound, outbound in
                var bytes = ByteBuffer(string: "\r\nnoise")
                var first = try TestSupport.framed(TestSupport.message("G1"))
                var second = try TestSupport.framed(TestSupport.message("G2"))
                bytes.writeBuffer(&first)
                bytes.writeString("\n\n\0junk")
                bytes.writeBuffer(&second)
                try await outbound.write(bytes)
                var acknowledged: [String?] = []
                for try await frame in inbound {
                    acknowledged.append(try Acknowledgment(parsing: Message(frame.payload.readableBytesView)).acknowledgedControlID)
                    if acknowledged.count == 2 { break }
                }
                #expect(acknowledged == ["G1", "G2"])
            }
        }
        #expect(seen.all.count == 2)
        #expect(try seen.all.map { try Message($0.payload.readableBytesView).controlID } == ["G1", "G2"])
    }

    @Test("an oversized frame reaches the handler as oversized and is answered AR")
    func oversizedFrame() async throws {
        let seen = Recorder<MLLPRequest>()
        try await TestSupport.withServer({ $0.maximumFrameLength = 1000 }, handler: { seen.append($0); return TestSupport.acknowledge($0) }) { port, _ in
            let big = try Message(
                "MSH|^~\\&|HIS|HOSP|LT|LT|20260101120000||ADT^A01|BIG1|P|2.5\rNTE|1||" + String(repeating: "x", count: 5000) + "\r")
            let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port), logger: TestSupport.logger)
            let rejected = try await client.send(big)
            #expect(rejected.code == .ar)
            #expect(try await client.send(TestSupport.message("SMALL1")).code == .aa)
            await client.close()
        }
        let requests = seen.all
        #expect(requests.count == 2)
        #expect(requests.first?.isOversized == true)
        #expect((requests.first?.length ?? 0) > 5000)
        #expect((requests.first?.payload.readableBytes ?? .max) <= 1000)
        #expect(requests.last?.isOversized == false)
    }

    @Test("an idle connection is closed by the server; a frame read before is answered first")
    func idleTimeout() async throws {
        try await TestSupport.withServer({ $0.idleTimeout = .seconds(1) }) { port, _ in
            /// Frames the connection gets until the server closes it.
            func framesUntilClosed(greeting: ByteBuffer?) async throws -> Int {
                let connection = try await TestSupport.rawConnection(port: port, greeting: greeting)
                return try await TestSupport.within {
                    try await connection.executeThenClose { inbound, _ in
                        var count = 0
                        for try await _ in inbound { count += 1 }  // ends when the server closes
                        return count
                    }
                }
            }
            // Nothing sent: closed, with nothing.
            #expect(try await framesUntilClosed(greeting: nil) == 0)
            // A frame sent (from the event loop the moment the connection is up): answered, then
            // closed. The idle clock starts when the server starts reading; on a loaded machine the
            // frame can still arrive after it ran out — a close without an answer, as for any idle
            // connection — so a few tries, one of which must see the answer.
            var answered = false
            for _ in 0..<3 where !answered {
                answered = try await framesUntilClosed(greeting: TestSupport.framed(TestSupport.message("I1"))) == 1
            }
            #expect(answered, "the frame sent is answered before the idle close")
        }
    }

    @Test("graceful shutdown lets an in-flight frame finish and be answered, then closes")
    func gracefulShutdown() async throws {
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        // No idle timeout: only the shutdown can close the connection.
        try await TestSupport.withServer({ $0.idleTimeout = nil }, handler: { request in
            startedContinuation.yield()
            for await _ in release { break }
            return TestSupport.acknowledge(request)
        }) { port, group in
            let connection = try await TestSupport.rawConnection(port: port)
            try await connection.executeThenClose { inbound, outbound in
                try await outbound.write(TestSupport.framed(TestSupport.message("S1")))
                for await _ in started { break }
                await group.triggerGracefulShutdown()
                // New connections are refused once the listener has closed.
                try await TestSupport.within {
                    while let probe = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                        .connect(host: "127.0.0.1", port: port).get()
                    {
                        // The server may close a probe it accepted before we do.
                        try? await probe.close()
                        try await Task.sleep(for: .milliseconds(10))
                    }
                }
                releaseContinuation.yield()
                var acknowledged: [String?] = []
                for try await frame in inbound {
                    acknowledged.append(try Acknowledgment(parsing: Message(frame.payload.readableBytesView)).acknowledgedControlID)
                }
                // The loop ended: the server closed the connection after answering.
                #expect(acknowledged == ["S1"])
            }
        }
    }

    @Test("graceful shutdown closes idle connections and the server returns")
    func gracefulShutdownIdle() async throws {
        // No idle timeout: only the shutdown can close the connection.
        try await TestSupport.withServer({ $0.idleTimeout = nil }) { port, group in
            let connection = try await TestSupport.rawConnection(port: port)
            try await connection.executeThenClose { inbound, outbound in
                try await outbound.write(TestSupport.framed(TestSupport.message("S2")))
                var iterator = inbound.makeAsyncIterator()
                let answer = try #require(try await iterator.next())
                #expect(try Acknowledgment(parsing: Message(answer.payload.readableBytesView)).acknowledgedControlID == "S2")
                await group.triggerGracefulShutdown()
                // The server closes the idle connection: the stream ends.
                #expect(try await iterator.next() == nil)
            }
        }
    }
}
