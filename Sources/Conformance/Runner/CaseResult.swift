/// How one case ended, with what a report shows of it.
public struct CaseResult: Sendable {
    /// Passed, failed or skipped; a struct with static members so that states can be added.
    public struct Status: Hashable, Sendable, CustomStringConvertible {
        /// The status's name.
        public let name: String
        private init(_ name: String) { self.name = name }

        /// The expectation held.
        public static let passed = Status("passed")
        /// The expectation did not hold, the case timed out, or it could not run.
        public static let failed = Status("failed")
        /// The case was not run against this target (``CaseResult/message`` says why).
        public static let skipped = Status("skipped")

        public var description: String { name }
    }

    /// The suite's name.
    public var suite: String
    /// The case's identifier.
    public var id: String
    /// The case's kind (`hl7v2`, `fhir`, `map`, `validate`, `claim`).
    public var kind: String
    /// What the case proves, from the manifest.
    public var summary: String?
    /// How it ended.
    public var status: Status
    /// Why it failed (the differences, one per line) or why it was skipped; empty when it passed.
    public var message: String
    /// The input, the expectation and the actual result, as text.
    public var input: String
    public var expected: String
    public var actual: String
    /// A line diff of the expected and actual documents, when the case compares documents.
    public var diff: String
    /// How long it ran.
    public var duration: Duration

    /// The case's name in reports: `suite/id`.
    public var name: String { "\(suite)/\(id)" }

    /// Creates a result.
    public init(
        suite: String, id: String, kind: String, summary: String? = nil, status: Status, message: String = "", input: String = "",
        expected: String = "", actual: String = "", diff: String = "", duration: Duration = .zero
    ) {
        self.suite = suite
        self.id = id
        self.kind = kind
        self.summary = summary
        self.status = status
        self.message = message
        self.input = input
        self.expected = expected
        self.actual = actual
        self.diff = diff
        self.duration = duration
    }

    /// `duration` in seconds.
    public var seconds: Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
