import Foundation
import GRDB
import Logging
@testable import Store
import StoreTesting
import Testing

/// The SQLite half of `bench/retention/run` (only with `LIENTHONG_BENCH_RETENTION=1`): fills a
/// store with ``RetentionWorkload`` and prints the file's size before and after retention removes
/// the first half of the months. Prints numbers for bench/RESULTS.md; checks only that space
/// came back at all.
@Suite("SQLite retention benchmark", .enabled(if: ProcessInfo.processInfo.environment["LIENTHONG_BENCH_RETENTION"] == "1"))
struct SQLiteRetentionBenchmark {
    static func size(_ path: String) -> Int {
        [path, path + "-wal"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        }
    }

    @Test func retentionGivesTheSpaceBack() async throws {
        let environment = ProcessInfo.processInfo.environment
        let workload = RetentionWorkload(messages: environment["LIENTHONG_BENCH_MESSAGES"].flatMap(Int.init) ?? 100_000)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("bench.sqlite")
        let store = try SQLiteStore(configuration: .init(path: path), logger: .silent)
        defer { try? store.close() }
        let clock = ContinuousClock()
        let filling = clock.now
        try await workload.fill(store)
        let filled = clock.now - filling
        // What a running bus has: the WAL checkpointed.
        try await store.pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let before = Self.size(path)
        let cutoff = workload.month(workload.months / 2)
        let started = clock.now
        let result = try await store.removeEnded(before: cutoff)
        let took = clock.now - started
        let after = Self.size(path)
        print("retention-bench sqlite messages=\(workload.messages) months=\(workload.months) fill=\(filled) cutoff=\(cutoff) "
            + "deleted_messages=\(result.deletedMessages) deleted_entries=\(result.deletedEntries) deleted_attempts=\(result.deletedAttempts) "
            + "freed_pages=\(result.freedPages) file_before=\(before) file_after=\(after) retention_time=\(took)")
        #expect(after < before)
    }
}
