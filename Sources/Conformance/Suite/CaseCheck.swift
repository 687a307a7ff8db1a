/// What one kind of case does: send, map, validate… and compare with its expectation.
///
/// Each kind (``HL7v2Exchange``, ``FHIRPost``, ``MappingCheck``, ``ProfileValidation``,
/// ``ClaimCheck``) reads its own keys of the manifest and runs in a ``CaseContext``.
protocol CaseCheck: Sendable {
    /// The manifest's name of the kind (`hl7v2`, `fhir`, `map`, `validate`, `claim`).
    static var kind: String { get }
    /// Why the case cannot run against `target`, or `nil` when it can.
    func skipReason(for target: ConformanceTarget) -> String?
    /// Runs the case and compares what happened with the expectation.
    func run(in context: CaseContext) async throws -> CheckOutcome
}

/// What a check saw: the input, the expectation, the actual result as text, and the
/// differences (empty when the case passes).
struct CheckOutcome: Sendable {
    /// The input, as shown in reports (a file's text, or a summary of what was sent).
    var input: String
    /// The expectation, as shown in reports.
    var expected: String
    /// What happened, as shown in reports.
    var actual: String
    /// One line per difference between the expectation and what happened; none when it holds.
    var failures: [String] = []
    /// A diff of the expected and actual outputs, when the case compares documents.
    var diff: String = ""
}
