@testable import FHIR
import Foundation
import Testing

@Suite("Invariants in Swift that need the resource")
struct ResourceChecksTests {
    static let dom3 = NativeInvariants.resourceChecks.keys.first { $0.hasPrefix("contained.where") }!
    static let ref1 = "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))"
    static let que2 = "descendants().linkId.isDistinct()"

    /// The Swift answer of `expression` on `element` (the resource when `nil`), after checking it
    /// is the evaluator's whenever Swift decides.
    func holds(_ json: String, _ expression: String = dom3, on element: ((Element) -> Element)? = nil) throws -> Bool? {
        let resource = try Element(json: Array(json.utf8))
        let focus = element?(resource) ?? resource
        let check = try #require(NativeInvariants.resourceChecks[expression])
        let native = check(focus, resource, resource, .r4)
        let environment = FHIRPathEnvironment(resource: resource, rootResource: resource, context: focus)
        let evaluated = (try? FHIRPath(expression).evaluateBoolean(focus, environment: environment)) ?? nil
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

    @Test("ref-1: a local reference names a contained resource of the root resource")
    func localReferences() throws {
        func reference(_ json: String) throws -> Bool? {
            try holds(json, Self.ref1) { $0.children.first { $0.name == "medication" }! }
        }
        let contained = #"{"resourceType":"Medication","id":"m1"}"#
        #expect(try reference(##"{"resourceType":"MedicationRequest","contained":[\##(contained)],"medicationReference":{"reference":"#m1"}}"##) == true)
        #expect(try reference(##"{"resourceType":"MedicationRequest","contained":[\##(contained)],"medicationReference":{"reference":"#m2"}}"##) == false)
        #expect(try reference(##"{"resourceType":"MedicationRequest","medicationReference":{"reference":"#"}}"##) == true)
        // Not local: decided before this check runs.
        #expect(try reference(#"{"resourceType":"MedicationRequest","medicationReference":{"reference":"Medication/m1"}}"#) == nil)
    }

    @Test("que-2: the linkIds of a Questionnaire are unique")
    func linkIDs() throws {
        let item = #"{"linkId":"1","type":"group","item":[{"linkId":"1.1","type":"string"},{"linkId":"X","type":"string"}]}"#
        #expect(try holds(#"{"resourceType":"Questionnaire","status":"draft","item":[\#(item.replacingOccurrences(of: "X", with: "1.2"))]}"#, Self.que2) == true)
        #expect(try holds(#"{"resourceType":"Questionnaire","status":"draft","item":[\#(item.replacingOccurrences(of: "X", with: "1"))]}"#, Self.que2) == false)
        #expect(try holds(#"{"resourceType":"Questionnaire","status":"draft"}"#, Self.que2) == true)
    }
}
