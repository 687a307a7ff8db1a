public import Foundation
import Logging
import PostgresNIO
import Store

extension PostgresStore {
    /// What ``dropPartitions(olderThan:)`` did.
    public struct RetentionResult: Sendable, Hashable {
        /// The monthly partitions of `message` dropped, e.g. `message_y2026m01`.
        public var droppedMessagePartitions: [String] = []
        /// The monthly partitions of `attempt` dropped.
        public var droppedAttemptPartitions: [String] = []
        /// Partitions old enough but kept: a message in them waits for routing or has a pending
        /// or leased entry (they are dropped by a later run, once delivered or dead-lettered).
        public var keptMessagePartitions: [String] = []
        /// The queue entries deleted with the dropped messages.
        public var deletedEntries = 0

        /// Creates a result (nothing dropped).
        public init() {}
    }

    /// UTC months: partitions hold one calendar month each.
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// A month's partition name suffix (`y2026m11`) and bounds.
    struct Month: Hashable {
        var year: Int
        var month: Int

        init(containing date: Date) {
            let components = PostgresStore.calendar.dateComponents([.year, .month], from: date)
            year = components.year!
            month = components.month!
        }

        init(year: Int, month: Int) {
            self.year = year
            self.month = month
        }

        /// Parses a partition name such as `message_y2026m11`.
        init?(partition name: String, table: String) {
            let prefix = "\(table)_y"
            guard name.hasPrefix(prefix) else { return nil }
            let parts = name.dropFirst(prefix.count).split(separator: "m")
            guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month) else { return nil }
            self.init(year: year, month: month)
        }

        var suffix: String { "y\(year)m" + (month < 10 ? "0\(month)" : "\(month)") }
        var start: Date { PostgresStore.calendar.date(from: DateComponents(year: year, month: month, day: 1))! }
        var next: Month { month == 12 ? Month(year: year + 1, month: 1) : Month(year: year, month: month + 1) }
        var end: Date { next.start }
    }

    /// Creates the monthly partitions of `message` and `attempt` for every month from `from`
    /// through `through` that has none. Idempotent; the bus calls it at start and every hour for
    /// the last month through the next two.
    ///
    /// A month whose rows already went to the default partition (it had no partition when they
    /// were stored) keeps them there: its partition is not created, and a warning is logged.
    public func ensurePartitions(from: Date, through: Date) async throws {
        try await gate.wait()
        await createPartitions(from: from, through: through)
    }

    /// The months around `now` that must have partitions: the last one through the next two.
    static func partitionRange(around now: Date) -> (from: Date, through: Date) {
        (now.addingTimeInterval(-31 * 86_400), now.addingTimeInterval(62 * 86_400))
    }

    /// ``ensurePartitions(from:through:)`` without waiting for the start (``run()`` calls it
    /// before operations may run, so the current month never begins in the default partition).
    func createPartitions(from: Date, through: Date) async {
        var month = Month(containing: from)
        let last = Month(containing: through)
        var months: [Month] = []
        while month.start <= last.start {
            months.append(month)
            month = month.next
        }
        let schema = configuration.schema
        for month in months {
            for table in ["message", "attempt"] {
                let name = "\(table)_\(month.suffix)"
                do {
                    try await unlockedTransaction { connection in
                        try await connection.query(
                            "SELECT pg_advisory_xact_lock(hashtextextended('lienthong.partitions.' || \(schema), 0))", logger: Self.quiet)
                        let existing = try await connection.query(
                            "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = \(schema) AND c.relname = \(name)",
                            logger: Self.quiet
                        ).collect()
                        guard existing.isEmpty else { return }
                        let formatter = ISO8601DateFormatter()
                        try await connection.query(
                            PostgresQuery(
                                unsafeSQL: """
                                    CREATE TABLE \(name) PARTITION OF \(table)
                                    FOR VALUES FROM ('\(formatter.string(from: month.start))') TO ('\(formatter.string(from: month.end))')
                                    """),
                            logger: Self.quiet
                        )
                    }
                } catch {
                    logger.warning(
                        "Cannot create a store partition; its rows stay in the default partition",
                        metadata: ["store.partition": "\(name)", "store.error": "\(Self.storeError(error))"]
                    )
                }
            }
        }
    }

    /// Drops the monthly partitions of `message` and `attempt` that end at or before `cutoff`,
    /// with the queue entries of the dropped messages (and their attempts). The space returns
    /// to the file system at once (the partitions' files are removed; no `VACUUM`).
    ///
    /// A message partition is kept while one of its messages waits for routing or has a
    /// pending or leased entry. The default partitions are never dropped.
    @discardableResult
    public func dropPartitions(olderThan cutoff: Date) async throws -> RetentionResult {
        try await gate.wait()
        var result = RetentionResult()
        for table in ["message", "attempt"] {
            let partitions = try await rows(
                """
                SELECT c.relname FROM pg_inherits i
                JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
                JOIN pg_namespace n ON n.oid = p.relnamespace
                WHERE n.nspname = \(configuration.schema) AND p.relname = \(table)
                ORDER BY c.relname
                """
            ).map { try $0.decode(String.self) }
            for name in partitions {
                guard let month = Month(partition: name, table: table), month.end <= cutoff else { continue }
                let schema = configuration.schema
                let outcome = try await transaction { connection -> RetentionOutcome in
                    // Several nodes run the retention: one at a time (as partitions are created),
                    // and a partition another node dropped meanwhile is left alone.
                    try await connection.query(
                        "SELECT pg_advisory_xact_lock(hashtextextended('lienthong.partitions.' || \(schema), 0))", logger: Self.quiet)
                    let existing = try await connection.query(
                        "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = \(schema) AND c.relname = \(name)",
                        logger: Self.quiet
                    ).collect()
                    guard !existing.isEmpty else { return .gone }
                    if table == "message" {
                        let live = try await connection.query(
                            PostgresQuery(unsafeSQL: """
                                SELECT 1 FROM \(name) m WHERE m.state = 'received'
                                UNION ALL
                                (SELECT 1 FROM entry e JOIN \(name) m ON m.id = e.message_id
                                 WHERE e.state IN ('pending', 'leased') LIMIT 1)
                                LIMIT 1
                                """),
                            logger: Self.quiet
                        ).collect()
                        guard live.isEmpty else { return .kept }
                    }
                    var deleted = 0
                    if table == "message" {
                        let rows = try await connection.query(
                            PostgresQuery(unsafeSQL: "WITH gone AS (DELETE FROM entry e USING \(name) m WHERE m.id = e.message_id RETURNING 1) SELECT count(*) FROM gone"),
                            logger: Self.quiet
                        ).collect()
                        deleted = try rows.first?.decode(Int.self) ?? 0
                    }
                    try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE \(name)"), logger: Self.quiet)
                    return .dropped(deletedEntries: deleted)
                }
                switch outcome {
                case .dropped(let deleted):
                    result.deletedEntries += deleted
                    if table == "message" { result.droppedMessagePartitions.append(name) } else { result.droppedAttemptPartitions.append(name) }
                    logger.info("Dropped a store partition (retention)", metadata: ["store.partition": "\(name)", "store.deleted_entries": "\(deleted)"])
                case .kept:
                    result.keptMessagePartitions.append(name)
                case .gone:
                    break
                }
            }
        }
        return result
    }

    /// What the retention did with one partition.
    enum RetentionOutcome: Sendable {
        /// Dropped, with this many queue entries of its messages.
        case dropped(deletedEntries: Int)
        /// Kept: a message in it still waits for routing or delivery.
        case kept
        /// Dropped meanwhile by another node's retention.
        case gone
    }

    /// Until cancelled: with a ``Configuration/retention``, drops what is older (at start, then
    /// every hour); every hour, partitions for the last month through the next two.
    func maintainPartitions() async {
        while !Task.isCancelled {
            if let retention = configuration.retention {
                do {
                    try await dropPartitions(olderThan: Date().addingTimeInterval(-Double(retention.microseconds) / 1_000_000))
                } catch {
                    guard !Task.isCancelled else { return }
                    logger.warning("Store retention failed; trying again in an hour", metadata: ["store.error": "\(Self.storeError(error))"])
                }
            }
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                return
            }
            let range = Self.partitionRange(around: Date())
            await createPartitions(from: range.from, through: range.through)
        }
    }
}
