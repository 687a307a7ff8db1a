/// Whether a bus node can take and deliver messages: its store answers and every MLLP listener
/// of its configuration is bound (``BusNode/readiness(timeout:)``).
public struct Readiness: Sendable, Hashable, Codable {
    /// What is not ready (empty when ready): `store: …`, `channel NAME: …`.
    public var problems: [String]

    /// Creates a readiness with its problems.
    public init(problems: [String]) {
        self.problems = problems
    }

    /// Whether nothing is wrong.
    public var isReady: Bool { problems.isEmpty }
}
