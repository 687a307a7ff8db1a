/// What ``Validator/validate(_:)`` found in one message.
///
/// ```swift
/// let result = Validator().validate(message)
/// if !result.isValid {
///     for issue in result.errors { print(issue) }   // e.g. "error required-field-missing at PID-3 (segment 2, …)"
/// }
/// ```
public struct ValidationResult: Sendable {
    /// Every problem found, parse issues first, then the validation issues in segment order.
    public var issues: [Issue]
    /// The version whose definitions were applied (e.g. `2.7` for a 2.7.1 message), `nil` when
    /// the message's version is not supported.
    public var version: String?
    /// The message structure the segments were matched against (e.g. `ADT_A01`), `nil` when
    /// it could not be determined.
    public var structureID: String?

    /// Creates a result.
    public init(issues: [Issue], version: String? = nil, structureID: String? = nil) {
        self.issues = issues
        self.version = version
        self.structureID = structureID
    }

    /// Whether no issue has severity error (warnings and information are allowed).
    public var isValid: Bool { !issues.contains { $0.severity == .error } }

    /// The issues of severity error.
    public var errors: [Issue] { issues.filter { $0.severity == .error } }

    /// The issues of severity warning.
    public var warnings: [Issue] { issues.filter { $0.severity == .warning } }
}
