import Foundation
import HL7v2
import Logging
import MLLP
import MLLPTesting
import NIOCore
import Store
import Synchronization
import Testing
@testable import Bus

/// What the receiving system got, in order.
final class Received: Sendable {
    let controlIDs = Mutex<[String]>([])
    var all: [String] { controlIDs.withLock { $0 } }
}

@Suite struct MLLPDestinationTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Runs a receiving HL7 system on 127.0.0.1 that answers AR for control IDs starting with
    /// `BAD` and AA otherwise, recording what it received.
    func withReceiver(_ body: (_ port: Int, _ received: Received) async throws -> Void) async throws {
        let received = Received()
        try await withMLLPTestServer(logger: logger, handler: { request in
            guard let message = try? Message(request.payload.readableBytesView) else { return ByteBuffer() }
            let controlID = message.controlID ?? ""
            received.controlIDs.withLock { $0.append(controlID) }
            return ByteBuffer(bytes: message.acknowledgment(code: controlID.hasPrefix("BAD") ? .ar : .aa).encoded())
        }) { port, _ in
            try await body(port, received)
        }
    }

    @Test func deliversOverMLLPAndDeadLettersRejections() async throws {
        try await withReceiver { port, received in
            let temporary = try TemporaryStore()
            defer { try? FileManager.default.removeItem(at: temporary.folder) }
            try await temporary.receiveAndRoute(
                ["OK1", "BAD1", "OK2"].map { hl7("ADT^A08^ADT_A01", controlID: $0, patient: $0) },
                routes: [Route(destination: "lis", orderingKey: "PID-3.1")], at: start, logger: logger)
            let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port), logger: logger)
            let worker = DestinationWorker(name: "lis", store: temporary.store, destination: MLLPDestination(client: client), logger: logger)
            let now = start
            #expect(try await worker.deliverDue(now: { now }) == 3)
            await client.close()

            #expect(received.all == ["OK1", "BAD1", "OK2"])
            let delivered = try await temporary.store.entries(destination: "lis", state: .delivered, after: nil, limit: 10)
            #expect(delivered.count == 2)
            let dead = try await temporary.store.deadLetters(destination: "lis", includingReplayed: false, after: nil, limit: 10)
            #expect(dead.count == 1)
            let attempts = try await temporary.store.attempts(of: try #require(dead.first?.id))
            #expect(attempts.first?.report.responseCode == "AR")
        }
    }

    @Test func unreachablePeerIsRetried() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        try await temporary.receiveAndRoute(
            [hl7("ADT^A08^ADT_A01", controlID: "R1", patient: "P1")], routes: [Route(destination: "lis")], at: start, logger: logger)
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: 1), logger: logger)
        let worker = DestinationWorker(name: "lis", store: temporary.store, destination: MLLPDestination(client: client), logger: logger)
        let now = start
        #expect(try await worker.deliverDue(now: { now }) == 1)
        await client.close()
        let pending = try await temporary.store.entries(destination: "lis", state: .pending, after: nil, limit: 10)
        #expect(pending.count == 1)
        #expect(pending.first?.attemptCount == 1)
        #expect((pending.first?.availableAt ?? start) > start)
    }
}
