public import Foundation

/// A destination paused by an operator (``MessageStore/pause(destination:by:now:)``), for
/// every node on the store, until resumed.
public struct DestinationPause: Hashable, Sendable {
    /// The destination's name.
    public var destination: String
    /// Who paused it (an audit actor, e.g. `user:lan`).
    public var pausedBy: String
    /// When it was paused.
    public var pausedAt: Date

    /// Creates a pause.
    public init(destination: String, pausedBy: String, pausedAt: Date) {
        self.destination = destination
        self.pausedBy = pausedBy
        self.pausedAt = pausedAt
    }
}
