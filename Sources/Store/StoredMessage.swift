public import Foundation

/// A message as the store keeps it.
public struct StoredMessage: Sendable, CustomStringConvertible {
    /// The message's identifier (its arrival sequence).
    public var id: MessageID
    /// The channel it arrived on.
    public var channel: String
    /// The bytes exactly as received.
    public var raw: [UInt8]
    /// What the bytes are.
    public var format: MessageFormat
    /// The header facts stored with it.
    public var header: MessageHeader
    /// When it arrived.
    public var receivedAt: Date
    /// Where it stands.
    public var state: MessageState
    /// Why it was rejected, for state ``MessageState/rejected``.
    public var rejection: RejectionReason?
    /// How many retransmissions of it arrived within the duplicate window (and were not stored again).
    public var retransmissionCount: Int

    /// Creates a stored message (stores build these; tests may too).
    public init(
        id: MessageID,
        channel: String,
        raw: [UInt8],
        format: MessageFormat = .hl7v2,
        header: MessageHeader,
        receivedAt: Date,
        state: MessageState,
        rejection: RejectionReason?,
        retransmissionCount: Int
    ) {
        self.id = id
        self.channel = channel
        self.raw = raw
        self.format = format
        self.header = header
        self.receivedAt = receivedAt
        self.state = state
        self.rejection = rejection
        self.retransmissionCount = retransmissionCount
    }

    /// Identifier, state and header summary (no patient data).
    public var description: String {
        "StoredMessage(id: \(id), state: \(state), \(header))"
    }
}
