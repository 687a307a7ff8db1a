/// What ``MessageStore/receive(_:deduplicationWindow:)`` did with a message.
public enum ReceiveResult: Hashable, Sendable {
    /// The message was stored under this identifier (in state `received`, or `rejected`).
    case stored(MessageID)
    /// A message with the same channel, sending application, sending facility and control ID
    /// was received within the window: no second copy was stored for routing; the existing
    /// message's retransmission count was increased.
    case duplicate(of: MessageID)

    /// The identifier of the stored message, or of the original for a duplicate.
    public var messageID: MessageID {
        switch self {
        case .stored(let id), .duplicate(of: let id): id
        }
    }
}
