/// Where one stored message goes: the entries the router enqueues for it (none: filtered out).
/// An element of ``MessageStore/route(_:now:)``.
public struct RoutingDecision: Hashable, Sendable {
    /// The message, in state ``MessageState/received``.
    public var message: MessageID
    /// Its queue entries, in order; empty marks it ``MessageState/filtered``.
    public var entries: [RouteEntry]

    /// Creates a decision.
    public init(message: MessageID, entries: [RouteEntry]) {
        self.message = message
        self.entries = entries
    }
}
