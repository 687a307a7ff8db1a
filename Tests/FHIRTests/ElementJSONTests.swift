@testable import FHIR
import Testing

@Suite("FHIR JSON")
struct ElementJSONTests {
    func read(_ text: String) throws(FormatError) -> Element {
        try Element(json: Array(text.utf8))
    }

    func errors(_ text: String) throws -> [FormatError] {
        try Element.read(json: Array(text.utf8)).1
    }

    @Test("decimals keep their text, choice types and primitive extensions are read and written back")
    func details() throws {
        let text = #"""
            {"resourceType":"Observation","status":"final","code":{"text":"weight"},\#
            "valueQuantity":{"value":1.50,"unit":"kg"},\#
            "_status":{"extension":[{"url":"http://example.org/x","valueString":"y"}]}}
            """#
        let observation = try read(text)
        let value = try #require(observation.child(named: "value"))
        #expect(value.type == "Quantity")
        #expect(value.child(named: "value")?.value == .number("1.50"))
        let status = try #require(observation.child(named: "status"))
        #expect(status.value == .string("final"))
        #expect(status.child(named: "extension")?.child(named: "value")?.type == "string")
        // Written back in definition order (status before code before value), exactly.
        let written = String(decoding: observation.json(), as: UTF8.self)
        #expect(written == #"{"resourceType":"Observation","status":"final","_status":{"extension":[{"url":"http://example.org/x","valueString":"y"}]},"code":{"text":"weight"},"valueQuantity":{"value":1.50,"unit":"kg"}}"#)
        #expect(try Element(json: observation.json()) == observation)
    }

    @Test("a primitive array with extensions on some items uses null in both arrays")
    func primitiveArrays() throws {
        let text = #"{"resourceType":"Patient","name":[{"given":["An",null],"_given":[null,{"id":"g2"}]}]}"#
        let patient = try read(text)
        let given = patient.child(named: "name")?.children(named: "given") ?? []
        #expect(given.map(\.value) == [.string("An"), nil])
        #expect(given[1].child(named: "id")?.value == .string("g2"))
        #expect(String(decoding: patient.json(), as: UTF8.self) == text)
        // A null with nothing in the '_' array is an error.
        let lonely = try errors(#"{"resourceType":"Patient","name":[{"given":["An",null]}]}"#)
        #expect(lonely.map(\.code) == [.emptyValue])
        #expect(lonely.map(\.path) == ["Patient.name[0].given"])
    }

    @Test("each format error names its element: in a nested resource, an item of a repeating element, a '_' object")
    func errorPaths() throws {
        let text = #"""
            {"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient",\#
            "name":[{"given":["a","b"],"_given":[null,5]},{"family":["x"]}],"contact":[{"name":{"_family":[{}]}}]}},\#
            {"resource":{"resourceType":"Observation","code":{"text":""},"component":{}}},{"resource":{"resourceType":"Nope"}}]}
            """#
        #expect(try errors(text).map(\.path) == [
            "Bundle.entry[0].resource.name[0].given[1]", "Bundle.entry[0].resource.name[1].family",
            "Bundle.entry[0].resource.contact[0].name.family", "Bundle.entry[1].resource.code.text",
            "Bundle.entry[1].resource.component", "Bundle.entry[1].resource.component", "Bundle.entry[2].resource",
        ])
        // Before the root's type is known there is no path.
        #expect(try errors(#"{"resourceType":7}"#).map(\.path) == [nil])
    }

    @Test("contained resources and Bundle entries are resources of their own type")
    func nestedResources() throws {
        let text = #"""
            {"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p",\#
            "contained":[{"resourceType":"Organization","id":"o","name":"BV"}],"managingOrganization":{"reference":"#o"}}}]}
            """#
        let bundle = try read(text)
        let patient = try #require(bundle.child(named: "entry")?.child(named: "resource"))
        #expect(patient.type == "Patient")
        #expect(patient.child(named: "contained")?.type == "Organization")
        #expect(String(decoding: bundle.json(), as: UTF8.self) == text)
    }

    @Test("unknown elements, wrong JSON types and wrong cardinality are errors with their location")
    func problems() throws {
        let text = """
            {
              "resourceType": "Patient",
              "nickname": "x",
              "active": "true",
              "gender": ["male"],
              "name": {"family": "A"},
              "birthDate": 2020,
              "deceasedBoolean": false,
              "deceasedDateTime": "2020"
            }
            """
        let found = try errors(text)
        let summary = found.map { "\($0.code) \($0.path ?? "") \($0.position?.line ?? 0)" }
        #expect(summary == [
            "unknown-element Patient 3",
            "wrong-type Patient.active 4",
            "wrong-cardinality Patient.gender 5",
            "wrong-cardinality Patient.name 6",
            "wrong-type Patient.birthDate 7",
            "duplicate-element Patient 9",
        ])
        #expect(found[0].message.contains("nickname"))
        #expect(throws: FormatError.self) { _ = try read(text) }
    }

    @Test("a resource needs a known, concrete resourceType")
    func resourceType() throws {
        #expect(try errors(#"{"id":"x"}"#).map(\.code) == [.unknownResourceType])
        #expect(try errors(#"{"resourceType":"Patientt"}"#).map(\.code) == [.unknownResourceType])
        #expect(try errors(#"{"resourceType":"DomainResource"}"#).map(\.code) == [.unknownResourceType])
        #expect(try errors(#"{"resourceType":"Patient","contained":[{"id":"x"}]}"#).map(\.path) == ["Patient.contained[0]"])
    }

    @Test("every R4 JSON example reads without errors and round-trips losslessly")
    func corpusRoundTrip() throws {
        let files = Corpus.files(in: "fhir/fhir-test-cases/r4/examples", extension: "json")
        #expect(files.count > 40)
        for file in files {
            let bytes = try Corpus.bytes(file)
            let (element, problems) = try Element.read(json: bytes)
            #expect(problems.isEmpty, "\(file): \(problems.prefix(3))")
            guard let element else { continue }
            let written = element.json()
            #expect(try Element(json: written) == element, "\(file)")
            // Same content as the input, whatever the member order: compare untyped trees.
            let input = try JSONDocument(parsing: bytes)
            let output = try JSONDocument(parsing: written)
            #expect(
                Self.normalized(Element(untyped: input, at: 0, name: "")) == Self.normalized(Element(untyped: output, at: 0, name: "")),
                "\(file)")
        }
    }

    /// Children sorted by name (stable), recursively, positions dropped.
    static func normalized(_ element: Element) -> Element {
        var copy = element
        copy.position = nil
        copy.children = element.children.enumerated()
            .sorted { ($0.element.name, $0.offset) < ($1.element.name, $1.offset) }
            .map { normalized($0.element) }
        return copy
    }
}
