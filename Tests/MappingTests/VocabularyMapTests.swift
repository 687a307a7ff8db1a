import FHIR
import Foundation
import Testing
@testable import Mapping

@Suite struct VocabularyMapTests {
    /// The repository's `mappings/` folder.
    static let mappings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("mappings")

    func load(_ name: String) throws -> Element {
        try Element(json: [UInt8](try Data(contentsOf: Self.mappings.appendingPathComponent("vocabulary/\(name).json"))))
    }

    @Test func table0001MapsToAdministrativeGender() throws {
        let conceptMap = try load("v2-0001-administrative-gender")
        #expect(!Validator.standard().validate(conceptMap).hasErrors, "the shipped ConceptMap is valid R4")
        let gender = try VocabularyMap(conceptMap: conceptMap)
        #expect(gender.target(of: "F")?.code == "female")
        #expect(gender.target(of: "M") == VocabularyMap.Target(system: "http://hl7.org/fhir/administrative-gender", code: "male", display: "Male"))
        #expect(gender.target(of: "A")?.code == "other")
        #expect(gender.target(of: "X")?.code == "unknown", "unmapped: fixed")
        #expect(gender.target(of: "F", system: "http://terminology.hl7.org/CodeSystem/v2-0001")?.code == "female")
        #expect(gender.target(of: "F", system: "http://example.org/other") == nil)
    }

    @Test func unmatchedTargetsAndProvidedCodes() throws {
        let conceptMap = try Element(json: Array(#"""
            {"resourceType":"ConceptMap","status":"draft","group":[{"source":"urn:a","target":"urn:b",
              "element":[{"code":"1","target":[{"code":"x","equivalence":"unmatched"}]},{"code":"2","target":[{"code":"two","equivalence":"equal"}]}],
              "unmapped":{"mode":"provided"}}]}
            """#.utf8))
        let map = try VocabularyMap(conceptMap: conceptMap)
        #expect(map.target(of: "2")?.code == "two")
        #expect(map.target(of: "1") == VocabularyMap.Target(system: "urn:b", code: "1", display: nil), "unmatched is no mapping; provided keeps the code")
    }

    @Test func aCodeMappedTwoWaysIsRejected() throws {
        let conceptMap = try Element(json: Array(#"""
            {"resourceType":"ConceptMap","status":"draft","group":[{"element":[
              {"code":"1","target":[{"code":"a","equivalence":"equal"}]},{"code":"1","target":[{"code":"b","equivalence":"equal"}]}]}]}
            """#.utf8))
        #expect(throws: ConversionError.self) { try VocabularyMap(conceptMap: conceptMap) }
        #expect(throws: ConversionError.self) { try VocabularyMap(conceptMap: Element(name: "Patient", type: "Patient")) }
    }
}
