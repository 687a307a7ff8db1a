import Foundation
@testable import FHIR
import Testing

/// Rules on data types the definitions do not state: systems of Codings and Identifiers, the
/// shape of relative references.
@Suite("Data type rules")
struct DataTypeRuleTests {
    func issues(_ text: String) -> [String] {
        Validator().validate(json: Array(text.utf8)).issues.map { "\($0.severity) \($0.expression)" }
    }

    @Test("a Coding's or Identifier's system is an absolute URI; a Coding's system is not a value set")
    func systems() {
        func observation(system: String) -> String {
            #"{"resourceType":"Observation","status":"final","code":{"coding":[{"system":""# + system + #"","code":"x"}]}}"#
        }
        #expect(issues(observation(system: "http://loinc.org")).isEmpty)
        #expect(issues(observation(system: "urn:oid:2.16.840.1.113883.6.1")).isEmpty)
        #expect(issues(observation(system: "loinc")) == ["error Observation.code.coding[0].system"])
        #expect(issues(observation(system: "http://hl7.org/fhir/ValueSet/observation-status")) == ["error Observation.code.coding[0].system"])
        #expect(issues(#"{"resourceType":"Patient","identifier":[{"system":"MRN","value":"1"}]}"#) == ["error Patient.identifier[0].system"])
        #expect(issues(#"{"resourceType":"Patient","identifier":[{"system":"http://example.org/mrn","value":"1"}]}"#).isEmpty)
    }

    @Test("a relative reference is Type/id (an error without a slash, a warning for another shape)")
    func relativeReferences() {
        func subject(_ reference: String) -> [String] {
            issues(#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":""# + reference + #""}}"#)
        }
        #expect(subject("Patient/1").isEmpty)
        #expect(subject("Patient/1/_history/2").isEmpty)
        #expect(subject("http://example.org/fhir/Patient/1").isEmpty)
        #expect(subject("urn:uuid:5b2d1f0c-1f4a-4b39-9f0b-6b8f0a4c3d2e").isEmpty)
        #expect(subject("Patient?identifier=http://example.org/mrn|1").isEmpty)
        #expect(subject("c282c3ec-6bd3-4826-b654-5a171776e296") == ["error Observation.subject"])
        #expect(subject("XXX/_history/1") == ["warning Observation.subject"])
    }

    @Test("a Quantity bound to a required value set has a unit code from it")
    func quantityBinding() throws {
        let profile = #"{"resourceType":"StructureDefinition","url":"http://x.org/sd/age-obs","name":"AgeObs","status":"draft","kind":"resource","abstract":false,"type":"Observation","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation","differential":{"element":[{"id":"Observation.value[x]","path":"Observation.value[x]","type":[{"code":"Quantity"}],"binding":{"strength":"required","valueSet":"http://hl7.org/fhir/ValueSet/age-units"}}]}}"#
        let validator = Validator(definitions: Definitions.r4.adding(resources: [try Element.untyped(json: Array(profile.utf8))]))
        func errors(_ code: String) -> [String] {
            let text = #"{"resourceType":"Observation","status":"final","code":{"text":"age"},"valueQuantity":{"value":3,"system":"http://unitsofmeasure.org","code":""# + code + #""}}"#
            return validator.validate(json: Array(text.utf8), profiles: ["http://x.org/sd/age-obs"]).errors.map(\.expression)
        }
        #expect(errors("a").isEmpty)
        #expect(errors("m") == ["Observation.value"])
    }
}
