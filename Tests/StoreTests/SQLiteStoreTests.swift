import Foundation
import GRDB
import Logging
@testable import Store
import StoreTesting
import Testing

@Suite("SQLiteStore")
struct SQLiteStoreTests {
    let epoch = StoreConformance.epoch

    @Test("data survives closing and reopening the file")
    func reopen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("nested/dir/store.sqlite")
        let incoming = StoreConformance.incoming(controlID: "KEEP")
        let (messageID, entryID): (MessageID, EntryID)
        do {
            let store = try SQLiteStore(configuration: .init(path: path), logger: .silent)
            messageID = try await store.receive(incoming, deduplicationWindow: .seconds(60)).messageID
            entryID = try await store.route(messageID, entries: [RouteEntry(destination: "lab", orderingKey: "A")], now: epoch)[0]
            let lease = try await store.lease(destination: "lab", limit: 1, duration: .seconds(30), now: epoch)[0]
            try await store.recordAttempt(
                AttemptReport(startedAt: epoch, duration: .milliseconds(5), error: "timeout"),
                for: lease,
                outcome: .retry(notBefore: epoch.addingTimeInterval(10)),
                now: epoch
            )
            try store.close()
        }
        let store = try SQLiteStore(configuration: .init(path: path), logger: .silent)
        defer { try? store.close() }
        let message = try #require(try await store.message(messageID))
        #expect(message.raw == incoming.raw)
        #expect(message.header == incoming.header)
        #expect(message.state == .routed)
        let entry = try #require(try await store.entry(entryID))
        #expect(entry.state == .pending)
        #expect(entry.attemptCount == 1)
        #expect(try await store.attempts(of: entryID).map(\.report.error) == ["timeout"])
        #expect(try await store.queueDepths() == [QueueDepth(destination: "lab", state: .pending, count: 1)])
        // Deduplication also works against what was stored before the restart.
        #expect(try await store.receive(incoming, deduplicationWindow: .seconds(60)) == .duplicate(of: messageID))
    }

    @Test("concurrent receives are committed in one transaction")
    func groupCommit() async throws {
        try await withTemporarySQLiteStore { store, _ in
            let count = 50
            store.writes.hold()
            let results = try await withThrowingTaskGroup(of: ReceiveResult.self) { group in
                for index in 0..<count {
                    group.addTask {
                        try await store.receive(
                            StoreConformance.incoming(controlID: "G\(index % 40)"),
                            deduplicationWindow: .seconds(60)
                        )
                    }
                }
                // Wait (bounded) until every receive is queued behind the held commit.
                for _ in 0..<1_000_000 where store.writes.waitingCount < count {
                    await Task.yield()
                }
                #expect(store.writes.waitingCount == count)
                store.writes.release()
                var results: [ReceiveResult] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(store.statistics == SQLiteStore.Statistics(transactions: 1, operations: count))
            // Duplicates inside one batch are caught too: 40 distinct control IDs.
            let stored = results.filter { if case .stored = $0 { true } else { false } }
            #expect(stored.count == 40)
            #expect(try await store.pendingRouting(limit: 100).count == 40)
        }
    }

    @Test("group commit respects the maximum batch size")
    func groupCommitBatchSize() async throws {
        try await withTemporarySQLiteStore(configuration: { .init(path: $0, maximumBatchSize: 8) }) { store, _ in
            let count = 20
            store.writes.hold()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask {
                        _ = try await store.receive(StoreConformance.incoming(controlID: "B\(index)"), deduplicationWindow: .zero)
                    }
                }
                // Wait (bounded) until every receive is queued behind the held commit.
                for _ in 0..<1_000_000 where store.writes.waitingCount < count {
                    await Task.yield()
                }
                #expect(store.writes.waitingCount == count)
                store.writes.release()
                try await group.waitForAll()
            }
            #expect(store.statistics == SQLiteStore.Statistics(transactions: 3, operations: count))
            #expect(try await store.pendingRouting(limit: 100).count == count)
        }
    }

    @Test("attempts recorded at the same time share one transaction; a lost lease rolls back only its own")
    func attemptsGroupCommit() async throws {
        try await withTemporarySQLiteStore { store, _ in
            let count = 5
            for index in 0..<count {
                let id = try await store.receive(StoreConformance.incoming(controlID: "A\(index)"), deduplicationWindow: .zero).messageID
                try await store.route(id, entries: [RouteEntry(destination: "lab", orderingKey: "K\(index)")], now: epoch)
            }
            let leases = try await store.lease(destination: "lab", limit: count, duration: .seconds(1), now: epoch)
            #expect(leases.count == count)
            // The first lease expires and is taken again: the old token is lost.
            let retaken = try await store.lease(destination: "lab", limit: 1, duration: .seconds(30), now: epoch.addingTimeInterval(2))
            #expect(retaken.map(\.entry.id) == [leases[0].entry.id])
            let before = store.statistics
            store.writes.hold()
            let results = await withTaskGroup(of: (EntryID, StoreError.Code?).self) { group in
                for lease in leases {
                    group.addTask {
                        do {
                            try await store.recordAttempt(
                                AttemptReport(startedAt: epoch, duration: .milliseconds(1), responseCode: "AA"),
                                for: lease, outcome: .delivered, now: epoch)
                            return (lease.entry.id, nil)
                        } catch let error as StoreError {
                            return (lease.entry.id, error.code)
                        } catch {
                            return (lease.entry.id, .database)
                        }
                    }
                }
                for _ in 0..<1_000_000 where store.writes.waitingCount < count {
                    await Task.yield()
                }
                #expect(store.writes.waitingCount == count)
                store.writes.release()
                var results: [EntryID: StoreError.Code?] = [:]
                for await (id, code) in group { results[id] = code }
                return results
            }
            #expect(results[leases[0].entry.id] == .some(.leaseLost))
            #expect(leases.dropFirst().allSatisfy { results[$0.entry.id] == .some(nil) })
            #expect(store.statistics.transactions - before.transactions == 1)
            #expect(store.statistics.operations - before.operations == count)
            #expect(try await store.entry(leases[0].entry.id)?.state == .leased)
            #expect(try await store.attempts(of: leases[0].entry.id).isEmpty)
            for lease in leases.dropFirst() {
                #expect(try await store.entry(lease.entry.id)?.state == .delivered)
                #expect(try await store.attempts(of: lease.entry.id).map(\.report.responseCode) == ["AA"])
            }
        }
    }

    @Test("WAL checkpoints run on their own connection, not in the writer's commits")
    func backgroundCheckpoints() async throws {
        try await withTemporarySQLiteStore { store, _ in
            let threshold = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
            #expect(threshold == SQLiteCheckpointer.backstopPages)
            #expect(store.checkpointer.checkpoints == 0)
            for index in 0..<130 {
                _ = try await store.receive(StoreConformance.incoming(controlID: "W\(index)"), deduplicationWindow: .zero)
            }
            // Two checkpoints were started (every 64 commits); wait (bounded) for the first.
            for _ in 0..<10_000 where store.checkpointer.checkpoints < 1 {
                try await Task.sleep(for: .milliseconds(1))
            }
            #expect(store.checkpointer.checkpoints >= 1)
            #expect(try await store.pendingRouting(limit: 200).count == 130)
        }
    }

    @Test("sequential receives each commit on their own")
    func sequentialReceives() async throws {
        try await withTemporarySQLiteStore { store, _ in
            for index in 0..<3 {
                _ = try await store.receive(StoreConformance.incoming(controlID: "S\(index)"), deduplicationWindow: .zero)
            }
            #expect(store.statistics == SQLiteStore.Statistics(transactions: 3, operations: 3))
        }
    }

    @Test("WAL mode and the configured synchronous level", arguments: [
        (SQLiteStore.Durability.processCrash, 1), (SQLiteStore.Durability.full, 2),
    ])
    func pragmas(durability: SQLiteStore.Durability, synchronous: Int) async throws {
        try await withTemporarySQLiteStore(configuration: { .init(path: $0, durability: durability) }) { store, _ in
            let (journal, level) = try await store.pool.write { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                    try Int.fetchOne(db, sql: "PRAGMA synchronous")
                )
            }
            #expect(journal == "wal")
            #expect(level == synchronous)
        }
    }

    @Test("lease, dedupe and routing queries use their indexes")
    func queryPlans() async throws {
        try await withTemporarySQLiteStore { store, _ in
            func plan(_ sql: String, _ arguments: StatementArguments) async throws -> String {
                try await store.pool.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments)
                        .map { $0["detail"] as String }
                        .joined(separator: "\n")
                }
            }
            let lease = try await plan(SQLiteStore.leaseQuery, ["lab", 0, 10])
            #expect(lease.contains("USING INDEX entry_active "))
            #expect(lease.contains("USING COVERING INDEX entry_active_key"))
            #expect(!lease.contains("SCAN e"))
            let dedupe = try await plan(
                """
                SELECT id FROM message
                WHERE channel = ? AND sending_application IS ? AND sending_facility IS ? AND control_id = ?
                  AND received_at >= ? AND state <> 'rejected'
                ORDER BY received_at DESC LIMIT 1
                """,
                ["his", "HIS", "BVCR", "C1", 0]
            )
            #expect(dedupe.contains("USING INDEX message_dedupe"))
            #expect(!dedupe.contains("TEMP B-TREE"))
            let pending = try await plan("SELECT id FROM message WHERE state = 'received' ORDER BY id LIMIT ?", [10])
            #expect(pending.contains("message_received"))
            let byPatient = try await plan("SELECT id FROM message WHERE id > ? AND patient_id = ? ORDER BY id LIMIT ?", [0, "P1", 10])
            #expect(byPatient.contains("message_patient"))
            let listing = try await plan(
                "SELECT id FROM entry e WHERE e.destination = ? AND e.state = ? AND e.id > ? ORDER BY e.id LIMIT ?", ["lab", "delivered", 0, 10])
            #expect(listing.contains("USING INDEX entry_destination "))
            #expect(!listing.contains("TEMP B-TREE"))
        }
    }

    @Test("the data directory is created, and the default path is ./data/lienthong.sqlite")
    func configuration() throws {
        #expect(SQLiteStore.Configuration().path == "./data/lienthong.sqlite")
        #expect(SQLiteStore.Configuration().durability == .processCrash)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("a/b/c.sqlite")
        let store = try SQLiteStore(configuration: .init(path: path), logger: .silent)
        try store.close()
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("a non-positive limit is refused")
    func invalidLimit() async throws {
        try await withTemporarySQLiteStore { store, _ in
            let error = await #expect(throws: StoreError.self) {
                try await store.lease(destination: "lab", limit: 0, duration: .seconds(1), now: epoch)
            }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test("a closed store fails with a database error")
    func closed() async throws {
        try await withTemporarySQLiteStore { store, _ in
            try store.close()
            let error = await #expect(throws: StoreError.self) {
                try await store.receive(StoreConformance.incoming(controlID: "X"), deduplicationWindow: .zero)
            }
            #expect(error?.code == .database)
        }
    }

    @Test("descriptions carry no patient data")
    func redaction() {
        let incoming = StoreConformance.incoming(controlID: "CTRL9", patientID: "PATIENT-4711")
        let lease = Lease(
            entry: QueueEntry(
                id: EntryID(rawValue: 1), messageID: MessageID(rawValue: 2), destination: "lab",
                orderingKey: "PATIENT-4711", state: .leased, enqueuedAt: epoch, availableAt: epoch,
                attemptCount: 0, lastError: nil, isReplay: false, replayOf: nil, replacedBy: nil
            ),
            token: 1, expiresAt: epoch, payload: incoming.raw, header: incoming.header
        )
        let texts = [
            String(describing: incoming), String(describing: incoming.header), String(describing: lease),
            String(describing: lease.entry), String(describing: RouteEntry(destination: "lab", orderingKey: "PATIENT-4711")),
            String(describing: StoreError(code: .leaseLost, entryID: EntryID(rawValue: 1))),
            String(describing: MessageQuery(controlID: "CTRL9", patientID: "PATIENT-4711")),
        ]
        for text in texts {
            #expect(!text.contains("PATIENT-4711"))
        }
        #expect(String(describing: incoming.header).contains("CTRL9"))
    }
}

@Suite struct SQLiteBatchRoutingTests {
    @Test("operations of every kind share one transaction; a failing one is rolled back alone")
    func mixedBatch() async throws {
        try await withTemporarySQLiteStore { store, _ in
            let first = try await store.receive(StoreConformance.incoming(controlID: "M1"), deduplicationWindow: .zero).messageID
            let routed = try await store.receive(StoreConformance.incoming(controlID: "M2"), deduplicationWindow: .zero).messageID
            try await store.route(routed, entries: [], now: StoreConformance.epoch)
            let before = store.statistics
            store.writes.hold()
            async let stored = store.receive(StoreConformance.incoming(controlID: "M3"), deduplicationWindow: .zero)
            // Writes entries for `first`, then fails on `routed` (already routed): rolled back.
            async let failed = store.route(
                [RoutingDecision(message: first, entries: [RouteEntry(destination: "lab")]), RoutingDecision(message: routed, entries: [])],
                now: StoreConformance.epoch)
            async let queued = store.route(first, entries: [RouteEntry(destination: "ris")], now: StoreConformance.epoch)
            for _ in 0..<1_000_000 where store.writes.waitingCount < 3 {
                await Task.yield()
            }
            #expect(store.writes.waitingCount == 3)
            store.writes.release()
            let third = try await stored.messageID
            let failure: StoreError.Code?
            do {
                _ = try await failed
                failure = nil
            } catch let error as StoreError {
                failure = error.code
            }
            #expect(failure == .invalidState)
            let entries = try await queued
            #expect(store.statistics.transactions - before.transactions == 1)
            #expect(store.statistics.operations - before.operations == 3)
            #expect(try await store.message(third)?.state == .received)
            #expect(try await store.message(first)?.state == .routed)
            #expect(try await store.entries(of: first).map(\.destination) == ["ris"])
            #expect(try await store.entries(of: first).map(\.id) == entries)
        }
    }

    @Test func aFailedBatchRoutesNothing() async throws {
        try await withTemporarySQLiteStore { store, _ in
            let first = try await store.receive(StoreConformance.incoming(controlID: "A1"), deduplicationWindow: .zero).messageID
            let second = try await store.receive(StoreConformance.incoming(controlID: "A2"), deduplicationWindow: .zero).messageID
            try await store.route(first, entries: [], now: StoreConformance.epoch)
            await #expect(throws: StoreError.self) {
                try await store.route([RoutingDecision(message: second, entries: [RouteEntry(destination: "lab")]), RoutingDecision(message: first, entries: [])], now: StoreConformance.epoch)
            }
            #expect(try await store.message(second)?.state == .received)
            #expect(try await store.entries(of: second).isEmpty)
        }
    }
}
