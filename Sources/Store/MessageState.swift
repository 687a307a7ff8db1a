/// Where a received message stands.
///
/// ```
/// receive ──▶ received ──route(entries: [...])──▶ routed
///    │                  └─route(entries: [])───▶ filtered
///    └──(rejection)──▶ rejected   (never routed)
/// ```
/// A set of values that may grow, so unknown stored values survive a round trip.
public struct MessageState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The stored text.
    public var rawValue: String

    /// Creates a state from its stored text.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Stored and waiting for the router.
    public static let received = MessageState(rawValue: "received")
    /// Handed to the router, which enqueued one entry per destination.
    public static let routed = MessageState(rawValue: "routed")
    /// Handed to the router, which matched no destination.
    public static let filtered = MessageState(rawValue: "filtered")
    /// Malformed or refused input, kept for inspection and never routed.
    public static let rejected = MessageState(rawValue: "rejected")

    /// The stored text.
    public var description: String { rawValue }
}
