import Foundation
@testable import FHIR
import Testing

/// Elements defined by reference to another (`Parameters.parameter.part` → `#Parameters.parameter`)
/// inside a profile.
@Suite("Content references in profiles")
struct ContentReferenceTests {
    @Test("a profile's constraints on the referenced element do not follow the recursion")
    func recursion() throws {
        let profile = #"""
            {"resourceType":"StructureDefinition","url":"http://x.org/sd/params","name":"Params","status":"draft","kind":"resource","abstract":false,
             "type":"Parameters","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Parameters",
             "differential":{"element":[
               {"id":"Parameters.parameter.name","path":"Parameters.parameter.name","patternString":"Bundle"},
               {"id":"Parameters.parameter.part","path":"Parameters.parameter.part","min":1}
             ]}}
            """#
        let validator = Validator(definitions: Definitions.r4.adding(resources: [try Element.untyped(json: Array(profile.utf8))]))
        func errors(_ parameters: String) -> [String] {
            let text = #"{"resourceType":"Parameters","parameter":["# + parameters + "]}"
            return validator.validate(json: Array(text.utf8), profiles: ["http://x.org/sd/params"]).errors.map(\.expression)
        }
        #expect(errors(#"{"name":"Bundle","part":[{"name":"patient","valueString":"x"}]}"#).isEmpty)
        #expect(errors(#"{"name":"Other","part":[{"name":"patient","valueString":"x"}]}"#) == ["Parameters.parameter[0].name"])
        #expect(errors(#"{"name":"Bundle","valueString":"x"}"#) == ["Parameters.parameter[0].part"])
    }
}
