@testable import FHIR
import Testing

@Suite("Definitions")
struct DefinitionsTests {
    let r4 = Definitions.r4

    @Test("all R4 types and resources are defined, with their lineage")
    func types() throws {
        #expect(r4.typeNames.count == 210)  // 212 StructureDefinitions, of which 2 are profiles (SimpleQuantity, MoneyQuantity)
        #expect(r4.structure(url: "http://hl7.org/fhir/StructureDefinition/SimpleQuantity")?.derivation == "constraint")
        #expect(r4.lineage(of: "Patient") == ["Patient", "DomainResource", "Resource"])
        #expect(r4.lineage(of: "Age") == ["Age", "Quantity", "Element"])
        #expect(r4.isResourceType("Bundle"))
        #expect(!r4.isResourceType("HumanName"))
        let patient = try #require(r4.structure(forType: "Patient"))
        #expect(patient.kind == .resource)
        #expect(patient.children(of: "Patient").map(\.name).prefix(4) == ["id", "meta", "implicitRules", "language"])
        let deceased = try #require(patient.element(at: "Patient.deceased[x]"))
        #expect(deceased.isChoice && deceased.name == "deceased")
        #expect(deceased.types.map(\.code) == ["boolean", "dateTime"])
        #expect(deceased.jsonName(for: "dateTime") == "deceasedDateTime")
        let gender = try #require(patient.element(at: "Patient.gender"))
        #expect(gender.binding == .init(strength: "required", valueSet: "http://hl7.org/fhir/ValueSet/administrative-gender"))
        #expect(gender.max == 1 && !gender.isRepeating)
        #expect(patient.element(at: "Patient.name")?.isRepeating == true)
        #expect(patient.root?.constraints.contains { $0.key == "dom-2" } == true)
        // System types of ids and urls carry their FHIR type.
        #expect(patient.element(at: "Patient.id")?.types.map(\.code) == ["string"])
        #expect(r4.structure(forType: "Extension")?.element(at: "Extension.url")?.types.map(\.code) == ["uri"])
        // Elements defined by reference to another.
        #expect(r4.structure(forType: "Questionnaire")?.element(at: "Questionnaire.item.item")?.contentReference == "#Questionnaire.item")
    }

    @Test("a type no other type derives from is never another's ancestor; profiles and unknown types count as possible ones")
    func ancestors() {
        let ancestors = Set(r4.typeNames.flatMap { r4.lineage(of: $0).dropFirst() })
        #expect(ancestors == ["Resource", "DomainResource", "Element", "BackboneElement", "Quantity", "string", "uri", "integer"])
        for type in r4.typeNames {
            #expect(r4.mayBeAncestor(type) == ancestors.contains(type), "\(type)")
        }
        #expect(r4.mayBeAncestor("NotAType"))
        // A profile on Patient makes Patient a possible ancestor (the answer may err that way only).
        let profile = #"{"resourceType":"StructureDefinition","url":"http://example.org/sd/p","type":"Patient","kind":"resource","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient|4.0.1"}"#
        let extended = r4.adding(resources: [Element(untyped: try! JSONDocument(parsing: Array(profile.utf8)), at: 0, name: "resource")])
        #expect(extended.mayBeAncestor("Patient") && !r4.mayBeAncestor("Patient"))
    }

    @Test("value sets of required bindings are expanded; the others say why not")
    func valueSets() throws {
        let gender = try #require(r4.valueSet(url: "http://hl7.org/fhir/ValueSet/administrative-gender"))
        #expect(gender.contains(code: "female", system: "http://hl7.org/fhir/administrative-gender") == true)
        #expect(gender.contains(code: "F", system: "http://hl7.org/fhir/administrative-gender") == false)
        #expect(gender.contains(code: "other", system: nil) == true)
        let mime = try #require(r4.valueSet(url: "http://hl7.org/fhir/ValueSet/mimetypes"))
        #expect(mime.codes == nil)
        #expect(mime.unexpandedReason?.contains("urn:ietf:bcp:13") == true)
        #expect(r4.valueSet(url: "http://example.org/none") == nil)
    }

    @Test("definitions added from an implementation guide sit beside the core ones")
    func adding() throws {
        let profile = #"{"resourceType":"StructureDefinition","url":"http://example.org/sd/p","name":"P","type":"Patient","kind":"resource","abstract":false,"derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","snapshot":{"element":[{"id":"Patient","path":"Patient","min":0,"max":"*"},{"id":"Patient.name","path":"Patient.name","min":1,"max":"*","type":[{"code":"HumanName"}]}]}}"#
        let document = try JSONDocument(parsing: Array(profile.utf8))
        let extended = r4.adding(resources: [Element(untyped: document, at: 0, name: "resource")])
        let compiled = try #require(extended.structure(url: "http://example.org/sd/p"))
        #expect(compiled.element(at: "Patient.name")?.min == 1)
        #expect(extended.structure(forType: "Patient")?.url == "http://hl7.org/fhir/StructureDefinition/Patient")
        #expect(r4.structure(url: "http://example.org/sd/p") == nil)
    }
}
