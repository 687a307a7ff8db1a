/// A case's name in a run: `suite/id`.
public struct ConformanceCaseName: Sendable, Hashable, CustomStringConvertible {
    public var suite: String
    public var id: String
    public var description: String { "\(suite)/\(id)" }
}
