public import Foundation
import PostgresNIO
public import Store

extension PostgresStore {
    /// See ``Store/MessageStore/discard(entry:now:)``.
    public func discard(entry: EntryID, now: Date) async throws {
        try await transaction { connection in
            let rows = try await connection.query("SELECT state FROM entry WHERE id = \(entry.rawValue) FOR UPDATE", logger: Self.quiet).collect()
            guard let row = rows.first else { throw StoreError(code: .notFound, entryID: entry) }
            let state = EntryState(rawValue: try row.decode(String.self))
            guard state == .pending || state == .deadLettered else { throw StoreError(code: .invalidState, entryID: entry) }
            try await connection.query(
                "UPDATE entry SET state = 'discarded', updated_at = \(Timestamp(now)) WHERE id = \(entry.rawValue)", logger: Self.quiet)
        }
    }

    /// See ``Store/MessageStore/pause(destination:by:now:)``.
    public func pause(destination: String, by actor: String, now: Date) async throws {
        _ = try await rows(
            """
            INSERT INTO destination_pause (destination, paused_by, paused_at) VALUES (\(destination), \(actor), \(Timestamp(now)))
            ON CONFLICT DO NOTHING
            """)
    }

    /// See ``Store/MessageStore/resume(destination:)``: the destination's workers on every node
    /// are woken (`NOTIFY`).
    @discardableResult
    public func resume(destination: String) async throws -> Bool {
        try await transaction { connection in
            let deleted = try await connection.query(
                "DELETE FROM destination_pause WHERE destination = \(destination) RETURNING destination", logger: Self.quiet
            ).collect()
            try await connection.query(
                "SELECT pg_notify('lienthong_' || current_schema(), 'queue:' || \(destination))", logger: Self.quiet)
            return !deleted.isEmpty
        }
    }

    /// See ``Store/MessageStore/pausedDestinations()``.
    public func pausedDestinations() async throws -> [DestinationPause] {
        try await rows("SELECT destination, paused_by, paused_at FROM destination_pause ORDER BY destination").map { row in
            let (destination, actor, time) = try row.decode((String, String, Timestamp).self)
            return DestinationPause(destination: destination, pausedBy: actor, pausedAt: time.date)
        }
    }

    /// See ``Store/MessageStore/activity(from:to:bucket:)``: three reads in one transaction
    /// (`REPEATABLE READ`), served by the time indexes of migration 4.
    public func activity(from: Date, to: Date, bucket: Duration) async throws -> StoreActivity {
        var activity = try StoreActivity(from: from, to: to, bucket: bucket)
        let start = Timestamp(from)
        let end = Timestamp(to)
        let width = bucket.microseconds
        let limit = StoreActivity.latencySampleLimit
        let attemptEnd = "(\(Self.microseconds("a.started_at")) + a.duration_us)"
        let receivedAt = Self.microseconds("received_at")
        let messageReceivedAt = Self.microseconds("m.received_at")
        let (received, attempts, latencies) = try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: Self.quiet)
            var received: [(bucket: Int64, channel: String, rejected: Bool, count: Int64)] = []
            let receivedQuery = PostgresQuery(
                unsafeSQL: """
                    SELECT (\(receivedAt) - $1) / $2 AS bucket, channel, state = 'rejected' AS rejected, count(*) FROM message
                    WHERE received_at >= $3 AND received_at < $4 GROUP BY bucket, channel, rejected
                    """,
                binds: Self.bindings(start.microseconds, width, start, end))
            for try await row in try await connection.query(receivedQuery, logger: Self.quiet) {
                received.append(try row.decode((Int64, String, Bool, Int64).self))
            }
            var attempts: [(bucket: Int64, destination: String, delivered: Bool, count: Int64)] = []
            let attemptsQuery = PostgresQuery(
                unsafeSQL: """
                    SELECT (\(attemptEnd) - $1) / $2 AS bucket, e.destination, a.outcome = 'delivered' AS ok, count(*)
                    FROM attempt a JOIN entry e ON e.id = a.entry_id
                    WHERE a.started_at >= $3 AND a.started_at < $4 AND \(attemptEnd) < $5
                    GROUP BY bucket, e.destination, ok
                    """,
                binds: Self.bindings(start.microseconds, width, start, end, end.microseconds))
            for try await row in try await connection.query(attemptsQuery, logger: Self.quiet) {
                attempts.append(try row.decode((Int64, String, Bool, Int64).self))
            }
            var latencies: [(end: Int64, latency: Int64)] = []
            let latencyQuery = PostgresQuery(
                unsafeSQL: """
                    SELECT \(attemptEnd), \(attemptEnd) - \(messageReceivedAt)
                    FROM attempt a JOIN entry e ON e.id = a.entry_id JOIN message m ON m.id = e.message_id
                    WHERE a.started_at >= $1 AND a.started_at < $2 AND a.outcome = 'delivered'
                    ORDER BY a.started_at DESC LIMIT $3
                    """,
                binds: Self.bindings(start, end, limit + 1))
            for try await row in try await connection.query(latencyQuery, logger: Self.quiet) {
                latencies.append(try row.decode((Int64, Int64).self))
            }
            return (received, attempts, latencies)
        }
        for row in received {
            activity.addReceived(
                channel: row.channel, rejected: row.rejected, atMicroseconds: start.microseconds + row.bucket * width, count: Int(row.count))
        }
        for row in attempts {
            activity.addAttempt(
                destination: row.destination, delivered: row.delivered, atMicroseconds: start.microseconds + row.bucket * width,
                count: Int(row.count))
        }
        activity.latencySampled = latencies.count > limit
        activity.setLatencies(Array(latencies.prefix(limit)))
        return activity
    }

    /// SQL for the microseconds since 1970 of a timestamp column.
    static func microseconds(_ column: String) -> String {
        "(extract(epoch FROM \(column)) * 1000000)::bigint"
    }

    /// Bindings of `values`, in order ($1, $2, …).
    static func bindings(_ values: any PostgresDynamicTypeEncodable...) -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { bindings.append(value) }
        return bindings
    }
}
