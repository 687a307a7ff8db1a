#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HL7v2
import Logging
import MLLP
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

@Suite("MLLP client", .timeLimit(.minutes(1)))
struct MLLPClientTests {
    /// A TCP listener that accepts connections and never answers.
    static func withSilentServer(_ body: (Int) async throws -> Void) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(try #require(channel.localAddress?.port))
        } catch {
            try? await channel.close()
            throw error
        }
        try await channel.close()
    }

    /// A raw socket bound to a free port on 127.0.0.1 that listens with `backlog`, or does not
    /// listen at all (connections to it are refused, and the port stays taken). Never accepts.
    static func withBoundSocket(listenBacklog backlog: Int32?, _ body: (Int) async throws -> Void) async throws {
        #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && (backlog.map { listen(fd, $0) == 0 } ?? true)
                    && getsockname(fd, socketAddress, &length) == 0
            }
        }
        try #require(bound)
        try await body(Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test("a server that never answers gives a response timeout")
    func responseTimeout() async throws {
        try await Self.withSilentServer { port in
            let client = try MLLPClient(
                configuration: .init(host: "127.0.0.1", port: port, responseTimeout: .milliseconds(100)),
                logger: TestSupport.logger)
            let error = await #expect(throws: MLLPError.self) { try await client.send(TestSupport.message("T1")) }
            #expect(error?.code == .responseTimeout)
            #expect(error?.controlID == "T1")
            await client.close()
        }
    }

    @Test("no listener gives connectFailed")
    func connectFailed() async throws {
        try await Self.withBoundSocket(listenBacklog: nil) { port in
            let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port), logger: TestSupport.logger)
            let error = await #expect(throws: MLLPError.self) { try await client.send(TestSupport.message("CF1")) }
            #expect(error?.code == .connectFailed)
        }
    }

    #if os(Linux)  // relies on Linux dropping SYNs when the accept queue is full
    @Test("a listener whose accept queue is full gives a connect timeout")
    func connectTimeout() async throws {
        // A socket that listens with a backlog of 0 and never accepts: once one connection
        // waits in its queue, Linux drops further SYNs, so the next connect hangs.
        try await Self.withBoundSocket(listenBacklog: 0) { port in
            let filler = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
            defer { filler.close(promise: nil) }
            let client = try MLLPClient(
                configuration: .init(host: "127.0.0.1", port: port, connectTimeout: .milliseconds(100)), logger: TestSupport.logger)
            let error = await #expect(throws: MLLPError.self) { try await client.send(TestSupport.message("CT1")) }
            #expect(error?.code == .connectTimeout)
        }
    }
    #endif

    @Test("the client reconnects after the server restarts")
    func reconnect() async throws {
        let seen = Recorder<String>()
        var port = 0
        var client: MLLPClient?
        try await TestSupport.withServer(handler: { seen.append("first"); return TestSupport.acknowledge($0) }) { boundPort, _ in
            port = boundPort
            let first = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port), logger: TestSupport.logger)
            let ack = try await first.send(TestSupport.message("R1"))
            #expect(ack.code == .aa)
            client = first
        }
        let first = try #require(client)
        try await TestSupport.withServer({ $0.port = port }, handler: { seen.append("second"); return TestSupport.acknowledge($0) }) { _, _ in
            // The old connection is gone; at most one send may notice that, the next one must
            // reconnect and succeed.
            var ack: Acknowledgment? = try? await first.send(TestSupport.message("R2"))
            if ack == nil { ack = try await first.send(TestSupport.message("R3")) }
            #expect(ack?.code == .aa)
        }
        #expect(seen.all == ["first", "second"])
        await first.close()
    }

    @Test("an ACK for another message is an ackMismatch")
    func ackMismatch() async throws {
        try await TestSupport.withServer(handler: { _ in
            ByteBuffer(bytes: try! TestSupport.message("OTHER").acknowledgment(code: .aa).encoded())
        }) { port, _ in
            let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port), logger: TestSupport.logger)
            let error = await #expect(throws: MLLPError.self) { try await client.send(TestSupport.message("M1")) }
            #expect(error?.code == .ackMismatch)
            #expect(error?.controlID == "M1")
            #expect(error?.acknowledgedControlID == "OTHER")
            await client.close()
        }
    }

    @Test("a response that is not an acknowledgment is an invalidAck")
    func invalidAck() async throws {
        try await TestSupport.withServer(handler: { _ in ByteBuffer(string: "not hl7") }) { port, _ in
            let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port), logger: TestSupport.logger)
            let error = await #expect(throws: MLLPError.self) { try await client.send(TestSupport.message("V1")) }
            #expect(error?.code == .invalidAck)
            await client.close()
        }
    }

    @Test("concurrent sends on one client are matched to their own ACKs")
    func concurrentSends() async throws {
        try await TestSupport.withServer { port, _ in
            let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port), logger: TestSupport.logger)
            try await withThrowingTaskGroup { group in
                for index in 0..<20 {
                    group.addTask {
                        let ack = try await client.send(TestSupport.message("CS\(index)"))
                        #expect(ack.acknowledgedControlID == "CS\(index)")
                    }
                }
                try await group.waitForAll()
            }
            await client.close()
        }
    }

    @Test("error descriptions name codes and control IDs, never content")
    func errorDescription() {
        let error = MLLPError(.ackMismatch, peer: "127.0.0.1:2575", controlID: "A1", acknowledgedControlID: "B2")
        #expect(error.description == "MLLPError.ackMismatch (peer 127.0.0.1:2575, control ID A1, acknowledged control ID B2)")
    }
}
