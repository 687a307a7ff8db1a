import Foundation
@testable import FHIR
import Testing

/// Runs the R4 cases of the HL7 FHIR validator test suite (`fhir-test-cases/validator/manifest-r4.json`)
/// and compares each outcome with the Java validator's: the same "error or no error", and the
/// same count of errors. Prints the agreement per module; with `LIENTHONG_FHIR_SUITE_REPORT=FILE`
/// also writes it as Markdown (for bench/RESULTS.md).
@Suite("FHIR validator test suite")
struct ValidatorSuiteTests {
    static let folder = "fhir/fhir-test-cases/validator/"

    struct Outcome {
        var module: String
        var name: String
        var expectedErrors: Int
        var actualErrors: Int
        /// Our errors, for the per-case listing.
        var errors: [String] = []
        var agreesOnValidity: Bool { (expectedErrors == 0) == (actualErrors == 0) }
        var agreesOnCount: Bool { expectedErrors == actualErrors }
    }

    /// The lowest agreement (error vs no error) accepted: a change that loses cases fails here.
    static let floor = 0.69

    @Test("agreement with the Java validator's outcomes")
    func suite() throws {
        let manifest = try JSONSerialization.jsonObject(with: Data(try Corpus.bytes(Self.folder + "manifest-r4.json"))) as? [String: Any]
        let cases = try #require(manifest?["test-cases"] as? [[String: Any]])
        var outcomes: [Outcome] = []
        var skipped: [String: Int] = [:]
        for testCase in cases {
            guard let name = testCase["name"] as? String, let file = testCase["file"] as? String,
                let javaPath = testCase["java"] as? String
            else { continue }
            let module = testCase["module"] as? String ?? "general"
            guard let expectedErrors = Self.errorCount(outcome: "outcomes/" + javaPath) else {
                skipped["no Java outcome", default: 0] += 1
                continue
            }
            // Supporting files: profiles, value sets, … as extra definitions.
            var resources: [Element] = []
            // Conformance resources the case loads: "supporting" files (R4 or, as "supporting5", R5)
            // and "profiles" files.
            var supportingFiles = ["supporting", "supporting5", "profiles"].flatMap { testCase[$0] as? [String] ?? [] }
            if let source = (testCase["profile"] as? [String: Any])?["source"] as? String { supportingFiles.append(source) }
            for supporting in supportingFiles {
                if let resource = Self.untyped(supporting) { resources.append(resource) }
            }
            let definitions = resources.isEmpty ? Definitions.r4 : Definitions.r4.adding(resources: resources)
            let validator = Validator.standard(definitions: definitions)
            guard let bytes = try? Corpus.bytes(Self.folder + file) else {
                skipped["input missing", default: 0] += 1
                continue
            }
            let result: ValidationResult
            if file.hasSuffix(".xml") {
                result = validator.validate(xml: bytes)
            } else if file.hasSuffix(".json") {
                result = validator.validate(json: bytes)
            } else {
                skipped["not JSON or XML", default: 0] += 1
                continue
            }
            outcomes.append(Outcome(module: module, name: name, expectedErrors: expectedErrors, actualErrors: result.errors.count,
                                    errors: result.errors.map(\.description)))
            // The profile run, when the case has one.
            if let profile = testCase["profile"] as? [String: Any], let source = profile["source"] as? String,
                let profileJava = profile["java"] as? String, let expected = Self.errorCount(outcome: "outcomes/" + profileJava),
                let url = Self.untyped(source)?.child(named: "url")?.value?.text
            {
                let profiled = file.hasSuffix(".json") ? validator.validate(json: bytes, profiles: [url]) : validator.validate(xml: bytes, profiles: [url])
                outcomes.append(Outcome(module: module + " (profile)", name: name, expectedErrors: expected, actualErrors: profiled.errors.count,
                                        errors: profiled.errors.map(\.description)))
            }
        }
        let report = Self.report(outcomes, skipped: skipped)
        print(report)
        if let path = ProcessInfo.processInfo.environment["LIENTHONG_FHIR_SUITE_REPORT"] {
            try report.write(toFile: path, atomically: true, encoding: .utf8)
        }
        if let path = ProcessInfo.processInfo.environment["LIENTHONG_FHIR_SUITE_CASES"] {
            try Self.caseListing(outcomes).write(toFile: path, atomically: true, encoding: .utf8)
        }
        let agreement = Double(outcomes.filter(\.agreesOnValidity).count) / Double(max(1, outcomes.count))
        #expect(outcomes.count > 300)
        #expect(agreement >= Self.floor, "agreement \(agreement)")
    }

    static func untyped(_ file: String) -> Element? {
        guard let bytes = try? Corpus.bytes(folder + file) else { return nil }
        if file.hasSuffix(".xml") { return try? Element.untyped(xml: bytes) }
        guard let document = try? JSONDocument(parsing: bytes) else { return nil }
        return Element(untyped: document, at: 0, name: "resource")
    }

    /// Errors (and fatal issues) in a Java outcome file.
    static func errorCount(outcome path: String) -> Int? {
        guard let bytes = try? Corpus.bytes(folder + path),
            let json = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        else { return nil }
        let issues = json["issue"] as? [[String: Any]] ?? []
        return issues.filter { ["error", "fatal"].contains($0["severity"] as? String ?? "") }.count
    }

    /// One line per case that disagrees on the error count: the expected count, ours, and our errors
    /// (the Java messages are in the outcome files named by the manifest).
    static func caseListing(_ outcomes: [Outcome]) -> String {
        outcomes.filter { !$0.agreesOnCount }.map { outcome in
            "\(outcome.module)\t\(outcome.name)\texpected \(outcome.expectedErrors)\tfound \(outcome.actualErrors)\n"
                + outcome.errors.map { "    " + $0 + "\n" }.joined()
        }.joined()
    }

    static func report(_ outcomes: [Outcome], skipped: [String: Int]) -> String {
        let modules = Dictionary(grouping: outcomes, by: \.module).sorted { $0.key < $1.key }
        var lines = ["| module | cases | error vs no error | same error count |", "| --- | ---: | ---: | ---: |"]
        func row(_ name: String, _ group: [Outcome]) -> String {
            let validity = group.filter(\.agreesOnValidity).count
            let count = group.filter(\.agreesOnCount).count
            func percent(_ n: Int) -> String { String(format: "%d (%.0f %%)", n, 100 * Double(n) / Double(max(1, group.count))) }
            return "| \(name) | \(group.count) | \(percent(validity)) | \(percent(count)) |"
        }
        for (module, group) in modules { lines.append(row(module, group)) }
        lines.append(row("**all**", outcomes))
        if !skipped.isEmpty {
            lines.append("")
            lines.append("Skipped: " + skipped.sorted { $0.key < $1.key }.map { "\($0.value) (\($0.key))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
