import FHIR
import Foundation
import HL7v2
import Mapping

/// `kind: map` — map an HL7 v2 message to FHIR with the suite's mappings and compare the Bundle
/// with a golden file, structurally (see ``StructuralDiff``), leaving out the suite's and the
/// case's `ignore` paths.
///
/// ```yaml
/// - id: adt-a01
///   kind: map
///   message: messages/adt-a01.hl7
///   profile: vn-core          # optional: a profile option of the mappings
///   map: ADT_A01              # optional: the message map (by default chosen by MSH-9)
///   golden: golden/adt-a01.json
///   ignore: ["entry[*].resource.meta"]
/// ```
/// `lienthong conformance run --update-goldens` writes each case's actual Bundle to its golden file.
struct MappingCheck: CaseCheck {
    static let kind = "map"

    var message: URL
    var golden: URL
    var map: String?
    var profile: String?
    var ignore: [String]

    init(_ node: ManifestNode, resolver: FileResolver) throws(ConformanceError) {
        try node.allowKeys(ConformanceSuite.commonKeys.union(["message", "golden", "map", "profile", "ignore"]))
        message = try resolver.existing(try node.required("message"))
        // The golden file may be missing until --update-goldens writes it.
        golden = resolver.url(try node.required("golden").text()).standardizedFileURL
        map = try node.optional("map")?.text()
        profile = try node.optional("profile")?.text()
        ignore = try node.optional("ignore")?.texts() ?? []
    }

    func skipReason(for target: ConformanceTarget) -> String? {
        target.isLocal ? nil : "needs local access: checks LienThong's own mapper"
    }

    func run(in context: CaseContext) async throws -> CheckOutcome {
        let library = try context.shared.library(context.suite.mappings)
        let input = try FileResolver.read(message)
        let inputText = String(decoding: input, as: UTF8.self)
        let patterns = context.suite.ignoredPaths + ignore
        var expectedText = "golden \(golden.lastPathComponent), ignoring \(patterns.isEmpty ? "nothing" : patterns.joined(separator: ", "))"
        let parsed: Message
        do {
            parsed = try Message(HL7v2Exchange.payload(input, padTo: nil))
        } catch {
            return CheckOutcome(input: inputText, expected: expectedText, actual: "\(error)", failures: ["the message does not parse: \(error)"])
        }
        let mapper = V2ToFHIR(library: library, options: .init(profile: profile))
        let result: MappingResult
        do {
            result = try map.map { name throws(MappingError) in try mapper.convert(parsed, map: name) } ?? mapper.convert(parsed)
        } catch {
            return CheckOutcome(input: inputText, expected: expectedText, actual: "\(error)", failures: ["the message does not map: \(error)"])
        }
        let pretty = (try? result.bundle().json(pretty: true)) ?? result.json
        if context.updatesGoldens {
            try Data(pretty + [0x0A]).write(to: golden)
        }
        let actual = try JSONTree.parse(result.json)
        let expected: JSONTree
        do {
            expected = try JSONTree.parse(try FileResolver.read(golden))
        } catch {
            return CheckOutcome(
                input: inputText, expected: expectedText, actual: String(decoding: pretty, as: UTF8.self),
                failures: ["the golden file \(golden.lastPathComponent) cannot be read: \(error)"])
        }
        let diff = StructuralDiff(ignoring: patterns)
        let differences = diff.differences(expected: expected, actual: actual)
        let expectedShown = diff.pruned(expected).pretty()
        let actualShown = diff.pruned(actual).pretty()
        expectedText += "\n\n" + expectedShown
        var failures = differences.prefix(50).map(\.description)
        if differences.count > 50 { failures.append("… and \(differences.count - 50) more differences") }
        return CheckOutcome(
            input: inputText, expected: expectedText, actual: actualShown, failures: failures,
            diff: differences.isEmpty ? "" : LineDiff.unified(expected: expectedShown, actual: actualShown))
    }
}
