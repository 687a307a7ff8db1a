public import Foundation

/// One entry of the audit log: an ``AuditEvent`` with its place in the chain.
///
/// Records are numbered 1, 2, 3, … without gaps. Each carries the hash of the record before it
/// (``previousHash``; the first one carries ``genesisHash``) and its own ``hash``: SHA-256 over
/// ``canonicalEncoding`` (the record's fields and the previous hash), as lowercase hex. Editing a
/// field, deleting or inserting a record breaks the chain at that record, which
/// ``AuditChainVerifier`` reports.
public struct AuditRecord: Hashable, Sendable {
    /// The position in the log: 1 for the first record, then one more for each.
    public var sequence: Int64
    /// When it happened, to the microsecond.
    public var time: Date
    /// Who did it.
    public var actor: AuditActor
    /// What was done.
    public var action: AuditAction
    /// What it was done to, by identifier.
    public var target: String
    /// A short free text; no patient data.
    public var detail: String
    /// The client's address, when the action came over the network.
    public var clientAddress: String?
    /// The ``hash`` of the record before (``genesisHash`` for the first).
    public var previousHash: String
    /// SHA-256 of ``canonicalEncoding``, lowercase hex.
    public var hash: String

    /// The ``previousHash`` of the first record: 64 zeros.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// A record as stored (no hash is computed: the verifier checks it).
    public init(
        sequence: Int64, time: Date, actor: AuditActor, action: AuditAction, target: String, detail: String, clientAddress: String?,
        previousHash: String, hash: String
    ) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.action = action
        self.target = target
        self.detail = detail
        self.clientAddress = clientAddress
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The record that appends `event` after a record with `sequence - 1` and hash
    /// `previousHash`: its time rounded to the microsecond (as stored), its hash computed.
    public init(chaining event: AuditEvent, sequence: Int64, previousHash: String) {
        self.init(
            sequence: sequence, time: Self.storedTime(event.time), actor: event.actor, action: event.action, target: event.target,
            detail: event.detail, clientAddress: event.clientAddress, previousHash: previousHash, hash: "")
        hash = computedHash
    }

    /// The event this record holds.
    public var event: AuditEvent {
        AuditEvent(time: time, actor: actor, action: action, target: target, detail: detail, clientAddress: clientAddress)
    }
}
