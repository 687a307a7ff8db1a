@testable import FHIR
import Testing

@Suite("dom-3 in Swift")
struct ContainedReferencesTests {
    static let dom3 = NativeInvariants.resourceChecks.first!.key

    /// The Swift answer, after checking it is the evaluator's whenever Swift decides.
    func holds(_ json: String) throws -> Bool? {
        let resource = try Element(json: Array(json.utf8))
        let check = try #require(NativeInvariants.resourceChecks[Self.dom3])
        let native = check(resource, resource, .r4)
        let environment = FHIRPathEnvironment(resource: resource, rootResource: resource, context: resource)
        let evaluated = (try? FHIRPath(Self.dom3).evaluateBoolean(resource, environment: environment)) ?? nil
        if let native { #expect(native == (evaluated ?? true), "\(json)") }
        return native
    }

    @Test("a contained resource is matched by #id from the resource, or by # to its container; one without id is never unmatched")
    func answers() throws {
        let contained = #"{"resourceType":"Medication","id":"m1"}"#
        #expect(try holds(##"{"resourceType":"MedicationRequest","contained":[\##(contained)],"medicationReference":{"reference":"#m1"}}"##) == true)
        #expect(try holds(##"{"resourceType":"MedicationRequest","contained":[\##(contained)],"medicationReference":{"reference":"#m2"}}"##) == false)
        #expect(try holds(##"{"resourceType":"MedicationRequest","contained":[\##(contained)]}"##) == false)
        // The contained resource refers to its container.
        #expect(try holds(##"{"resourceType":"Patient","contained":[{"resourceType":"RelatedPerson","id":"r","patient":{"reference":"#"}}]}"##) == true)
        // A canonical naming it (instantiatesCanonical of a CarePlan).
        #expect(try holds(##"{"resourceType":"CarePlan","status":"active","intent":"plan","subject":{"reference":"Patient/1"},"instantiatesCanonical":["#pd"],"contained":[{"resourceType":"PlanDefinition","id":"pd","status":"draft"}]}"##) == true)
        #expect(try holds(##"{"resourceType":"MedicationRequest","contained":[{"resourceType":"Medication"}]}"##) == true)
        // Two contained resources, one unmatched.
        #expect(try holds(##"{"resourceType":"MedicationRequest","contained":[\##(contained),{"resourceType":"Medication","id":"m2"}],"medicationReference":{"reference":"#m1"}}"##) == false)
        // An id without a value: the evaluator's.
        #expect(try holds(##"{"resourceType":"MedicationRequest","contained":[{"resourceType":"Medication","_id":{"extension":[{"url":"http://x.org/e","valueString":"x"}]}}]}"##) == nil)
    }
}
