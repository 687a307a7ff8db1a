import Conformance
import Foundation
import Testing

@Suite struct SuiteLoadingTests {
    @Test("a misspelt key is an error naming the file and the key")
    func unknownKey() throws {
        let suite = try TemporarySuite([
            "a.hl7": TemporarySuite.adt("LOAD-1"),
            "suite.yaml": "cases:\n  - {id: a, kind: hl7v2, messages: a.hl7, expect: {akc: AA}}\n",
        ])
        defer { suite.remove() }
        let error = try #require(throws: ConformanceError.self) { try ConformanceSuite(folder: suite.folder) }
        #expect(error.code == .invalidManifest)
        #expect(error.key == "cases[0].expect.akc")
        #expect(error.description.contains("unknown key akc"))
    }

    @Test("a missing file and a duplicate id are errors")
    func missingFileAndDuplicateID() throws {
        let missing = try TemporarySuite(["suite.yaml": "cases:\n  - {id: a, kind: hl7v2, messages: nope.hl7, expect: {ack: AA}}\n"])
        defer { missing.remove() }
        #expect(throws: ConformanceError.self) { try ConformanceSuite(folder: missing.folder) }
        let duplicate = try TemporarySuite([
            "a.hl7": TemporarySuite.adt("LOAD-2"),
            "suite.yaml": "cases:\n  - {id: a, kind: hl7v2, messages: a.hl7, expect: {ack: AA}}\n  - {id: a, kind: hl7v2, messages: a.hl7, expect: {ack: AA}}\n",
        ])
        defer { duplicate.remove() }
        let error = try #require(throws: ConformanceError.self) { try ConformanceSuite(folder: duplicate.folder) }
        #expect(error.message.contains("a second case with the id a"))
    }

    @Test("every shipped suite loads", arguments: ["hl7v2-ack", "mllp", "v2-to-fhir", "fhir-validation", "claims-130", "end-to-end"])
    func shippedSuites(_ name: String) throws {
        let suite = try ConformanceSuite(folder: TemporarySuite.repository.appendingPathComponent("conformance/\(name)"))
        #expect(!suite.cases.isEmpty)
    }

    @Test("a remote target skips the cases that need local access, saying why")
    func remoteTargetSkips() async throws {
        let suite = try ConformanceSuite(folder: TemporarySuite.repository.appendingPathComponent("conformance/end-to-end"))
        let target = try ConformanceTarget(["mllp://127.0.0.1:9"])
        for conformanceCase in suite.cases {
            #expect(conformanceCase.skipReason(for: target)?.contains("needs local access") == true)
        }
        let ack = try ConformanceSuite(folder: TemporarySuite.repository.appendingPathComponent("conformance/hl7v2-ack"))
        let plain = try #require(ack.cases.first { $0.id == "original-mode-accept-a08" })
        #expect(plain.skipReason(for: target) == nil)
        #expect(plain.skipReason(for: try ConformanceTarget(["http://127.0.0.1:9/fhir"]))?.contains("no MLLP address") == true)
        #expect(throws: ConformanceError.self) { try ConformanceTarget(["ftp://x"]) }
    }
}
