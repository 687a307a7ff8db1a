/// What a validation found.
public struct ValidationResult: Sendable, Hashable {
    /// Every issue, in the order found.
    public var issues: [ValidationIssue]

    /// Creates a result.
    public init(issues: [ValidationIssue]) {
        self.issues = issues
    }

    /// Whether any issue is an error (or fatal).
    public var hasErrors: Bool { issues.contains { $0.severity >= .error } }

    /// The errors (and fatal issues).
    public var errors: [ValidationIssue] { issues.filter { $0.severity >= .error } }

    /// The result as an OperationOutcome resource: one issue per problem with severity, code,
    /// `diagnostics` (the message, with line and column when known) and `expression`; a single
    /// `information` issue "no issues" when there are none (an OperationOutcome needs one).
    public var operationOutcome: Element {
        var outcome = Element(name: "OperationOutcome", type: "OperationOutcome")
        let shown = issues.isEmpty ? [ValidationIssue(.information, ValidationIssue.Code("informational"), at: "", "no issues found")] : issues
        for issue in shown {
            var element = Element(name: "issue", type: "BackboneElement")
            element.children.append(Element(name: "severity", type: "code", value: .string(issue.severity.rawValue)))
            element.children.append(Element(name: "code", type: "code", value: .string(issue.code.rawValue)))
            var diagnostics = issue.message
            if let position = issue.position { diagnostics += " (line \(position.line), column \(position.column))" }
            element.children.append(Element(name: "diagnostics", type: "string", value: .string(diagnostics)))
            if !issue.expression.isEmpty {
                element.children.append(Element(name: "expression", type: "string", value: .string(issue.expression)))
            }
            outcome.children.append(element)
        }
        return outcome
    }
}
