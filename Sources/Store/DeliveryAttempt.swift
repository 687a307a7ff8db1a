/// One recorded delivery attempt of a queue entry.
public struct DeliveryAttempt: Sendable {
    /// The entry attempted.
    public var entryID: EntryID
    /// 1 for the first attempt of the entry, then 2, 3, …
    public var number: Int
    /// The outcome kind: `delivered`, `retry` or `dead_letter` (see ``AttemptOutcome/kind``).
    public var outcome: String
    /// The worker's report.
    public var report: AttemptReport

    /// Creates an attempt record (stores build these).
    public init(entryID: EntryID, number: Int, outcome: String, report: AttemptReport) {
        self.entryID = entryID
        self.number = number
        self.outcome = outcome
        self.report = report
    }
}
