import Foundation
import Testing

/// `lienthong fhir validate|convert`, run as the built executable.
@Suite("lienthong fhir")
final class FHIRCommandTests {
    /// Each test's files, removed when the test ends.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-fhir-\(UUID().uuidString)")

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    func run(_ arguments: [String]) async throws -> CommandRun {
        try await CommandRun(arguments)
    }

    func file(_ text: String, _ name: String) throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("validate prints an OperationOutcome and exits 1 on errors, 0 without")
    func validate() async throws {
        let bad = try file(#"{"resourceType":"Patient","gender":"mal","nickname":"x"}"#, "bad.json")
        let result = try await run(["fhir", "validate", bad])
        #expect(result.status == 1)
        #expect(result.output.contains("\"resourceType\": \"OperationOutcome\""))
        #expect(result.output.contains("Patient.gender"))
        #expect(result.output.contains("nickname"))
        let good = try file(#"<Patient xmlns="http://hl7.org/fhir"><gender value="female"/></Patient>"#, "good.xml")
        let ok = try await run(["fhir", "validate", good])
        #expect(ok.status == 0, "\(ok.output)")
        #expect(!ok.output.contains("\"severity\": \"error\""))
        // Invariants run: a resource without narrative gets dom-6, a warning.
        #expect(ok.output.contains("dom-6"))
        // Several files validated at once are printed in file order; one with errors fails the run.
        let both = try await run(["fhir", "validate", "--jobs", "2", "--repeat", "3", good, bad, good])
        #expect(both.status == 1)
        let order = both.output.split(separator: "\n").filter { $0.hasSuffix(".xml:") || $0.hasSuffix(".json:") }.map { $0.split(separator: "/").last.map(String.init) ?? "" }
        #expect(order == ["good.xml:", "bad.json:", "good.xml:"])
    }

    @Test("convert writes XML input as FHIR JSON and back as XML; an unreadable file is named with line and column")
    func convert() async throws {
        let xml = try file("<Observation xmlns=\"http://hl7.org/fhir\"><status value=\"final\"/><code><text value=\"w\"/></code><valueQuantity><value value=\"1.50\"/></valueQuantity></Observation>", "o.xml")
        let result = try await run(["fhir", "convert", xml, "--compact"])
        #expect(result.status == 0)
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            == #"{"resourceType":"Observation","status":"final","code":{"text":"w"},"valueQuantity":{"value":1.50}}"#)
        let back = try await run(["fhir", "convert", xml, "--to", "xml", "--compact"])
        #expect(back.status == 0)
        #expect(back.output.contains(#"<valueQuantity><value value="1.50"/></valueQuantity>"#))
        let broken = try file("{\n  \"resourceType\": \"Patient\",\n  \"active\": tru\n}", "broken.json")
        let failed = try await run(["fhir", "convert", broken])
        #expect(failed.status != 0)
        #expect(failed.errors.contains("broken.json:3:13"))
    }
}
