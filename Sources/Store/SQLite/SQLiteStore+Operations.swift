public import Foundation
import GRDB

extension SQLiteStore {
    /// See ``MessageStore/discard(entry:now:)``.
    public func discard(entry: EntryID, now: Date) async throws {
        try await writing { db in
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM entry WHERE id = ?", arguments: [entry.rawValue]) else {
                throw StoreError(code: .notFound, entryID: entry)
            }
            guard [EntryState.pending, .deadLettered].contains(EntryState(rawValue: state)) else {
                throw StoreError(code: .invalidState, entryID: entry)
            }
            try db.execute(
                sql: "UPDATE entry SET state = 'discarded', updated_at = ? WHERE id = ?",
                arguments: [now.storeMicroseconds, entry.rawValue])
        }
    }

    /// See ``MessageStore/pause(destination:by:now:)``.
    public func pause(destination: String, by actor: String, now: Date) async throws {
        try await writing { db in
            try db.execute(
                sql: "INSERT INTO destination_pause (destination, paused_by, paused_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [destination, actor, now.storeMicroseconds])
        }
    }

    /// See ``MessageStore/resume(destination:)``.
    @discardableResult
    public func resume(destination: String) async throws -> Bool {
        try await writing { db in
            try db.execute(sql: "DELETE FROM destination_pause WHERE destination = ?", arguments: [destination])
            return db.changesCount > 0
        }
    }

    /// See ``MessageStore/pausedDestinations()``.
    public func pausedDestinations() async throws -> [DestinationPause] {
        try await reading { db in
            try Row.fetchAll(db, sql: "SELECT destination, paused_by, paused_at FROM destination_pause ORDER BY destination").map { row in
                DestinationPause(destination: row["destination"], pausedBy: row["paused_by"], pausedAt: Date(storeMicroseconds: row["paused_at"]))
            }
        }
    }

    /// See ``MessageStore/activity(from:to:bucket:)``: three reads in one snapshot, each served
    /// by a time index (`message_received_at`, `attempt_started_at`).
    public func activity(from: Date, to: Date, bucket: Duration) async throws -> StoreActivity {
        var activity = try StoreActivity(from: from, to: to, bucket: bucket)
        let start = from.storeMicroseconds
        let end = to.storeMicroseconds
        let width = bucket.storeMicroseconds
        let limit = StoreActivity.latencySampleLimit
        let (received, attempts, latencies) = try await reading { db in
            let received = try Row.fetchAll(
                db,
                sql: """
                    SELECT (received_at - ?) / ? AS bucket, channel, state = 'rejected' AS rejected, count(*) AS n FROM message
                    WHERE received_at >= ? AND received_at < ? GROUP BY bucket, channel, rejected
                    """,
                arguments: [start, width, start, end]
            ).map { (bucket: $0["bucket"] as Int64, channel: $0["channel"] as String, rejected: $0["rejected"] as Bool, count: $0["n"] as Int) }
            // An attempt counts when it ends; one that started before the range is not read.
            let attempts = try Row.fetchAll(
                db,
                sql: """
                    SELECT (a.started_at + a.duration_us - ?) / ? AS bucket, e.destination, a.outcome = 'delivered' AS ok, count(*) AS n
                    FROM attempt a JOIN entry e ON e.id = a.entry_id
                    WHERE a.started_at >= ? AND a.started_at < ? AND a.started_at + a.duration_us < ?
                    GROUP BY bucket, e.destination, ok
                    """,
                arguments: [start, width, start, end, end]
            ).map { (bucket: $0["bucket"] as Int64, destination: $0["destination"] as String, delivered: $0["ok"] as Bool, count: $0["n"] as Int) }
            let latencies = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.started_at + a.duration_us AS ended, a.started_at + a.duration_us - m.received_at AS latency
                    FROM attempt a JOIN entry e ON e.id = a.entry_id JOIN message m ON m.id = e.message_id
                    WHERE a.started_at >= ? AND a.started_at < ? AND a.outcome = 'delivered'
                    ORDER BY a.started_at DESC LIMIT ?
                    """,
                arguments: [start, end, limit + 1]
            ).map { (end: $0["ended"] as Int64, latency: $0["latency"] as Int64) }
            return (received, attempts, latencies)
        }
        for row in received {
            activity.addReceived(channel: row.channel, rejected: row.rejected, atMicroseconds: start + row.bucket * width, count: row.count)
        }
        for row in attempts {
            activity.addAttempt(destination: row.destination, delivered: row.delivered, atMicroseconds: start + row.bucket * width, count: row.count)
        }
        activity.latencySampled = latencies.count > limit
        activity.setLatencies(Array(latencies.prefix(limit)))
        return activity
    }
}
