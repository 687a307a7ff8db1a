/// Checks audit records, in sequence order, against the chain: store-independent, fed one
/// record at a time (so a log of any length is checked in constant memory).
///
/// For each record, in this order: its sequence is the previous one plus one (1 for the first);
/// its ``AuditRecord/previousHash`` is the previous record's hash (``AuditRecord/genesisHash``
/// for the first); its ``AuditRecord/hash`` is the hash of its fields. The first failure is kept
/// and every later record is ignored.
///
/// ```swift
/// let verification = AuditChainVerifier.verify(records)
/// if let problem = verification.problem { print(problem) }  // record 7: hash mismatch (a field was edited)
/// ```
/// What no chain can show: records removed from the *end* of the log (the rest is still a valid
/// chain). Keep ``AuditVerification/lastHash`` elsewhere to notice that.
public struct AuditChainVerifier: Sendable {
    private var count = 0
    private var last: (sequence: Int64, hash: String)?
    /// The first problem found.
    public private(set) var problem: AuditChainProblem?

    /// A verifier that has seen no record.
    public init() {}

    /// Checks the next record; returns the first problem (this record's, or an earlier one's).
    @discardableResult
    public mutating func check(_ record: AuditRecord) -> AuditChainProblem? {
        if let problem { return problem }
        let expected = (last?.sequence ?? 0) + 1
        if record.sequence != expected {
            problem = AuditChainProblem(sequence: record.sequence, kind: .sequenceGap(expected: expected))
        } else if record.previousHash != (last?.hash ?? AuditRecord.genesisHash) {
            problem = AuditChainProblem(sequence: record.sequence, kind: .brokenLink)
        } else if record.hash != record.computedHash {
            problem = AuditChainProblem(sequence: record.sequence, kind: .hashMismatch)
        } else {
            count += 1
            last = (record.sequence, record.hash)
        }
        return problem
    }

    /// Records that the row after the last checked one cannot be read.
    public mutating func unreadable(sequence: Int64) -> AuditVerification {
        if problem == nil { problem = AuditChainProblem(sequence: sequence, kind: .unreadable) }
        return result
    }

    /// What was found so far.
    public var result: AuditVerification {
        AuditVerification(recordCount: count, lastHash: last?.hash, lastSequence: last?.sequence, problem: problem)
    }

    /// Checks a whole sequence of records.
    public static func verify(_ records: some Sequence<AuditRecord>) -> AuditVerification {
        var verifier = AuditChainVerifier()
        for record in records where verifier.check(record) != nil { break }
        return verifier.result
    }
}
