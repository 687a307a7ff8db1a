public import Foundation

/// One message queued for one destination.
public struct QueueEntry: Sendable, CustomStringConvertible {
    /// The entry's identifier (its enqueue sequence).
    public var id: EntryID
    /// The message it delivers.
    public var messageID: MessageID
    /// The destination's name.
    public var destination: String
    /// The FIFO key, if any (may be patient data: not in ``description``).
    public var orderingKey: String?
    /// Where it stands.
    public var state: EntryState
    /// When it was enqueued.
    public var enqueuedAt: Date
    /// For ``EntryState/pending``: not leasable before this time. For ``EntryState/leased``: when
    /// the lease expires. Otherwise the time of the last change.
    public var availableAt: Date
    /// How many attempts were recorded.
    public var attemptCount: Int
    /// The dead-letter reason, or the error text of the last failed attempt.
    public var lastError: String?
    /// Whether a replay created this entry (of a message or of an entry) rather than the router.
    public var isReplay: Bool
    /// The entry this one replays, if it was created by replaying an entry.
    public var replayOf: EntryID?
    /// The entry that replayed this one, if any.
    public var replacedBy: EntryID?
    /// The mapping (transformer) of the route that enqueued it, if any.
    public var mapping: String?

    /// Creates an entry (stores build these; tests may too).
    public init(
        id: EntryID,
        messageID: MessageID,
        destination: String,
        orderingKey: String?,
        state: EntryState,
        enqueuedAt: Date,
        availableAt: Date,
        attemptCount: Int,
        lastError: String?,
        isReplay: Bool,
        replayOf: EntryID?,
        replacedBy: EntryID?,
        mapping: String? = nil
    ) {
        self.id = id
        self.messageID = messageID
        self.destination = destination
        self.orderingKey = orderingKey
        self.state = state
        self.enqueuedAt = enqueuedAt
        self.availableAt = availableAt
        self.attemptCount = attemptCount
        self.lastError = lastError
        self.isReplay = isReplay
        self.replayOf = replayOf
        self.replacedBy = replacedBy
        self.mapping = mapping
    }

    /// Identifiers, destination and state (no key, no patient data).
    public var description: String {
        "QueueEntry(id: \(id), message: \(messageID), destination: \(destination), state: \(state), attempts: \(attemptCount))"
    }
}
