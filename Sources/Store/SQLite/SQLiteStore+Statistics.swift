extension SQLiteStore {
    /// Counters of a store since it was opened, e.g. for metrics (average group-commit batch size).
    public struct Statistics: Hashable, Sendable {
        /// Write transactions that stored incoming messages (one per group-commit batch).
        public var receiveTransactions: Int
        /// Incoming messages in those transactions (stored, rejected and duplicates).
        public var receivedMessages: Int
    }

    /// The counters so far.
    public var statistics: Statistics {
        let counters = intake.counters
        return Statistics(receiveTransactions: counters.batches, receivedMessages: counters.items)
    }
}
