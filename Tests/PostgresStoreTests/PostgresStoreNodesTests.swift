import Foundation
import PostgresNIO
import PostgresStore
import Store
import StoreTesting
import Testing

/// The shared store suite's concurrency checks (``StoreConformance/nodesChecks``) with three
/// ``PostgresStore``s — three connection pools, as three bus nodes have — on one schema.
@Suite("PostgresStore shared by several nodes", .enabled(if: TestServer.isEnabled))
struct PostgresStoreNodesTests {
    @Test(arguments: StoreConformance.nodesChecks)
    func nodes(_ check: StoreConformance.NodesCheck) async throws {
        let configuration = try TestServer.configuration()
        try await withTemporaryPostgresStore(configuration: configuration) { first in
            try await withTemporaryPostgresStore(configuration: configuration, dropsSchema: false) { second in
                try await withTemporaryPostgresStore(configuration: configuration, dropsSchema: false) { third in
                    try await check.run([first, second, third])
                }
            }
        }
    }

    /// `count` messages received at `date`, routed to `lab` and delivered; their identifiers.
    static func delivered(_ store: PostgresStore, count: Int, at date: Date) async throws -> [MessageID] {
        var ids: [MessageID] = []
        for index in 0..<count {
            var message = StoreConformance.incoming(controlID: "J\(index)")
            message.receivedAt = date
            ids.append(try await store.receive(message, deduplicationWindow: .zero).messageID)
        }
        try await store.route(ids.map { RoutingDecision(message: $0, entries: [RouteEntry(destination: "lab")]) }, now: date)
        for lease in try await store.lease(destination: "lab", limit: count, duration: .seconds(30), now: date) {
            try await store.recordAttempt(
                AttemptReport(startedAt: date, duration: .milliseconds(5), responseCode: "AA"), for: lease, outcome: .delivered, now: date)
        }
        return ids
    }

    @Test("nodes running the retention at once drop each old month once, without errors")
    func retentionOnSeveralNodes() async throws {
        let configuration = try TestServer.configuration()
        try await withTemporaryPostgresStore(configuration: configuration) { first in
            try await withTemporaryPostgresStore(configuration: configuration, dropsSchema: false) { second in
                let june = StoreConformance.epoch  // 2025-06-15
                try await first.ensurePartitions(from: june.addingTimeInterval(-60 * 86_400), through: june)
                let ids = try await Self.delivered(first, count: 20, at: june)
                let cutoff = Date(timeIntervalSince1970: 1_751_328_000)  // 2025-07-01, the end of June
                let results = try await withThrowingTaskGroup(of: PostgresStore.RetentionResult.self) { group in
                    for store in [first, second, first, second] {
                        group.addTask { try await store.dropPartitions(olderThan: cutoff) }
                    }
                    var results: [PostgresStore.RetentionResult] = []
                    for try await result in group { results.append(result) }
                    return results
                }
                let dropped = results.flatMap(\.droppedMessagePartitions)
                #expect(dropped.sorted() == ["message_y2025m04", "message_y2025m05", "message_y2025m06"])
                #expect(results.flatMap(\.droppedAttemptPartitions).sorted() == ["attempt_y2025m04", "attempt_y2025m05", "attempt_y2025m06"])
                #expect(results.map(\.deletedEntries).reduce(0, +) == ids.count)
                #expect(try await second.message(ids[0]) == nil)
            }
        }
    }
}
