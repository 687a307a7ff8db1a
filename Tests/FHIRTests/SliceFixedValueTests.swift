import Foundation
@testable import FHIR
import Testing

/// Slices given by a fixed value on the slice itself (`fixedContactPoint: {use: home}`), type
/// slices that allow several types, type/subtype slicing and slicing by profile.
@Suite("Slices with a fixed value or several types")
struct SliceFixedValueTests {
    @Test("the discriminator value comes from the slice's fixed value, and the item must be exactly that value")
    func fixedSlice() throws {
        let profile = #"""
            {"resourceType":"StructureDefinition","url":"http://x.org/sd/home","name":"Home","status":"draft","kind":"resource","abstract":false,
             "type":"Practitioner","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Practitioner",
             "differential":{"element":[
               {"id":"Practitioner.telecom","path":"Practitioner.telecom","slicing":{"discriminator":[{"type":"value","path":"use"}],"rules":"open"},"min":1},
               {"id":"Practitioner.telecom:home","path":"Practitioner.telecom","sliceName":"home","min":1,"max":"1","fixedContactPoint":{"use":"home"}}
             ]}}
            """#
        let validator = Validator(definitions: Definitions.r4.adding(resources: [try Element.untyped(json: Array(profile.utf8))]))
        func errors(_ telecom: String) -> [String] {
            let text = #"{"resourceType":"Practitioner","telecom":["# + telecom + "]}"
            return validator.validate(json: Array(text.utf8), profiles: ["http://x.org/sd/home"]).errors.map(\.message)
        }
        #expect(errors(#"{"use":"home"}"#).isEmpty)
        #expect(errors(#"{"use":"home","system":"phone","value":"555"}"#) == ["value must be exactly the fixed value of slice home"])
        #expect(errors(#"{"use":"work","system":"phone","value":"555"}"#) == ["slice 'telecom:home': minimum required = 1, but only found 0"])
    }

    @Test("a type slice with several types takes an item of any of them")
    func typeSliceWithSeveralTypes() throws {
        let profile = #"""
            {"resourceType":"StructureDefinition","url":"http://x.org/sd/b","name":"B","status":"draft","kind":"resource","abstract":false,
             "type":"Bundle","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Bundle",
             "differential":{"element":[
               {"id":"Bundle.entry","path":"Bundle.entry","slicing":{"discriminator":[{"type":"type","path":"resource"}],"rules":"open"}},
               {"id":"Bundle.entry:who","path":"Bundle.entry","sliceName":"who","min":1,"max":"1"},
               {"id":"Bundle.entry:who.resource","path":"Bundle.entry.resource","type":[{"code":"Practitioner"},{"code":"PractitionerRole"}]}
             ]}}
            """#
        let validator = Validator(definitions: Definitions.r4.adding(resources: [try Element.untyped(json: Array(profile.utf8))]))
        func errors(_ types: [String]) -> [String] {
            let entries = types.enumerated().map { #"{"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e"# + String($0.offset) + #"","resource":{"resourceType":""# + $0.element + #""}}"# }
            let text = #"{"resourceType":"Bundle","type":"collection","entry":["# + entries.joined(separator: ",") + "]}"
            return validator.validate(json: Array(text.utf8), profiles: ["http://x.org/sd/b"]).errors.map(\.message)
        }
        #expect(errors(["PractitionerRole"]).isEmpty)
        #expect(errors(["Practitioner", "PractitionerRole"]) == ["slice 'entry:who': maximum allowed = 1, but found 2"])
    }

    @Test("with several discriminators, a slice that fixes only some of them does not constrain the others")
    func typeAndSubtype() throws {
        let profile = #"""
            {"resourceType":"StructureDefinition","url":"http://x.org/sd/rr","name":"RR","status":"draft","kind":"resource","abstract":false,
             "type":"Observation","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation",
             "differential":{"element":[
               {"id":"Observation.referenceRange","path":"Observation.referenceRange","slicing":{"discriminator":[{"type":"pattern","path":"type"},{"type":"pattern","path":"appliesTo"}],"rules":"open"}},
               {"id":"Observation.referenceRange:raced","path":"Observation.referenceRange","sliceName":"raced","min":1,"max":"1"},
               {"id":"Observation.referenceRange:raced.type","path":"Observation.referenceRange.type","patternCodeableConcept":{"text":"normal"}},
               {"id":"Observation.referenceRange:raced.appliesTo","path":"Observation.referenceRange.appliesTo","patternCodeableConcept":{"text":"race"}},
               {"id":"Observation.referenceRange:treatment","path":"Observation.referenceRange","sliceName":"treatment","min":1,"max":"1"},
               {"id":"Observation.referenceRange:treatment.type","path":"Observation.referenceRange.type","patternCodeableConcept":{"text":"treatment"}}
             ]}}
            """#
        let validator = Validator(definitions: Definitions.r4.adding(resources: [try Element.untyped(json: Array(profile.utf8))]))
        func errors(_ ranges: String) -> [String] {
            let text = #"{"resourceType":"Observation","status":"final","code":{"text":"x"},"referenceRange":["# + ranges + "]}"
            return validator.validate(json: Array(text.utf8), profiles: ["http://x.org/sd/rr"]).errors.map(\.message)
        }
        let treatment = #"{"text":"t","type":{"text":"treatment"}}"#
        #expect(errors(#"{"text":"n","type":{"text":"normal"},"appliesTo":[{"text":"race"}]},"# + treatment).isEmpty)
        #expect(errors(#"{"text":"n","type":{"text":"normal"}},"# + treatment) == ["slice 'referenceRange:raced': minimum required = 1, but only found 0"])
    }

    @Test("a profile discriminator puts an item in the slice whose profile it conforms to")
    func profileDiscriminator() throws {
        let patient = #"{"resourceType":"StructureDefinition","url":"http://x.org/sd/pg","name":"PG","status":"draft","kind":"resource","abstract":false,"type":"Patient","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","differential":{"element":[{"id":"Patient.gender","path":"Patient.gender","min":1}]}}"#
        let bundle = #"""
            {"resourceType":"StructureDefinition","url":"http://x.org/sd/pb","name":"PB","status":"draft","kind":"resource","abstract":false,
             "type":"Bundle","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Bundle",
             "differential":{"element":[
               {"id":"Bundle.entry","path":"Bundle.entry","slicing":{"discriminator":[{"type":"profile","path":"resource"}],"rules":"closed"}},
               {"id":"Bundle.entry:patient","path":"Bundle.entry","sliceName":"patient","min":1,"max":"1"},
               {"id":"Bundle.entry:patient.resource","path":"Bundle.entry.resource","type":[{"code":"Patient","profile":["http://x.org/sd/pg"]}]}
             ]}}
            """#
        let definitions = Definitions.r4.adding(resources: try [patient, bundle].map { try Element.untyped(json: Array($0.utf8)) })
        func errors(_ resource: String) -> [String] {
            let text = #"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0","resource":"# + resource + "}]}"
            return Validator(definitions: definitions).validate(json: Array(text.utf8), profiles: ["http://x.org/sd/pb"]).errors.map(\.message)
        }
        #expect(errors(#"{"resourceType":"Patient","gender":"female"}"#).isEmpty)
        #expect(errors(#"{"resourceType":"Patient"}"#) == [
            "entry fits none of the slices, and the slicing is closed", "slice 'entry:patient': minimum required = 1, but only found 0",
        ])
    }

    @Test("a discriminator path below the element that has the pattern (use.coding.code, pattern on use) takes the pattern's value there")
    func discriminatorBelowThePattern() throws {
        let profile = #"""
            {"resourceType":"StructureDefinition","url":"http://x.org/sd/dx","name":"DX","status":"draft","kind":"resource","abstract":false,
             "type":"Encounter","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Encounter",
             "differential":{"element":[
               {"id":"Encounter.diagnosis","path":"Encounter.diagnosis","slicing":{"discriminator":[{"type":"value","path":"use.coding.system"},{"type":"value","path":"use.coding.code"}],"rules":"open"}},
               {"id":"Encounter.diagnosis:chief","path":"Encounter.diagnosis","sliceName":"chief","min":1,"max":"1"},
               {"id":"Encounter.diagnosis:chief.use","path":"Encounter.diagnosis.use","patternCodeableConcept":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/diagnosis-role","code":"CC"}]}},
               {"id":"Encounter.diagnosis:admission","path":"Encounter.diagnosis","sliceName":"admission","max":"1"},
               {"id":"Encounter.diagnosis:admission.use","path":"Encounter.diagnosis.use","patternCodeableConcept":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/diagnosis-role","code":"AD"}]}}
             ]}}
            """#
        let validator = Validator(definitions: Definitions.r4.adding(resources: [try Element.untyped(json: Array(profile.utf8))]))
        func errors(_ codes: [String]) -> [String] {
            let diagnoses = codes.map {
                #"{"condition":{"reference":"Condition/1"},"use":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/diagnosis-role","code":""# + $0 + #""}]}}"#
            }
            let text = #"{"resourceType":"Encounter","status":"finished","class":{"code":"IMP"},"diagnosis":["# + diagnoses.joined(separator: ",") + "]}"
            return validator.validate(json: Array(text.utf8), profiles: ["http://x.org/sd/dx"]).errors.map(\.message)
        }
        #expect(errors(["CC", "AD"]).isEmpty)
        #expect(errors(["AD", "AD"]) == [
            "slice 'diagnosis:chief': minimum required = 1, but only found 0", "slice 'diagnosis:admission': maximum allowed = 1, but found 2",
        ])
    }
}
