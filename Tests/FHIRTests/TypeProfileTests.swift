import Foundation
@testable import FHIR
import Testing

/// Elements whose type names profiles (`type.profile`) conform to one of them.
@Suite("Type profiles")
struct TypeProfileTests {
    /// A HumanName profile whose family is required (`min` 1) and, for `fixed`, fixed.
    func nameProfile(_ url: String, fixedFamily: String? = nil) -> String {
        let fixed = fixedFamily.map { #","fixedString":""# + $0 + #"""# } ?? ""
        return #"{"resourceType":"StructureDefinition","url":""# + url + #"","name":"N","status":"draft","kind":"complex-type","abstract":false,"type":"HumanName","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/HumanName","differential":{"element":[{"id":"HumanName.family","path":"HumanName.family","min":1"# + fixed + "}]}}"
    }

    func validator(profiles: [String]) throws -> Validator {
        let patient = #"{"resourceType":"StructureDefinition","url":"http://x.org/sd/p","name":"P","status":"draft","kind":"resource","abstract":false,"type":"Patient","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","differential":{"element":[{"id":"Patient.name","path":"Patient.name","type":[{"code":"HumanName","profile":["# + profiles.map { "\"\($0)\"" }.joined(separator: ",") + "]}]}]}}"
        let resources = [patient, nameProfile("http://x.org/sd/n1", fixedFamily: "Nguyen"), nameProfile("http://x.org/sd/n2", fixedFamily: "Tran")]
        return Validator(definitions: Definitions.r4.adding(resources: try resources.map { try Element.untyped(json: Array($0.utf8)) }))
    }

    func errors(_ validator: Validator, name: String) -> [String] {
        let text = #"{"resourceType":"Patient","name":["# + name + "]}"
        return validator.validate(json: Array(text.utf8), profiles: ["http://x.org/sd/p"]).errors.map(\.expression)
    }

    @Test("one profile: its errors; several: one must fit")
    func profiles() throws {
        let one = try validator(profiles: ["http://x.org/sd/n1"])
        #expect(errors(one, name: #"{"family":"Nguyen"}"#).isEmpty)
        #expect(errors(one, name: #"{"given":["An"]}"#) == ["Patient.name[0].family"])
        let two = try validator(profiles: ["http://x.org/sd/n1", "http://x.org/sd/n2"])
        #expect(errors(two, name: #"{"family":"Tran"}"#).isEmpty)
        #expect(errors(two, name: #"{"family":"Le"}"#) == ["Patient.name[0]", "Patient.name[0].family"])  // the same error from both is reported once
    }
}
