extension SQLiteStore {
    /// Counters of a store since it was opened, e.g. for metrics (average group-commit batch size).
    public struct Statistics: Hashable, Sendable {
        /// Write transactions committed or attempted (one per group-commit batch).
        public var transactions: Int
        /// Write operations in those transactions: received messages (stored, rejected and
        /// duplicates), routing batches, leases, delivery attempts, replays.
        public var operations: Int
    }

    /// The counters so far.
    public var statistics: Statistics {
        let counters = writes.counters
        return Statistics(transactions: counters.batches, operations: counters.items)
    }
}
