import FHIR
import Foundation

/// `kind: validate` — validate a FHIR resource (JSON or XML) against R4, the profiles in its
/// `meta.profile` and the case's `profiles`, with the suite's implementation guide (`ig:`)
/// loaded, and compare the outcome.
///
/// ```yaml
/// - id: vn-core-patient-bad-gender
///   kind: validate
///   resource: resources/patient-bad-gender.json
///   profiles: [http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-patient]
///   expect:
///     valid: false
///     issues: [{severity: error, code: code-invalid, expression: Patient.gender}]
///     only-listed: true       # (default) an error not listed fails the case
/// ```
struct ProfileValidation: CaseCheck {
    static let kind = "validate"

    var resource: URL
    var profiles: [String]
    var valid: Bool?
    var issues: [IssueExpectation]
    var onlyListed: Bool

    init(_ node: ManifestNode, resolver: FileResolver) throws(ConformanceError) {
        try node.allowKeys(ConformanceSuite.commonKeys.union(["resource", "profiles", "expect"]))
        resource = try resolver.existing(try node.required("resource"))
        profiles = try node.optional("profiles")?.texts() ?? []
        let expect = try node.required("expect")
        try expect.allowKeys(["valid", "issues", "only-listed"])
        valid = try expect.optional("valid")?.bool()
        issues = try IssueExpectation.parseList(try expect.optional("issues"))
        onlyListed = try expect.optional("only-listed")?.bool() ?? true
    }

    func skipReason(for target: ConformanceTarget) -> String? {
        target.isLocal ? nil : "needs local access: checks LienThong's own validator"
    }

    func run(in context: CaseContext) async throws -> CheckOutcome {
        let validator = try context.shared.validator(implementationGuide: context.suite.implementationGuide)
        let bytes = try FileResolver.read(resource)
        let isXML = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "<")
        let result = isXML ? validator.validate(xml: bytes, profiles: profiles) : validator.validate(json: bytes, profiles: profiles)
        let seen = result.issues.map {
            IssueExpectation.Seen(severity: $0.severity.rawValue, code: $0.code.rawValue, expression: $0.expression, message: $0.message)
        }
        var expectedLines: [String] = []
        if let valid { expectedLines.append(valid ? "valid (no errors)" : "invalid (errors)") }
        if !profiles.isEmpty { expectedLines.append("against \(profiles.joined(separator: ", "))") }
        expectedLines += issues.map { "issue: \($0)" }
        if onlyListed { expectedLines.append("no other error issues") }
        var failures: [String] = []
        if let valid, valid == result.hasErrors {
            failures.append(valid ? "expected valid, got \(result.errors.count) error(s)" : "expected errors, got none")
        }
        failures += IssueExpectation.compare(expected: issues, seen: seen, onlyListed: onlyListed)
        let actual = (result.hasErrors ? "invalid" : "valid") + "\n" + seen.map { "issue: \($0)" }.joined(separator: "\n")
        return CheckOutcome(
            input: String(decoding: bytes.prefix(32768), as: UTF8.self), expected: expectedLines.joined(separator: "\n"), actual: actual,
            failures: failures)
    }
}
