import Foundation
import PostgresNIO
import PostgresStore
import Store
import StoreTesting
import Testing

/// The PostgreSQL half of `bench/retention/run` (only with `LIENTHONG_BENCH_RETENTION=1` and a
/// server): fills a store with ``RetentionWorkload`` and prints the tables' and the database's
/// sizes before and after retention drops the first half of the months. Prints numbers for
/// bench/RESULTS.md; checks only that space came back at all.
@Suite(
    "PostgreSQL retention benchmark",
    .enabled(if: TestServer.url != nil && ProcessInfo.processInfo.environment["LIENTHONG_BENCH_RETENTION"] == "1"))
struct PostgresRetentionBenchmark {
    /// Bytes of the partition trees of message, attempt and entry (tables, indexes, TOAST), and of the database.
    func sizes(_ store: PostgresStore) async throws -> (tables: Int64, database: Int64) {
        let schema = store.configuration.schema
        var tables: Int64 = 0
        for table in ["message", "attempt", "entry"] {
            let rows = try await store.client.query(
                "SELECT coalesce(sum(pg_total_relation_size(relid)), 0)::bigint FROM pg_partition_tree(\(schema + "." + table)::regclass)"
            ).collect()
            tables += try rows.first?.decode(Int64.self) ?? 0
        }
        let database = try await store.client.query("SELECT pg_database_size(current_database())::bigint").collect()
        return (tables, try database.first?.decode(Int64.self) ?? 0)
    }

    @Test func retentionGivesTheSpaceBack() async throws {
        let environment = ProcessInfo.processInfo.environment
        let workload = RetentionWorkload(messages: environment["LIENTHONG_BENCH_MESSAGES"].flatMap(Int.init) ?? 100_000, concurrency: 8)
        var configuration = try TestServer.configuration()
        configuration.poolSize = 10
        try await withTemporaryPostgresStore(configuration: configuration) { store in
            try await store.ensurePartitions(from: workload.month(0), through: workload.month(workload.months - 1))
            let clock = ContinuousClock()
            let filling = clock.now
            try await workload.fill(store)
            let filled = clock.now - filling
            _ = try await store.client.query("CHECKPOINT").collect()
            let before = try await sizes(store)
            let cutoff = workload.month(workload.months / 2)
            let started = clock.now
            let result = try await store.dropPartitions(olderThan: cutoff)
            let took = clock.now - started
            _ = try await store.client.query("CHECKPOINT").collect()
            let after = try await sizes(store)
            print("retention-bench postgres messages=\(workload.messages) months=\(workload.months) fill=\(filled) cutoff=\(cutoff) "
                + "dropped=\(result.droppedMessagePartitions.joined(separator: ",")),\(result.droppedAttemptPartitions.joined(separator: ",")) "
                + "deleted_entries=\(result.deletedEntries) tables_before=\(before.tables) tables_after=\(after.tables) "
                + "database_before=\(before.database) database_after=\(after.database) retention_time=\(took)")
            #expect(after.tables < before.tables)
        }
    }
}
