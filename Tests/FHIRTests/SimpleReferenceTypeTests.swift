@testable import FHIR
import Testing

@Suite("Reference shapes")
struct SimpleReferenceTypeTests {
    @Test("Type/id is read without splitting; other shapes are left to the general rules", arguments: [
        ("Patient/1", "Patient"), ("patient/1", "patient"), ("/1", nil), ("Patient/", nil), ("Patient", nil),
        ("Patient/1/_history/2", nil), ("Patient?identifier=x", nil), ("Patient/1?x", nil), ("http://x.org/Patient/1", nil),
    ] as [(String, String?)])
    func shapes(reference: String, type: String?) {
        #expect(Validator.Walk.simpleReferenceType(reference).map(String.init) == type)
    }

    @Test("the format check answers as before for each shape")
    func format() {
        func issues(_ reference: String) -> [String] {
            let json = #"{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"\#(reference)"}}"#
            return Validator.standard().validate(json: Array(json.utf8)).issues.filter { $0.message.contains("relative reference") }.map(\.severity.description)
        }
        #expect(issues("Patient/1") == [])
        #expect(issues("patient/1") == ["warning"])
        #expect(issues("Ünicode/1") == [])
        #expect(issues("ünicode/1") == ["warning"])
        #expect(issues("1") == ["error"])
    }

    @Test("a reference that is only ? is reported, not a crash")
    func questionMark() {
        let json = #"{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"?"}}"#
        let issues = Validator.standard().validate(json: Array(json.utf8)).issues
        // The walk reached the resource's own invariants, checked after its children.
        #expect(issues.contains { $0.message.hasPrefix("dom-6") })
    }
}
