/// The identifier of a queue entry (one message for one destination), assigned at enqueue time.
///
/// Identifiers only grow, so they are the enqueue sequence that FIFO-per-key ordering follows.
public struct EntryID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The store's row identifier.
    public var rawValue: Int64

    /// Creates an identifier from its stored value.
    public init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    /// Orders identifiers by enqueue sequence.
    public static func < (lhs: EntryID, rhs: EntryID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// The raw value as text, e.g. `42`.
    public var description: String { String(rawValue) }
}
