import Foundation
import HL7v2
import Logging
import MLLP
import MLLPTesting
import NIOCore
import ServiceLifecycle
import Store
import Synchronization
import ProcessTesting
import Testing
@testable import Bus

/// Runs a ``BusNode`` (listeners on free ports) around `body`, then shuts it down gracefully.
func withBusNode(
    _ configuration: BusConfiguration, store: any MessageStore, logger: Logger,
    _ body: (_ ports: [String: Int]) async throws -> Void
) async throws {
    var node = BusNode(configuration: configuration, store: store, logger: logger)
    node.pollInterval = .milliseconds(50)
    let (addresses, continuation) = AsyncStream.makeStream(of: (String, Int).self)
    let services = try node.services { channel, address in continuation.yield((channel, address.port ?? 0)) }
    let group = ServiceGroup(services: services, logger: logger)
    try await withThrowingTaskGroup { tasks in
        tasks.addTask { try await group.run() }
        var ports: [String: Int] = [:]
        for await (channel, port) in addresses {
            ports[channel] = port
            if ports.count == configuration.channels.count { break }
        }
        do {
            try await body(ports)
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes (``ProcessTesting/eventually(timeout:interval:_:)``).
func eventually(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async rethrows -> Bool {
    try await ProcessTesting.eventually(timeout: timeout, interval: .milliseconds(20), condition)
}

@Suite struct BusNodeTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func configuration(destinationPort: Int, folder: URL, retry: RetryPolicy = .fixed(.milliseconds(50), maximumAttempts: nil)) -> BusConfiguration {
        var destination = DestinationConfiguration(
            name: "lis",
            endpoint: .mllp(.init(host: "127.0.0.1", port: destinationPort, connectTimeout: .seconds(10), responseTimeout: .seconds(30))))
        destination.worker.retry = retry
        destination.concurrency = 2
        return BusConfiguration(
            store: .sqlite(.init(path: folder.appendingPathComponent("bus.sqlite").path)),
            channels: [
                ChannelConfiguration(
                    name: "his", listener: .init(host: "127.0.0.1", port: 0, maximumFrameLength: 4096),
                    routes: [Route(destination: "lis", orderingKey: "PID-3.1")])
            ],
            destinations: [destination])
    }

    /// Sends messages over `connections` connections in parallel; returns the ACK codes by control ID.
    func send(_ messages: [[UInt8]], to port: Int, connections: Int) async throws -> [String: Acknowledgment.Code] {
        let shares = (0..<connections).map { index in stride(from: index, to: messages.count, by: connections).map { messages[$0] } }
        return try await withThrowingTaskGroup(of: [String: Acknowledgment.Code].self) { group in
            for share in shares {
                group.addTask {
                    let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port), logger: logger)
                    var codes: [String: Acknowledgment.Code] = [:]
                    for bytes in share {
                        let message = try Message(bytes)
                        codes[message.controlID ?? ""] = try await client.send(message).code
                    }
                    await client.close()
                    return codes
                }
            }
            return try await group.reduce(into: [:]) { $0.merge($1) { first, _ in first } }
        }
    }

    @Test func destinationOutageQueuesThenDrainsInKeyOrderOverRealMLLP() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let receiverPort = try await freeLoopbackPort(logger: logger)
        let messages = (0..<60).map { hl7("ADT^A08^ADT_A01", controlID: "M\($0)", patient: "P\($0 % 5)") }

        try await withBusNode(configuration(destinationPort: receiverPort, folder: temporary.folder), store: temporary.store, logger: logger) { ports in
            // The destination is down: everything is acknowledged, and queues up.
            let codes = try await send(messages, to: try #require(ports["his"]), connections: 3)
            #expect(codes.count == 60)
            #expect(codes.values.allSatisfy { $0 == .aa })
            let queued = try await eventually {
                try await temporary.store.entries(destination: "lis", state: nil, after: nil, limit: 100).count == 60
            }
            #expect(queued)
            let tried = try await eventually {
                try await temporary.store.entries(destination: "lis", state: nil, after: nil, limit: 100).contains { $0.attemptCount > 0 }
            }
            #expect(tried, "the down destination was not tried")

            // It comes back on the same port; the queue drains.
            let received = Received()
            try await withMLLPTestServer(configuration: .init(port: receiverPort), logger: logger, handler: { request in
                let message = try! Message(request.payload.readableBytesView)
                received.controlIDs.withLock { $0.append(message.controlID ?? "") }
                return ByteBuffer(bytes: message.acknowledgment(code: .aa).encoded())
            }) { _, _ in
                let drained = try await eventually {
                    try await temporary.store.entries(destination: "lis", state: .delivered, after: nil, limit: 100).count == 60
                }
                #expect(drained)
            }
            // Every message arrived, each patient's in the order the bus acknowledged them (three
            // connections interleave, so that is the store's order, not the sending order).
            var stored: [String] = []
            for entry in try await temporary.store.entries(destination: "lis", state: nil, after: nil, limit: 100) {
                stored.append(try await temporary.store.message(entry.messageID)?.header.controlID ?? "?")
            }
            let arrived = received.all
            #expect(Set(arrived) == Set((0..<60).map { "M\($0)" }))
            for patient in 0..<5 {
                let isOwn = { (id: String) in Int(id.dropFirst())! % 5 == patient }
                var seen = Set<String>()
                let firsts = arrived.filter(isOwn).filter { seen.insert($0).inserted }
                #expect(firsts == stored.filter(isOwn), "patient P\(patient) out of order")
            }
        }
    }

    @Test func poisonMessageIsDeadLetteredWhileOtherKeysFlow() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let received = Received()
        try await withMLLPTestServer(logger: logger, handler: { request in
            let message = try! Message(request.payload.readableBytesView)
            let controlID = message.controlID ?? ""
            received.controlIDs.withLock { $0.append(controlID) }
            // The poison: always refused.
            return ByteBuffer(bytes: message.acknowledgment(code: controlID == "M0" ? .ar : .aa).encoded())
        }) { receiverPort, _ in
            try await withBusNode(configuration(destinationPort: receiverPort, folder: temporary.folder), store: temporary.store, logger: logger) { ports in
                let messages = (0..<30).map { hl7("ORU^R01^ORU_R01", controlID: "M\($0)", patient: "P\($0 % 3)") }
                _ = try await send(messages, to: try #require(ports["his"]), connections: 1)
                let done = try await eventually {
                    try await temporary.store.entries(destination: "lis", state: .delivered, after: nil, limit: 100).count == 29
                }
                #expect(done)
            }
        }
        let dead = try await temporary.store.deadLetters(destination: "lis", includingReplayed: false, after: nil, limit: 10)
        #expect(dead.count == 1)
        let deadEntry = try #require(dead.first)
        #expect(try await temporary.store.message(deadEntry.messageID)?.header.controlID == "M0")
        #expect(try await temporary.store.attempts(of: deadEntry.id).map(\.report.responseCode) == ["AR"])
        // AR is final: the poison was sent once, and everything behind it — its own key
        // included — was delivered.
        #expect(received.all.filter { $0 == "M0" }.count == 1)
        #expect(Set(received.all) == Set((0..<30).map { "M\($0)" }))
    }

    @Test func oversizedFrameIsAnsweredARAndItsStartStored() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let receiverPort = try await freeLoopbackPort(logger: logger)
        try await withBusNode(configuration(destinationPort: receiverPort, folder: temporary.folder), store: temporary.store, logger: logger) { ports in
            var big = hl7("ORU^R01^ORU_R01", controlID: "BIG1", patient: "P1")
            big += Array("OBX|1|ED|PDF||".utf8) + Array(repeating: UInt8(ascii: "A"), count: 10_000) + [0x0D]
            let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: try #require(ports["his"])), logger: logger)
            let acknowledgment = try await client.send(try Message(big))
            await client.close()
            #expect(acknowledgment.code == .ar)
            #expect(acknowledgment.acknowledgedControlID == "BIG1")
            let text = String(decoding: acknowledgment.message.encoded(), as: UTF8.self)
            #expect(text.contains("ERR|"))
            #expect(text.contains("207"))
        }
        let stored = try await temporary.store.messages(matching: MessageQuery(controlID: "BIG1"), after: nil, limit: 10)
        #expect(stored.count == 1)
        #expect(stored.first?.state == .rejected)
        #expect(stored.first?.rejection == .oversized)
    }

    @Test func storeFailureIsAnsweredWithAnErrorSoTheSenderRetries() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        try temporary.store.close()
        let outcome = await Intake(store: temporary.store, logger: logger).receive(hl7("ADT^A01^ADT_A01", controlID: "S1", patient: "P1"), channel: "his")
        #expect(outcome.code == .ae)
        #expect(outcome.messageID == nil)
        let acknowledgment = try Acknowledgment(parsing: try Message(outcome.acknowledgment))
        #expect(acknowledgment.acknowledgedControlID == "S1")
        #expect(String(decoding: outcome.acknowledgment, as: UTF8.self).contains("207"))
    }
}
