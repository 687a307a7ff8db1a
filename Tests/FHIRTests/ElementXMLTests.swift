@testable import FHIR
import Testing

@Suite("FHIR XML")
struct ElementXMLTests {
    @Test("every R4 XML example reads without errors")
    func examples() throws {
        let files = Corpus.files(in: "fhir/fhir-test-cases/r4/examples", extension: "xml")
        #expect(files.count >= 10)
        for file in files {
            let (element, problems) = try Element.read(xml: try Corpus.bytes(file))
            #expect(problems.isEmpty, "\(file): \(problems.prefix(3))")
            #expect(element != nil)
        }
    }

    // observation-decimal and observation-example differ between their XML and JSON files
    // (decimal spellings, an extension), so they are not compared.
    @Test("an example published in both formats reads to the same tree (narrative aside)", arguments: [
        "condition-example", "organization-1", "patient-example",
    ])
    func sameAsJSON(name: String) throws {
        let folder = "fhir/fhir-test-cases/r4/examples/"
        let fromXML = try Element(xml: try Corpus.bytes(folder + name + ".xml"))
        let fromJSON = try Element(json: try Corpus.bytes(folder + name + ".json"))
        #expect(Self.withoutNarrative(fromXML) == Self.withoutNarrative(fromJSON))
    }

    @Test("decimals keep their text; unknown elements and attributes are errors with their line")
    func details() throws {
        let text = """
            <Observation xmlns="http://hl7.org/fhir">
              <status value="final"/>
              <code><text value="weight"/></code>
              <valueQuantity><value value="1.50"/><unit value="kg"/></valueQuantity>
              <nickname value="x"/>
              <subject reference="Patient/1"/>
            </Observation>
            """
        let (element, problems) = try Element.read(xml: Array(text.utf8))
        #expect(element?.child(named: "value")?.child(named: "value")?.value == .number("1.50"))
        #expect(problems.map { "\($0.code) \($0.path ?? "") \($0.position?.line ?? 0)" } == [
            "unknown-element Observation 5", "unknown-element Observation.subject 6",
        ])
        #expect(throws: FormatError.self) { _ = try Element(xml: Array("<Patient xmlns=\"http://hl7.org/fhir\">".utf8)) }
    }

    @Test("StructureDefinitions in XML compile like JSON ones")
    func untypedProfiles() throws {
        let text = """
            <StructureDefinition xmlns="http://hl7.org/fhir">
              <url value="http://example.org/sd/p"/><name value="P"/><status value="draft"/><kind value="resource"/>
              <abstract value="false"/><type value="Patient"/>
              <baseDefinition value="http://hl7.org/fhir/StructureDefinition/Patient"/><derivation value="constraint"/>
              <snapshot><element id="Patient"><path value="Patient"/><min value="0"/><max value="*"/></element>
              <element id="Patient.gender"><path value="Patient.gender"/><min value="1"/><max value="1"/>
                <type><code value="code"/></type><fixedCode value="female"/></element></snapshot>
            </StructureDefinition>
            """
        let resource = try Element.untyped(xml: Array(text.utf8))
        let definitions = Definitions.r4.adding(resources: [resource])
        let profile = try #require(definitions.structure(url: "http://example.org/sd/p"))
        #expect(profile.element(at: "Patient.gender")?.min == 1)
        #expect(profile.element(at: "Patient.gender")?.fixed?.type == "code")
        #expect(profile.element(at: "Patient.gender")?.fixed?.value.value?.text == "female")
    }

    static func withoutNarrative(_ element: Element) -> Element {
        var copy = element
        copy.position = nil
        copy.children = element.children.filter { $0.name != "text" || $0.type != "Narrative" }.map(withoutNarrative)
        return copy
    }
}
