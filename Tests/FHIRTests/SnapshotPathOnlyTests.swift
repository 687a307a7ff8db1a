import Foundation
@testable import FHIR
import Testing

/// Differentials written by path only (no element ids), as older profiles are.
@Suite("Snapshots of path-only differentials")
struct SnapshotPathOnlyTests {
    @Test("elements after a slice constrain that slice, not the sliced element")
    func slices() throws {
        let profile = #"""
            {"resourceType":"StructureDefinition","url":"http://x.org/sd/cat","name":"Cat","status":"draft","kind":"resource","abstract":false,
             "type":"Observation","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation",
             "differential":{"element":[
               {"path":"Observation.category","slicing":{"discriminator":[{"type":"value","path":"text"}],"rules":"open"}},
               {"path":"Observation.category","sliceName":"coded"},
               {"path":"Observation.category.coding","min":1},
               {"path":"Observation.category.text","fixedString":"coded"},
               {"path":"Observation.code","min":1}
             ]}}
            """#
        let definitions = Definitions.r4.adding(resources: [try Element.untyped(json: Array(profile.utf8))])
        let structure = try #require(definitions.structure(url: "http://x.org/sd/cat"))
        #expect(structure.element(at: "Observation.category:coded.coding")?.min == 1)
        #expect((structure.element(at: "Observation.category.coding")?.min ?? 0) == 0)  // not expanded, or not constrained
        #expect(structure.element(at: "Observation.code")?.min == 1)
        // An item of another slice (or none) needs no coding.
        let observation = #"{"resourceType":"Observation","status":"final","category":[{"text":"other"},{"text":"coded","coding":[{"code":"x"}]}],"code":{"text":"x"}}"#
        #expect(Validator(definitions: definitions).validate(json: Array(observation.utf8), profiles: ["http://x.org/sd/cat"]).errors.isEmpty)
    }
}
