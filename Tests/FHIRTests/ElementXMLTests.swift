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

@Suite("FHIR XML writing")
struct XMLWritingTests {
    @Test("every R4 example (JSON and XML) written as XML reads back to the same tree")
    func roundTrip() throws {
        let folder = "fhir/fhir-test-cases/r4/examples"
        var count = 0
        for file in Corpus.files(in: folder, extension: "json") + Corpus.files(in: folder, extension: "xml") {
            let bytes = try Corpus.bytes(file)
            let element = file.hasSuffix(".xml") ? try Element(xml: bytes) : try Element(json: bytes)
            for pretty in [false, true] {
                let written = element.xml(pretty: pretty)
                let (again, problems) = try Element.read(xml: written)
                #expect(problems.isEmpty, "\(file): \(problems.prefix(2))")
                // The narrative is markup, which the XML reader writes back in its own form.
                #expect(again.map(ElementXMLTests.withoutNarrative) == ElementXMLTests.withoutNarrative(element), "\(file)")
            }
            count += 1
        }
        #expect(count > 80)
    }

    @Test("attributes, escaping and choice names")
    func details() throws {
        let patient = try Element(json: Array(#"{"resourceType":"Patient","id":"p1","extension":[{"url":"http://x.org/e","valueString":"a\"b<c>&\nd"}],"birthDate":"2020-01-02","_birthDate":{"id":"b"},"deceasedBoolean":false}"#.utf8))
        let text = String(decoding: patient.xml(), as: UTF8.self)
        #expect(text == #"<?xml version="1.0" encoding="UTF-8"?><Patient xmlns="http://hl7.org/fhir"><id value="p1"/><extension url="http://x.org/e"><valueString value="a&quot;b&lt;c&gt;&amp;&#10;d"/></extension><birthDate id="b" value="2020-01-02"/><deceasedBoolean value="false"/></Patient>"#)
        #expect(try Element(xml: patient.xml()) == patient)
    }
}
