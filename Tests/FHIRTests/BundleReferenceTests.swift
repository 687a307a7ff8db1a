import Foundation
@testable import FHIR
import Testing

/// References between the entries of a Bundle, resolved by the fullUrl rules.
@Suite("Bundle references")
struct BundleReferenceTests {
    func issues(_ text: String) -> [String] {
        Validator().validate(json: Array(text.utf8)).issues.filter { $0.severity >= .warning }.map { "\($0.severity) \($0.expression)" }
    }

    /// A document: a Composition whose subject is `reference`, then `entries`.
    func document(subject reference: String, compositionURL: String = "http://a.org/fhir/Composition/c", _ entries: String) -> String {
        #"{"resourceType":"Bundle","type":"document","identifier":{"system":"http://a.org/ids","value":"1"},"timestamp":"2024-01-01T00:00:00Z","entry":["#
            + #"{"fullUrl":""# + compositionURL + #"","resource":{"resourceType":"Composition","id":"c","status":"final","type":{"text":"x"},"date":"2024-01-01","author":[{"display":"A"}],"title":"T","subject":{"reference":""# + reference + #""}}}"#
            + entries + "]}"
    }

    func patient(_ fullUrl: String, id: String? = "p", version: String? = nil) -> String {
        let meta = version.map { #","meta":{"versionId":""# + $0 + #""}"# } ?? ""
        return #",{"fullUrl":""# + fullUrl + #"","resource":{"resourceType":"Patient""# + (id.map { #","id":""# + $0 + #"""# } ?? "") + meta + "}}"
    }

    @Test("a relative reference resolves against the base of the referring entry's fullUrl")
    func relative() {
        #expect(issues(document(subject: "Patient/p", patient("http://a.org/fhir/Patient/p"))).isEmpty)
        #expect(issues(document(subject: "http://b.org/Patient/p", patient("http://b.org/Patient/p"))).isEmpty)
        // The same type and id under another base: the document's Composition cannot find it.
        #expect(issues(document(subject: "Patient/p", patient("http://b.org/fhir/Patient/p"))) == ["error Bundle.entry[0].resource.subject[0]"])
        #expect(issues(document(subject: "Patient/p", compositionURL: "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0",
                                patient("urn:uuid:9f4d0e7c-3a35-4a36-9a77-0a1d64c7b5a1"))) == ["error Bundle.entry[0].resource.subject[0]"])
        // A reference to nothing in the Bundle may point outside it.
        #expect(issues(document(subject: "Patient/q", patient("http://a.org/fhir/Patient/p"))).isEmpty)
    }

    @Test("a reference matching several entries is an error; a version picks by meta.versionId")
    func versions() {
        let two = patient("http://a.org/fhir/Patient/p", version: "1") + patient("http://a.org/fhir/Patient/p", version: "2")
        #expect(issues(document(subject: "Patient/p", two)).contains("error Bundle.entry[0].resource.subject[0]"))
        #expect(!issues(document(subject: "Patient/p/_history/2", two)).contains("error Bundle.entry[0].resource.subject[0]"))
        #expect(issues(document(subject: "Patient/p/_history/3", two)).contains("error Bundle.entry[0].resource.subject[0]"))
    }

    @Test("a RESTful fullUrl needs a resource with an id")
    func restfulFullURL() {
        #expect(issues(document(subject: "Patient/p", patient("http://a.org/fhir/Patient/p", id: nil))).contains("error Bundle.entry[1]"))
    }

    @Test("search results have ids, except an OperationOutcome about the search; mode outcome is an OperationOutcome")
    func searchOutcomes() {
        func searchset(_ entry: String) -> String {
            #"{"resourceType":"Bundle","type":"searchset","entry":["# + entry + "]}"
        }
        #expect(issues(searchset(#"{"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0","resource":{"resourceType":"Patient"},"search":{"mode":"match"}}"#))
            == ["error Bundle.entry[0].resource"])
        #expect(issues(searchset(#"{"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0","resource":{"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational"}]}}"#)).isEmpty)
        #expect(issues(searchset(#"{"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0","resource":{"resourceType":"Patient","id":"1"},"search":{"mode":"outcome"}}"#))
            == ["error Bundle.entry[0].search.mode"])
    }

    @Test("entries need fullUrls outside transactions; a RESTful fullUrl ends in its resource's type and id")
    func fullUrls() {
        let entry = #"{"resource":{"resourceType":"Patient","id":"p"}}"#
        #expect(issues(#"{"resourceType":"Bundle","type":"collection","entry":["# + entry + "]}") == ["error Bundle.entry[0]"])
        #expect(issues(#"{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}}]}"#).isEmpty)
        #expect(issues(#"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://a.org/Patient/p","resource":{"resourceType":"Observation","id":"p","status":"final","code":{"text":"x"}}}]}"#)
            == ["error Bundle.entry[0].fullUrl"])
    }

    @Test("%rootResource of an entry is the entry's resource: its local references find its contained resources")
    func entryRoot() {
        let observation = ##"{"resourceType":"Observation","id":"o","contained":[{"resourceType":"Patient","id":"p1"}],"status":"final","code":{"text":"x"},"subject":{"reference":"#p1"}}"##
        let bundle = #"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://a.org/Observation/o","resource":"# + observation + "}]}"
        #expect(Validator.standard().validate(json: Array(bundle.utf8)).errors.isEmpty)
    }

    @Test("RESTful parts and relative references are split on bytes as split(separator:) splits them", arguments: [
        "http://a.org/fhir/Patient/1", "https://a.org/Patient/1", "http://a.org/Patient/", "http://a.org/patient/1", "http://a/b/Patient/1/",
        "http://Patient/1", "http://a.org//Patient/1", "http://a.org/fhir/Patient/1/_history/2", "http://ví.dụ/fhir/Patient/1", "urn:uuid:1",
        "Patient/1", "/Patient/1", "Patient//1", "Patient/1/", "Patient", "", "/", "a/b/c", "Bệnh/nhân",
    ])
    func bytesSplitAsCharacters(text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let expected: (String, String, String)? =
            (text.hasPrefix("http://") || text.hasPrefix("https://")) && parts.count >= 5 && parts[parts.count - 2].first?.isUppercase == true
                && !parts[parts.count - 1].isEmpty
            ? (parts.dropLast(2).joined(separator: "/"), String(parts[parts.count - 2]), String(parts[parts.count - 1])) : nil
        let found = Validator.Walk.restfulParts(text)
        #expect(found?.base == expected?.0 && found?.type == expected?.1 && found?.id == expected?.2)
        #expect(Validator.Walk.segmentCount(text) == text.split(separator: "/").count)
    }
}
