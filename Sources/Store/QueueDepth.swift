/// How many entries of one destination are in one state.
public struct QueueDepth: Hashable, Sendable {
    /// The destination's name.
    public var destination: String
    /// The state counted.
    public var state: EntryState
    /// The number of entries.
    public var count: Int

    /// Creates a depth.
    public init(destination: String, state: EntryState, count: Int) {
        self.destination = destination
        self.state = state
        self.count = count
    }
}
