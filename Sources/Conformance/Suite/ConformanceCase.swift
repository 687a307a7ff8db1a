/// One case of a suite: an input, an action and an expectation (see `docs/CONFORMANCE.md`).
public struct ConformanceCase: Sendable {
    /// The case's identifier, unique in its suite.
    public let id: String
    /// What the case proves, for people.
    public let summary: String?
    /// The kind's name in the manifest (`hl7v2`, `fhir`, `map`, `validate`, `claim`).
    public let kind: String
    /// The case's own time limit, replacing the runner's.
    public let timeout: Duration?
    let check: any CaseCheck

    init(id: String, summary: String?, timeout: Duration?, check: any CaseCheck) {
        self.id = id
        self.summary = summary
        self.kind = type(of: check).kind
        self.timeout = timeout
        self.check = check
    }

    /// Why the case cannot run against `target` (it needs the local bus, or an endpoint the
    /// target lacks), or `nil` when it can.
    public func skipReason(for target: ConformanceTarget) -> String? {
        check.skipReason(for: target)
    }
}
