/// A problem met while building claim tables: where in the input, which rule, what — never a
/// value (the issues can be logged).
///
/// ```
/// warning: Bundle.entry[0].resource.gender (fhir-to-claims/XML1.map:9): the code has no mapping in claims-gioi-tinh
/// ```
public struct ClaimBuildIssue: Sendable, Hashable, CustomStringConvertible {
    /// How bad it is: the same levels as the validator's problems.
    public var severity: ClaimProblem.Severity
    /// Where in the input: a FHIRPath location (`Bundle.entry[3].resource.quantity.value`) or
    /// a table field (`XML2 record 3 THANH_TIEN_BV`).
    public var input: String
    /// The rule, `file:line`, or what made the value (`computed`).
    public var rule: String
    /// What happened.
    public var message: String

    /// Creates an issue.
    public init(severity: ClaimProblem.Severity, input: String, rule: String, message: String) {
        self.severity = severity
        self.input = input
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(severity): \(input) (\(rule)): \(message)" }
}
