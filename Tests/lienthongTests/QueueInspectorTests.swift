import Bus
import Foundation
import HL7v2
import Logging
import Store
import Testing
@testable import lienthong

/// Rejects control IDs starting with `BAD`, takes the rest.
struct PickyDestination: Destination {
    func deliver(_ lease: Lease) async -> DeliveryResult {
        lease.header.controlID?.hasPrefix("BAD") == true
            ? DeliveryResult(verdict: .reject(reason: "rejected (AR)"), responseCode: "AR", error: "acknowledged AR")
            : DeliveryResult(verdict: .delivered, responseCode: "AA")
    }
}

@Suite struct QueueInspectorTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A store with three ADT messages routed to `lis`, delivered except `BAD1`, a dead letter.
    func withStore(_ body: (SQLiteStore) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-queue-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(configuration: .init(path: folder.appendingPathComponent("bus.sqlite").path), logger: logger)
        defer { try? store.close() }
        let intake = Intake(store: store, logger: logger)
        for id in ["OK1", "BAD1", "OK2"] {
            let text = "MSH|^~\\&|HIS|BV_A|BUS|SYT|20261122093000||ADT^A08^ADT_A01|\(id)|P|2.5\rPID|1||P1^^^BV_A^MR||DOE^JOHN\r"
            _ = await intake.receive(Array(text.utf8), channel: "his")
        }
        try await Router(store: store, routes: ["his": [Route(destination: "lis")]], logger: logger).routePending()
        try await DestinationWorker(name: "lis", store: store, destination: PickyDestination(), logger: logger).deliverDue()
        try await body(store)
    }

    @Test func listsDepthsEntriesAndDeadLetters() async throws {
        try await withStore { store in
            let inspector = QueueInspector(store: store)
            let depths = try await inspector.depths()
            #expect(depths.count == 2)
            #expect(depths[0].split(separator: " ", omittingEmptySubsequences: true) == ["destination", "pending", "leased", "delivered", "dead_letter"])
            #expect(depths[1].split(separator: " ", omittingEmptySubsequences: true) == ["lis", "0", "0", "2", "1"])

            let dead = try await inspector.deadLetters(destination: nil, includingReplayed: false, after: nil, limit: 10)
            #expect(dead.count == 2)
            #expect(dead[1].contains("BAD1"))
            #expect(dead[1].contains("rejected (AR)"))

            let entries = try await inspector.entries(destination: "lis", state: .delivered, after: nil, limit: 10)
            #expect(entries.dropFirst().map { $0.contains("OK") } == [true, true])

            let deadEntry = try #require(try await store.deadLetters(destination: "lis", includingReplayed: false, after: nil, limit: 1).first)
            let shown = try await inspector.show(entry: deadEntry.id, raw: false)
            #expect(shown.contains { $0.contains("control ID BAD1") })
            #expect(shown.contains { $0.contains("#1") && $0.contains("AR") })
            #expect(!shown.contains { $0.contains("DOE") }, "no message content without --raw")
        }
    }

    @Test func replaysDeadLettersAndMessagesByQuery() async throws {
        try await withStore { store in
            let inspector = QueueInspector(store: store)
            let replayed = try await inspector.replayDeadLetters(destination: "lis")
            #expect(replayed.last == "replayed 1 dead letters")
            #expect(try await store.entries(destination: "lis", state: .pending, after: nil, limit: 10).count == 1)
            #expect(try await store.deadLetters(destination: "lis", includingReplayed: false, after: nil, limit: 10).isEmpty)

            let query = MessageQuery(controlID: "OK2")
            let dryRun = try await inspector.replay(messages: [], query: query, to: .originalDestinations, dryRun: true)
            #expect(dryRun.last == "would replay 1 messages (--dry-run)")
            #expect(try await store.entries(destination: "archive", state: nil, after: nil, limit: 10).isEmpty)
            let done = try await inspector.replay(messages: [], query: query, to: .destination("archive"), dryRun: false)
            #expect(done.last == "replayed 1 messages as 1 new entries")
            #expect(try await store.entries(destination: "archive", state: .pending, after: nil, limit: 10).count == 1)
        }
    }

    @Test func replaysAndRawViewsAreAudited() async throws {
        try await withStore { store in
            let auditor = Auditor(store: store, clock: { Date(timeIntervalSince1970: 1_790_000_000) })
            let inspector = QueueInspector(store: store, auditor: auditor)
            let dead = try #require(try await store.deadLetters(destination: "lis", includingReplayed: false, after: nil, limit: 1).first)
            let delivered = try #require(try await store.entries(destination: "lis", state: .delivered, after: nil, limit: 1).first)
            _ = try await inspector.show(entry: delivered.id, raw: false)
            _ = try await inspector.replay(entries: [delivered.id])
            _ = try await inspector.replayDeadLetters(destination: "lis")
            _ = try await inspector.replay(messages: [dead.messageID], query: nil, to: .destination("archive"), dryRun: false)
            _ = try await inspector.show(entry: dead.id, raw: true)

            let records = try await store.auditRecords(matching: AuditQuery(), after: nil, limit: 10)
            #expect(records.map(\.action) == [.replay, .retryDeadLetters, .replay, .viewMessage])
            #expect(records.allSatisfy { $0.actor == .cli })
            #expect(records.map(\.target) == ["entry \(delivered.id)", "entry \(dead.id)", "message \(dead.messageID)", "message \(dead.messageID)"])
            #expect(records[3].detail == "queue show --raw, entry \(dead.id)")
            #expect(records[2].detail.hasPrefix("to archive: new entries "))
            // Identifiers only: no patient name or identifier from the messages.
            #expect(!records.contains { "\($0.target) \($0.detail)".contains("DOE") || "\($0.target) \($0.detail)".contains("P1") })
            #expect(try await store.verifyAuditChain().isIntact)
        }
    }
}
