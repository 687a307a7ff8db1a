/// One problem a validator found: an OperationOutcome issue.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    /// `fatal`, `error`, `warning` or `information` (OperationOutcome.issue.severity).
    public struct Severity: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var rawValue: String
        let rank: Int
        init(_ rawValue: String, rank: Int) {
            self.rawValue = rawValue
            self.rank = rank
        }
        public static let fatal = Severity("fatal", rank: 3)
        public static let error = Severity("error", rank: 2)
        public static let warning = Severity("warning", rank: 1)
        public static let information = Severity("information", rank: 0)
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
        public var description: String { rawValue }
    }

    /// The issue type (OperationOutcome.issue.code, value set `issue-type`); open for new codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        /// Not well-formed, or an element not allowed here.
        public static let structure = Code("structure")
        /// A required element is missing.
        public static let required = Code("required")
        /// A value is not valid for its type.
        public static let value = Code("value")
        /// An invariant does not hold.
        public static let invariant = Code("invariant")
        /// A code is not in its value set.
        public static let codeInvalid = Code("code-invalid")
        /// Something the validator cannot check here (terminology server, unknown profile).
        public static let notSupported = Code("not-supported")
        /// A general processing problem.
        public static let processing = Code("processing")
        /// An unknown element or type.
        public static let notFound = Code("not-found")
        public var description: String { rawValue }
    }

    /// How bad it is.
    public var severity: Severity
    /// What kind of problem.
    public var code: Code
    /// Where, as a FHIRPath expression (`Patient.name[0].given[1]`).
    public var expression: String
    /// A human message (element names and codes of the definitions, never values from the resource).
    public var message: String
    /// Where in the text, when the resource was read from one.
    public var position: TextPosition?
    /// The invariant key (`pat-1`), for invariant issues.
    public var constraintKey: String?

    /// Creates an issue.
    public init(_ severity: Severity, _ code: Code, at expression: String, _ message: String, position: TextPosition? = nil, constraintKey: String? = nil) {
        self.severity = severity
        self.code = code
        self.expression = expression
        self.message = message
        self.position = position
        self.constraintKey = constraintKey
    }

    /// A reading problem as an issue of type `structure` (an `error`, or `fatal` when nothing
    /// could be read).
    public init(reading error: FormatError, severity: Severity = .error) {
        self.init(severity, .structure, at: error.path ?? "", error.message, position: error.position)
    }

    public var description: String {
        "\(severity) \(code) at \(expression)\(position.map { " (\($0))" } ?? ""): \(message)"
    }
}
