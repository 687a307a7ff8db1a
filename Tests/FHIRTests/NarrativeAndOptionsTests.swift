import Foundation
@testable import FHIR
import Testing

/// The narrative rules (`txt-1`, `txt-2`, XML entities) and the option-dependent checks.
@Suite("Narrative and options")
struct NarrativeAndOptionsTests {
    func issues(_ text: String, options: Validator.Options = Validator.Options()) -> [String] {
        var validator = Validator()
        validator.options = options
        return validator.validate(json: Array(text.utf8)).issues.map { "\($0.severity) \($0.expression) \($0.constraintKey ?? "")" }
    }

    func patient(div: String) -> String {
        #"{"resourceType":"Patient","text":{"status":"generated","div":""# + div + #""}}"#
    }

    @Test("a narrative has content, no forbidden elements, only XML entities and links a browser can follow")
    func narrative() {
        #expect(issues(patient(div: #"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Jim &amp; Jo &#160;</p></div>"#)).isEmpty)
        #expect(issues(patient(div: #"<div xmlns=\"http://www.w3.org/1999/xhtml\"><img src=\"a.png\"/></div>"#)).isEmpty)
        #expect(issues(patient(div: #"<div xmlns=\"http://www.w3.org/1999/xhtml\">  <p> </p> </div>"#)) == ["error Patient.text.div txt-2"])
        #expect(issues(patient(div: #"<div xmlns=\"http://www.w3.org/1999/xhtml\">x<script>alert(1)</script></div>"#))
            == ["error Patient.text.div ", "error Patient.text.div txt-1"])
        #expect(issues(patient(div: #"<div xmlns=\"http://www.w3.org/1999/xhtml\">&reg; 2024</div>"#)) == ["error Patient.text.div "])
        #expect(issues(patient(div: #"<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0\">x</a></div>"#))
            == ["error Patient.text.div "])
        // A '>' inside an attribute value is not the end of the tag.
        #expect(issues(patient(div: ##"<div xmlns=\"http://www.w3.org/1999/xhtml\"><a title=\"a>b\" href=\"#x\">x</a></div>"##)).isEmpty)
    }

    @Test("a profile's narrative-language-control forbids (_no) or requires (_yes) language sections: divs with lang directly in the root div")
    func narrativeLanguageControl() throws {
        func profile(_ control: String) throws -> Element {
            let text = #"{"resourceType":"StructureDefinition","url":"http://x.org/sd/lang-"# + control + #"","name":"Lang","status":"draft","kind":"resource","abstract":false,"type":"Patient","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","differential":{"element":[{"id":"Patient.text","path":"Patient.text","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/narrative-language-control","valueCode":""# + control + #""}]}]}}"#
            return try Element.untyped(json: Array(text.utf8))
        }
        let validator = Validator(definitions: Definitions.r4.adding(resources: [try profile("_no"), try profile("_yes")]))
        func errors(_ div: String, _ control: String) -> [String] {
            validator.validate(json: Array(patient(div: div).utf8), profiles: ["http://x.org/sd/lang-" + control]).errors.map(\.expression)
        }
        let sections = #"<div xmlns=\"http://www.w3.org/1999/xhtml\"><div lang=\"en\" xml:lang=\"en\">Hi</div><div xml:lang='de'>Hallo</div></div>"#
        let nested = #"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>x<br/></p><p><span lang=\"en\">inner</span></p><div><div lang=\"de\">deeper</div></div></div>"#
        #expect(errors(sections, "_no") == ["Patient.text.div"])
        #expect(errors(sections, "_yes").isEmpty)
        #expect(errors(nested, "_no").isEmpty)
        #expect(errors(nested, "_yes") == ["Patient.text.div"])
        #expect(NarrativeLanguageSections(sections.replacingOccurrences(of: "\\\"", with: "\"")).languages == ["en", "de"])
    }

    @Test("contained resources are validated, and referenced (dom-3), unless the option leaves them out")
    func containedResources() {
        let id = String(repeating: "1", count: 65)
        let condition = #"{"resourceType":"Condition","subject":{"reference":"Patient/1"},"contained":[{"resourceType":"Practitioner","id":""# + id + #""}]}"#
        let validator = Validator.standard()
        #expect(validator.validate(json: Array(condition.utf8)).errors.map { $0.constraintKey ?? $0.expression }
            == ["Condition.contained[0].id", "dom-3"])
        var ignoring = validator
        ignoring.options.validatesContainedResources = false
        #expect(ignoring.validate(json: Array(condition.utf8)).errors.isEmpty)
    }

    @Test("HTML in strings is information, an error with security checks; in markdown a warning, an error when not allowed")
    func html() {
        let name = #"{"resourceType":"Patient","name":[{"text":"Jim <script>x</script>"}]}"#
        #expect(issues(name) == ["information Patient.name[0].text "])
        var secure = Validator.Options()
        secure.securityChecks = true
        #expect(issues(name, options: secure) == ["error Patient.name[0].text "])
        #expect(issues(#"{"resourceType":"Patient","name":[{"text":"a < b > c"}]}"#, options: secure).isEmpty)
        let note = #"{"resourceType":"Communication","status":"completed","note":[{"text":"see <resource type>"}]}"#
        #expect(issues(note) == ["warning Communication.note[0].text "])
        var strict = Validator.Options()
        strict.allowsHTMLInMarkdown = false
        #expect(issues(note, options: strict) == ["error Communication.note[0].text "])
    }

    @Test("example URLs are errors, and example extensions unknown, when examples are not allowed")
    func exampleURLs() {
        let text = #"{"resourceType":"Patient","extension":[{"url":"http://example.org/fhir/ext","valueString":"x"}],"photo":[{"url":"http://repository.example.org/photo/1"}]}"#
        #expect(issues(text).isEmpty)
        var production = Validator.Options()
        production.allowsExampleURLs = false
        #expect(issues(text, options: production) == ["error Patient.extension[0] ", "error Patient.extension[0].url ", "error Patient.photo[0].url "])
    }
}
