/// What a failing entry with an ordering key does to the entries behind it with the same key.
public struct KeyFailurePolicy: Hashable, Sendable, CustomStringConvertible {
    /// After this many failed attempts the entry moves aside (to the dead letters) so that its
    /// key flows again; `nil` means it blocks its key until it is delivered or given up by the
    /// retry policy.
    public let moveAsideAfterAttempts: Int?

    /// The entry holds back its key: strict FIFO per key, at the price of a stalled key.
    public static let block = KeyFailurePolicy(moveAsideAfterAttempts: nil)

    /// The entry moves to the dead letters after `attempts` failed attempts, releasing its key.
    public static func moveAside(afterAttempts attempts: Int) -> KeyFailurePolicy {
        KeyFailurePolicy(moveAsideAfterAttempts: max(1, attempts))
    }

    public var description: String {
        moveAsideAfterAttempts.map { "move aside after \($0) attempts" } ?? "block"
    }
}
