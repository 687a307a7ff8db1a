/// The first thing wrong in an audit log, found by ``AuditChainVerifier``.
public struct AuditChainProblem: Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: Hashable, Sendable {
        /// The record's sequence is not the one after the previous record's: records were
        /// deleted (or the first one is not 1).
        case sequenceGap(expected: Int64)
        /// The record's previous hash is not the previous record's hash: a record was inserted,
        /// deleted or rewritten before it.
        case brokenLink
        /// The record's hash does not match its fields: a field was edited.
        case hashMismatch
        /// The stored row cannot be read as a record (e.g. its action was edited to an unknown value).
        case unreadable
    }

    /// The sequence number of the bad record.
    public var sequence: Int64
    /// What is wrong with it.
    public var kind: Kind

    /// Creates a problem.
    public init(sequence: Int64, kind: Kind) {
        self.sequence = sequence
        self.kind = kind
    }

    /// E.g. `record 7: hash mismatch (a field was edited)`.
    public var description: String {
        switch kind {
        case .sequenceGap(let expected):
            "record \(sequence): sequence gap (expected \(expected): records deleted)"
        case .brokenLink:
            "record \(sequence): previous hash does not match the record before (a record inserted, deleted or rewritten)"
        case .hashMismatch:
            "record \(sequence): hash mismatch (a field was edited)"
        case .unreadable:
            "record \(sequence): cannot be read (a field holds a value no version writes)"
        }
    }
}
