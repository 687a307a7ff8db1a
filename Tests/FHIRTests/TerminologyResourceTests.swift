import Foundation
@testable import FHIR
import Testing

/// The rules of CodeSystem and ValueSet resources beyond their definitions, and of codes and
/// identifiers that name them.
@Suite("Terminology resources")
struct TerminologyResourceTests {
    func errors(_ text: String, definitions: Definitions = .r4) -> [String] {
        Validator(definitions: definitions).validate(json: Array(text.utf8)).errors.map(\.expression)
    }

    func codeSystem(_ members: String) -> String {
        #"{"resourceType":"CodeSystem","url":"http://example.org/cs","status":"active","# + members + "}"
    }

    @Test("concepts only when content is present; a supplement's content; properties declared once and used with their type")
    func codeSystems() {
        #expect(errors(codeSystem(#""content":"complete","concept":[{"code":"a"}]"#)).isEmpty)
        #expect(errors(codeSystem(#""content":"not-present","concept":[{"code":"a"}]"#)) == ["CodeSystem.concept[0]"])
        #expect(errors(codeSystem(#""content":"complete","supplements":"http://loinc.org","concept":[{"code":"a"}]"#)) == ["CodeSystem.content"])
        let properties = #""content":"complete","property":[{"code":"p","type":"boolean"},{"code":"p","type":"code"}],"concept":[{"code":"a","property":[{"code":"p","valueString":"x"}]}]"#
        #expect(errors(codeSystem(properties)) == ["CodeSystem.property[1]", "CodeSystem.concept[0].property[0]"])
    }

    @Test("a value set includes absolute systems; a filter on a Coding property names system#code of a known code")
    func valueSets() throws {
        let filtered = codeSystem(#""content":"complete","property":[{"code":"parent","type":"Coding"}],"concept":[{"code":"a"}]"#)
        let definitions = Definitions.r4.adding(resources: [try Element.untyped(json: Array(filtered.utf8))])
        func valueSet(_ include: String) -> String {
            #"{"resourceType":"ValueSet","status":"active","compose":{"include":["# + include + "]}}"
        }
        #expect(errors(valueSet(##"{"system":"#cs1"}"##)) == ["ValueSet.compose.include[0]"])
        #expect(errors(valueSet(#"{"system":"http://example.org/cs","filter":[{"property":"notSelectable","op":"=","value":"1"}]}"#)) == ["ValueSet.compose.include[0].filter[0]"])
        #expect(errors(valueSet(#"{"system":"http://example.org/cs","filter":[{"property":"notSelectable","op":"=","value":"false"}]}"#)).isEmpty)
        #expect(errors(valueSet(#"{"system":"http://example.org/cs","filter":[{"property":"parent","op":"=","value":"http://example.org/cs#a"}]}"#), definitions: definitions).isEmpty)
        #expect(errors(valueSet(#"{"system":"http://example.org/cs","filter":[{"property":"parent","op":"=","value":"a"}]}"#), definitions: definitions)
            == ["ValueSet.compose.include[0].filter[0]"])
        #expect(errors(valueSet(#"{"system":"http://example.org/cs","filter":[{"property":"parent","op":"=","value":"http://example.org/cs#z"}]}"#), definitions: definitions)
            == ["ValueSet.compose.include[0].filter[0]"])
    }

    @Test("a supplement is not a Coding's system; URI identifiers are URIs; UUIDs are lowercase")
    func systemsAndIdentifiers() throws {
        let supplement = codeSystem(#""content":"supplement","supplements":"http://loinc.org","concept":[{"code":"a"}]"#)
        let definitions = Definitions.r4.adding(resources: [try Element.untyped(json: Array(supplement.utf8))])
        #expect(errors(#"{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://example.org/cs","code":"a"}]}}"#, definitions: definitions)
            == ["Observation.code.coding[0].system"])
        #expect(errors(#"{"resourceType":"Patient","identifier":[{"system":"urn:ietf:rfc:3986","value":"2.16.840.1"}]}"#) == ["Patient.identifier[0].value"])
        #expect(errors(#"{"resourceType":"Patient","identifier":[{"system":"urn:ietf:rfc:3986","value":"urn:oid:2.16.840.1"}]}"#).isEmpty)
        #expect(errors(codeSystem(#""content":"complete","identifier":[{"system":"urn:ietf:rfc:3986","value":"urn:uuid:68d043b5-9ecf-4559-a57a-396e0d452311"}]"#)).isEmpty)
        #expect(errors(#"{"resourceType":"ValueSet","status":"active","url":"urn:uuid:68D043B5-9ECF-4559-A57A-396E0D452311"}"#) == ["ValueSet.url"])
        #expect(errors(#"{"resourceType":"ValueSet","status":"active","url":"urn:uuid:68d043b5-9ecf-4559-a57a-396e0d4523"}"#) == ["ValueSet.url"])
    }

    @Test("extensions have absolute URLs except inside extensions; a required code needs a value; values are not empty")
    func urlsCodesAndEmptyValues() throws {
        #expect(errors(#"{"resourceType":"Patient","extension":[{"url":"nickname","valueString":"x"}]}"#) == ["Patient.extension[0]"])
        #expect(errors(#"{"resourceType":"Patient","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-nationality","extension":[{"url":"code","valueCodeableConcept":{"text":"VN"}}]}]}"#).isEmpty)
        #expect(errors(#"{"resourceType":"Patient","_gender":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]}}"#)
            == ["Patient.gender"])
        let xml = #"<Patient xmlns="http://hl7.org/fhir"><name><family value=""/></name></Patient>"#
        #expect(Validator().validate(xml: Array(xml.utf8)).errors.map(\.expression) == ["Patient.name[0].family"])
    }

    @Test("value set filter expressions: FHIRPath, compiled, naming declared parameters only")
    func filterExpressions() {
        func valueSet(language: String = "text/fhirpath", _ expression: String) -> String {
            #"{"resourceType":"ValueSet","status":"active","extension":[{"url":"http://hl7.org/fhir/tools/StructureDefinition/valueset-parameter","extension":[{"url":"name","valueCode":"p-inactive"}]}],"#
                + #""compose":{"include":[{"system":"http://snomed.info/sct","filter":[{"property":"inactive","op":"=","_value":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/cqf-expression","valueExpression":{"language":""#
                + language + #"","expression":""# + expression + #""}}]}}]}]}}"#
        }
        #expect(errors(valueSet("%p-inactive")).isEmpty)
        #expect(errors(valueSet("%p-other")) == ["ValueSet.compose.include[0].filter[0]"])
        #expect(errors(valueSet(language: "text/cql", "%p-inactive")) == ["ValueSet.compose.include[0].filter[0]"])
        #expect(errors(valueSet("$ and %p-inactive")) == ["ValueSet.compose.include[0].filter[0]"])
    }

    @Test("a ConceptMap's source codes are in its source value set; composite search parameters have components; logical types have namespaces; type profiles are of their type")
    func conformanceResources() throws {
        let valueSet = #"{"resourceType":"ValueSet","url":"http://example.org/vs","status":"active","expansion":{"timestamp":"2024-01-01","contains":[{"system":"http://example.org/cs","code":"a"}]}}"#
        let definitions = Definitions.r4.adding(resources: [try Element.untyped(json: Array(valueSet.utf8))])
        func conceptMap(_ code: String) -> String {
            #"{"resourceType":"ConceptMap","status":"active","sourceCanonical":"http://example.org/vs","group":[{"source":"http://example.org/cs","element":[{"code":""# + code + #"","target":[{"code":"x","equivalence":"equivalent"}]}]}]}"#
        }
        #expect(errors(conceptMap("a"), definitions: definitions).isEmpty)
        #expect(errors(conceptMap("b"), definitions: definitions) == ["ConceptMap.group[0].element[0].code"])
        let parameter = #"{"resourceType":"SearchParameter","url":"http://example.org/sp","name":"x","status":"active","description":"x","code":"x","base":["Patient"],"type":"composite","expression":"Patient","component":[{"definition":"http://example.org/sp1","expression":"name"}]}"#
        #expect(errors(parameter) == ["SearchParameter"])
        func logical(_ type: String) -> String {
            #"{"resourceType":"StructureDefinition","url":"http://example.org/sd/m","name":"M","status":"draft","kind":"logical","abstract":false,"type":""# + type + #"","differential":{"element":[{"path":""# + type + #""}]}}"#
        }
        #expect(errors(logical("http://example.org/sd/m")).isEmpty)
        #expect(errors(logical("Boo")) == ["StructureDefinition.type"])
        func profile(_ typeProfile: String) -> String {
            #"{"resourceType":"StructureDefinition","url":"http://example.org/sd/o","name":"O","status":"draft","kind":"resource","abstract":false,"type":"Observation","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation","derivation":"constraint","differential":{"element":[{"id":"Observation.value[x]","path":"Observation.value[x]","type":[{"code":"Quantity","profile":[""# + typeProfile + #""]}]}]}}"#
        }
        #expect(errors(profile("http://hl7.org/fhir/StructureDefinition/SimpleQuantity")).isEmpty)
        #expect(errors(profile("http://hl7.org/fhir/StructureDefinition/Count")) == ["StructureDefinition.differential.element[0].type[0].profile[0]"])
    }

    @Test("a profile keeps the fixed values of its base: an extension derived from another cannot fix another url")
    func fixedValuesOfTheBase() throws {
        func ext(_ name: String, base: String) -> String {
            #"{"resourceType":"StructureDefinition","url":"http://example.org/sd/"# + name + #"","name":"E","status":"draft","kind":"complex-type","abstract":false,"context":[{"type":"element","expression":"Element"}],"type":"Extension","baseDefinition":""# + base + #"","derivation":"constraint","differential":{"element":[{"id":"Extension.url","path":"Extension.url","fixedUri":"http://example.org/sd/"# + name + #""},{"id":"Extension.value[x]","path":"Extension.value[x]","type":[{"code":"string"}]}]}}"#
        }
        let definitions = Definitions.r4.adding(resources: [try Element.untyped(json: Array(ext("base", base: "http://hl7.org/fhir/StructureDefinition/Extension").utf8))])
        #expect(errors(ext("base", base: "http://hl7.org/fhir/StructureDefinition/Extension"), definitions: definitions).isEmpty)
        #expect(errors(ext("derived", base: "http://example.org/sd/base"), definitions: definitions) == ["StructureDefinition.differential.element[0].fixed"])
    }
}
