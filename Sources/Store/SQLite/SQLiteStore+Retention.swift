public import Foundation
import GRDB
import Logging

extension SQLiteStore {
    /// What ``removeEnded(before:batchSize:)`` did.
    public struct RetentionResult: Sendable, Hashable {
        /// Messages deleted.
        public var deletedMessages = 0
        /// Queue entries deleted with them.
        public var deletedEntries = 0
        /// Delivery attempts deleted with those entries.
        public var deletedAttempts = 0
        /// Old enough messages kept because they wait for routing or have a pending or leased
        /// entry (removed by a later run, once done).
        public var keptMessages = 0
        /// Pages given back to the file system by `PRAGMA incremental_vacuum`.
        public var freedPages = 0

        /// Creates a result (nothing removed).
        public init() {}
    }

    /// Pages `incremental_vacuum` frees per write: short enough not to hold up intake.
    static let vacuumStepPages = 2_048

    /// Removes every message that *ended* before `cutoff`, with its queue entries and their
    /// attempts, then gives the freed pages back to the file system.
    ///
    /// A message has ended when it was received before `cutoff`, it is not waiting for routing,
    /// and none of its entries is pending or leased or changed at or after `cutoff` (delivered,
    /// dead-lettered or replayed earlier). Messages are taken in arrival order, `batchSize` at a
    /// time, each batch one write operation of the group commit, so intake goes on in between;
    /// the walk stops at the first message received at or after `cutoff`.
    ///
    /// The space comes back because the file is in `auto_vacuum = INCREMENTAL` mode (see
    /// ``init(configuration:logger:)``): after the deletions, `PRAGMA incremental_vacuum` moves
    /// pages off the end of the file and truncates it (in steps of ``vacuumStepPages``), and a
    /// `TRUNCATE` checkpoint shrinks the database file and empties the WAL. In a file still in
    /// `auto_vacuum = NONE` (opened without retention, created before this mode) freed pages are
    /// only reused, and ``RetentionResult/freedPages`` stays 0.
    @discardableResult
    public func removeEnded(before cutoff: Date, batchSize: Int = 1_000) async throws -> RetentionResult {
        try Self.check(limit: batchSize)
        let limit = cutoff.storeMicroseconds
        var result = RetentionResult()
        var after: Int64 = 0
        while true {
            let start = after
            let batch = try await writing { db -> (RetentionResult, last: Int64?, done: Bool) in
                try Self.removeBatch(db, after: start, cutoff: limit, batchSize: batchSize)
            }
            result.deletedMessages += batch.0.deletedMessages
            result.deletedEntries += batch.0.deletedEntries
            result.deletedAttempts += batch.0.deletedAttempts
            result.keptMessages += batch.0.keptMessages
            guard let last = batch.last, !batch.done else { break }
            after = last
        }
        if result.deletedMessages > 0 {
            result.freedPages = try await reclaimSpace()
            logger.info(
                "Removed ended messages (retention)",
                metadata: [
                    "store.deleted_messages": "\(result.deletedMessages)", "store.deleted_entries": "\(result.deletedEntries)",
                    "store.freed_pages": "\(result.freedPages)",
                ])
        }
        return result
    }

    /// One batch: the next `batchSize` messages after `after`, those that ended deleted.
    static func removeBatch(_ db: Database, after: Int64, cutoff: Int64, batchSize: Int) throws -> (RetentionResult, last: Int64?, done: Bool) {
        var result = RetentionResult()
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, received_at, state FROM message WHERE id > ? ORDER BY id LIMIT ?"),
            arguments: [after, batchSize]
        )
        var candidates: [Int64] = []
        var done = rows.count < batchSize
        for row in rows {
            let receivedAt: Int64 = row["received_at"]
            guard receivedAt < cutoff else {
                done = true
                break
            }
            if MessageState(rawValue: row["state"]) == .received {
                result.keptMessages += 1
            } else {
                candidates.append(row["id"])
            }
        }
        if !candidates.isEmpty {
            let ids = candidates.map(String.init).joined(separator: ",")
            // Messages with an entry still live, or finished at or after the cutoff, are kept.
            let live = try Int64.fetchSet(
                db,
                sql: """
                    SELECT DISTINCT message_id FROM entry
                    WHERE message_id IN (\(ids)) AND (state IN ('pending', 'leased') OR updated_at >= ?)
                    """,
                arguments: [cutoff]
            )
            result.keptMessages += live.count
            let ended = candidates.filter { !live.contains($0) }
            if !ended.isEmpty {
                let list = ended.map(String.init).joined(separator: ",")
                try db.execute(sql: "DELETE FROM attempt WHERE entry_id IN (SELECT id FROM entry WHERE message_id IN (\(list)))")
                result.deletedAttempts = db.changesCount
                try db.execute(sql: "DELETE FROM entry WHERE message_id IN (\(list))")
                result.deletedEntries = db.changesCount
                try db.execute(sql: "DELETE FROM message WHERE id IN (\(list))")
                result.deletedMessages = db.changesCount
            }
        }
        return (result, rows.last.map { $0["id"] }, done)
    }

    /// Gives the free pages back to the file system (`incremental_vacuum`, step by step on the
    /// writer), then checkpoints with `TRUNCATE` so the database file and the WAL shrink.
    /// Returns the pages freed.
    func reclaimSpace() async throws -> Int {
        var freed = 0
        while true {
            let step = try await writing { db -> Int in
                guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2 else { return 0 }
                let before = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                guard before > 0 else { return 0 }
                try db.execute(sql: "PRAGMA incremental_vacuum(\(Self.vacuumStepPages))")
                return before - (try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0)
            }
            freed += step
            if step < Self.vacuumStepPages { break }
        }
        do {
            // Readers in the middle of a read make this give up early (SQLITE_BUSY); the WAL is
            // then reset by a later checkpoint, and the database file was truncated anyway as
            // far as the checkpoint got.
            try await pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        } catch {
            logger.debug("Checkpoint after retention did not finish", metadata: ["error": "\(error)"])
        }
        return freed
    }

    /// Puts the file in `auto_vacuum = INCREMENTAL` mode, which retention needs to give space
    /// back. A new file gets it before its first table (see `init`); an older file in
    /// `auto_vacuum = NONE` is rewritten once with `VACUUM` (it needs as much free disk as the
    /// file, and blocks writes while it runs, for a time proportional to its size).
    static func enableIncrementalVacuum(_ pool: DatabasePool, logger: Logger) throws {
        try pool.writeWithoutTransaction { db in
            guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") != 2 else { return }
            logger.notice("Rewriting the store file once (VACUUM) so that retention can give space back")
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            try db.execute(sql: "VACUUM")
        }
    }

    /// The file's `auto_vacuum` mode: 0 none, 1 full, 2 incremental.
    package func autoVacuumMode() async throws -> Int {
        try await reading { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") ?? 0 }
    }
}
