/// Where a queue entry stands.
///
/// ```
/// enqueue ──▶ pending ──lease──▶ leased ──delivered──▶ delivered
///               ▲                  │ │
///               └──retry(notBefore)┘ └──deadLetter──▶ deadLettered
///               (an expired lease is leasable again)
/// pending, deadLettered ──discard──▶ discarded
/// ```
/// A set of values that may grow, so unknown stored values survive a round trip.
public struct EntryState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The stored text.
    public var rawValue: String

    /// Creates a state from its stored text.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Waiting for delivery (first time, or again after a failed attempt once its `notBefore` has passed).
    public static let pending = EntryState(rawValue: "pending")
    /// Leased by a worker until its lease expires.
    public static let leased = EntryState(rawValue: "leased")
    /// Delivered; final.
    public static let delivered = EntryState(rawValue: "delivered")
    /// Given up on; final until replayed (a replay creates a new entry).
    public static let deadLettered = EntryState(rawValue: "dead_letter")
    /// An operator gave up on it (``MessageStore/discard(entry:now:)``): never delivered.
    public static let discarded = EntryState(rawValue: "discarded")

    /// Whether the entry still waits for delivery (pending or leased), which holds back later entries of its key.
    public var isActive: Bool { self == .pending || self == .leased }

    /// The stored text.
    public var description: String { rawValue }
}
