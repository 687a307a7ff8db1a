/// An OperationOutcome issue a case expects (`expect.issues` of `fhir` and `validate` cases):
/// every given field must match; `expression` matches an issue whose expression (or location)
/// is it or starts with it, `message` one whose text contains it.
struct IssueExpectation: Sendable, CustomStringConvertible {
    var severity: String?
    var code: String?
    var expression: String?
    var message: String?

    /// An issue as seen, from an OperationOutcome or a validation result.
    struct Seen: Sendable, CustomStringConvertible {
        var severity: String
        var code: String
        var expression: String
        var message: String

        var isError: Bool { severity == "error" || severity == "fatal" }
        var description: String { "\(severity) \(code) at \(expression.isEmpty ? "(no expression)" : expression): \(message)" }
    }

    init(_ node: ManifestNode) throws(ConformanceError) {
        try node.allowKeys(["severity", "code", "expression", "message"])
        severity = try node.optional("severity")?.text()
        code = try node.optional("code")?.text()
        expression = try node.optional("expression")?.text()
        message = try node.optional("message")?.text()
    }

    func matches(_ issue: Seen) -> Bool {
        if let severity, severity != issue.severity { return false }
        if let code, code != issue.code { return false }
        if let expression, !issue.expression.hasPrefix(expression) { return false }
        if let message, !issue.message.contains(message) { return false }
        return true
    }

    var description: String {
        [severity, code, expression.map { "at \($0)" }, message.map { "\"…\($0)…\"" }].compactMap { $0 }.joined(separator: " ")
    }

    /// The differences between the expected issues and the issues seen: each expected issue
    /// must be seen; with `onlyListed`, each error seen must be expected.
    static func compare(expected: [IssueExpectation], seen: [Seen], onlyListed: Bool) -> [String] {
        var failures: [String] = []
        for expectation in expected where !seen.contains(where: expectation.matches) {
            failures.append("missing issue: \(expectation)")
        }
        if onlyListed {
            for issue in seen where issue.isError && !expected.contains(where: { $0.matches(issue) }) {
                failures.append("unexpected issue: \(issue)")
            }
        }
        return failures
    }

    static func parseList(_ node: ManifestNode?) throws(ConformanceError) -> [IssueExpectation] {
        var result: [IssueExpectation] = []
        for item in node?.list() ?? [] { result.append(try IssueExpectation(item)) }
        return result
    }
}
