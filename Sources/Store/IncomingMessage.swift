public import Foundation

/// A message as the intake hands it to ``MessageStore/receive(_:deduplicationWindow:)``.
public struct IncomingMessage: Sendable, CustomStringConvertible {
    /// The channel (listener) the message arrived on.
    public var channel: String
    /// The bytes exactly as received.
    public var raw: [UInt8]
    /// What the bytes are.
    public var format: MessageFormat
    /// The header facts the intake extracted.
    public var header: MessageHeader
    /// When the message arrived; also the reference time of the duplicate window.
    public var receivedAt: Date
    /// Why the input is rejected, or `nil` when it is accepted for routing.
    public var rejection: RejectionReason?

    /// Creates an incoming message.
    public init(
        channel: String,
        raw: [UInt8],
        format: MessageFormat = .hl7v2,
        header: MessageHeader,
        receivedAt: Date,
        rejection: RejectionReason? = nil
    ) {
        self.channel = channel
        self.raw = raw
        self.format = format
        self.header = header
        self.receivedAt = receivedAt
        self.rejection = rejection
    }

    /// Channel, header summary and size (no patient data).
    public var description: String {
        "IncomingMessage(channel: \(channel), \(format) \(header), \(raw.count) bytes)"
    }
}
