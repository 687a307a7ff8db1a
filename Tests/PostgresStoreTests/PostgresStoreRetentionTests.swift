import Foundation
import PostgresNIO
import PostgresStore
import Store
import StoreTesting
import Testing

@Suite("PostgresStore partitions and retention", .enabled(if: TestServer.isEnabled))
struct PostgresStoreRetentionTests {
    /// The bytes of every partition of `table` (tables, indexes and TOAST).
    func size(of table: String, _ store: PostgresStore) async throws -> Int64 {
        let rows = try await store.client.query(
            "SELECT coalesce(sum(pg_total_relation_size(relid)), 0)::bigint FROM pg_partition_tree(\(store.configuration.schema + "." + table)::regclass)"
        ).collect()
        return try rows.first?.decode(Int64.self) ?? 0
    }

    @Test("retention drops whole months older than the cutoff, keeps a month with live work, and the space comes back")
    func dropsOldMonths() async throws {
        try await withTemporaryPostgresStore { store in
            let june = StoreConformance.epoch  // 2025-06-15
            let july = june.addingTimeInterval(30 * 86_400)
            try await store.ensurePartitions(from: june, through: july)
            // 100 June messages of 16 KiB that do not compress (random bytes; PostgreSQL compresses
            // each value alone), delivered with one attempt each.
            var random = SystemRandomNumberGenerator()
            var block = (0..<2_048).flatMap { _ in withUnsafeBytes(of: random.next() as UInt64) { Array($0) } }
            var delivered: [MessageID] = []
            for index in 0..<100 {
                var message = StoreConformance.incoming(controlID: "J\(index)")
                block[0] = UInt8(index)
                message.raw = block
                delivered.append(try await store.receive(message, deduplicationWindow: .zero).messageID)
            }
            try await store.route(delivered.map { RoutingDecision(message: $0, entries: [RouteEntry(destination: "lab")]) }, now: june)
            for lease in try await store.lease(destination: "lab", limit: 100, duration: .seconds(30), now: june) {
                try await store.recordAttempt(
                    AttemptReport(startedAt: june, duration: .milliseconds(5), responseCode: "AA"), for: lease, outcome: .delivered, now: june)
            }
            // A June message still queued keeps June; a July message is newer than the cutoff.
            let waiting = try await store.receive(StoreConformance.incoming(controlID: "LIVE"), deduplicationWindow: .zero).messageID
            try await store.route(waiting, entries: [RouteEntry(destination: "ris")], now: june)
            var later = StoreConformance.incoming(controlID: "JULY")
            later.receivedAt = july
            let recent = try await store.receive(later, deduplicationWindow: .zero).messageID
            let cutoff = Date(timeIntervalSince1970: 1_751_328_000)  // 2025-07-01, the end of June

            var result = try await store.dropPartitions(olderThan: cutoff)
            #expect(result.keptMessagePartitions == ["message_y2025m06"])
            #expect(result.droppedMessagePartitions.isEmpty)
            #expect(result.droppedAttemptPartitions == ["attempt_y2025m06"])
            #expect(try await store.message(delivered[0]) != nil)

            let lease = try await store.lease(destination: "ris", limit: 1, duration: .seconds(30), now: june)[0]
            try await store.recordAttempt(AttemptReport(startedAt: june, duration: .milliseconds(5), responseCode: "AA"), for: lease, outcome: .delivered, now: june)
            let before = try await size(of: "message", store)
            result = try await store.dropPartitions(olderThan: cutoff)
            let after = try await size(of: "message", store)
            #expect(result.droppedMessagePartitions == ["message_y2025m06"])
            #expect(result.deletedEntries == 101)
            #expect(before - after >= 100 * 16_384, "the dropped month's bytes are freed: \(before) → \(after)")
            #expect(try await store.message(delivered[0]) == nil)
            #expect(try await store.entries(of: delivered[0]).isEmpty)
            #expect(try await store.message(recent)?.header.controlID == "JULY")
            #expect(try await store.queueDepths().filter { $0.destination == "lab" || $0.destination == "ris" }.isEmpty)
            // Nothing left to drop before the cutoff.
            #expect(try await store.dropPartitions(olderThan: cutoff) == PostgresStore.RetentionResult())
        }
    }
}
