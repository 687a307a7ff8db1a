public import Foundation

/// A queue entry leased to one worker until ``expiresAt``, with what the worker needs to deliver it.
///
/// Pass the lease back to ``MessageStore/recordAttempt(_:for:outcome:now:)``. If the lease
/// expired and another worker leased the entry meanwhile, that call fails with
/// ``StoreError/Code/leaseLost``.
public struct Lease: Sendable, CustomStringConvertible {
    /// The entry as it was when leased (state ``EntryState/leased``).
    public var entry: QueueEntry
    /// Identifies this lease among all leases of the entry.
    public var token: Int64
    /// When the lease expires and the entry becomes leasable again.
    public var expiresAt: Date
    /// The bytes to deliver: the entry's payload, or the message's raw bytes.
    public var payload: [UInt8]
    /// What the payload is: the message's format, or the format a mapping made.
    public var format: MessageFormat
    /// The mapping to run on ``payload`` (the raw message) before delivery: set when the entry
    /// has a mapping but no mapped payload (a replay of an entry whose mapping failed).
    public var mapping: String?
    /// The header facts of the message.
    public var header: MessageHeader

    /// Creates a lease (stores build these).
    public init(entry: QueueEntry, token: Int64, expiresAt: Date, payload: [UInt8], format: MessageFormat = .hl7v2, mapping: String? = nil, header: MessageHeader
    ) {
        self.entry = entry
        self.token = token
        self.expiresAt = expiresAt
        self.payload = payload
        self.format = format
        self.mapping = mapping
        self.header = header
    }

    /// The number the next recorded attempt gets (1 for the first).
    public var attemptNumber: Int { entry.attemptCount + 1 }

    /// Entry, token and header summary (no patient data).
    public var description: String {
        "Lease(entry: \(entry.id), token: \(token), \(header))"
    }
}
