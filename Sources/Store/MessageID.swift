/// The identifier of a received message, assigned by the store in arrival order.
///
/// Identifiers only grow: a message received later has a larger identifier.
public struct MessageID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The store's row identifier.
    public var rawValue: Int64

    /// Creates an identifier from its stored value.
    public init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    /// Orders identifiers by arrival.
    public static func < (lhs: MessageID, rhs: MessageID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// The raw value as text, e.g. `42`.
    public var description: String { String(rawValue) }
}
