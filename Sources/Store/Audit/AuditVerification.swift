/// The outcome of verifying an audit log: how many records were checked, the last good hash,
/// and the first problem, if any.
public struct AuditVerification: Hashable, Sendable {
    /// The records found good (all of them when ``problem`` is `nil`).
    public var recordCount: Int
    /// The hash of the last good record (`nil` for an empty log). Writing it down somewhere else
    /// lets a later verification notice records removed from the end of the log.
    public var lastHash: String?
    /// The sequence of the last good record.
    public var lastSequence: Int64?
    /// The first bad record, or `nil` when the chain is intact.
    public var problem: AuditChainProblem?

    /// Creates a verification result.
    public init(recordCount: Int, lastHash: String?, lastSequence: Int64?, problem: AuditChainProblem?) {
        self.recordCount = recordCount
        self.lastHash = lastHash
        self.lastSequence = lastSequence
        self.problem = problem
    }

    /// Whether every record checked out.
    public var isIntact: Bool { problem == nil }
}
