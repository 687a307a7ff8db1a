@testable import FHIR
import Foundation
import Testing

@Suite("FHIRPath: the Bundle index of resolve() and expressions independent of their input")
struct FHIRPathBundleIndexTests {
    typealias T = FHIRPathTesting

    /// Entries that the three ways of matching a reference (fullUrl, the `Type/id` a fullUrl ends
    /// with, the resource's type and id) find in different orders, with duplicates; each
    /// resource has its own `language`, so which entry was found shows.
    static let bundle: Element = {
        let json = #"""
            {"resourceType":"Bundle","type":"collection","entry":[\#
            {"resource":{"resourceType":"Patient","id":"1","language":"e0"}},\#
            {"fullUrl":"http://example.org/fhir/Patient/1","resource":{"resourceType":"Patient","id":"9","language":"e1"}},\#
            {"fullUrl":"http://example.org/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1","language":"e2"}},\#
            {"fullUrl":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a","resource":{"resourceType":"Practitioner","id":"d","language":"e3"}},\#
            {"fullUrl":"http://other.org/Practitioner/d","resource":{"resourceType":"Organization","id":"o","language":"e4"}},\#
            {"fullUrl":"Organization/o","resource":{"resourceType":"Organization","id":"x","language":"e5"}},\#
            {"fullUrl":"http://example.org/fhir/Organization/o/","resource":{"resourceType":"Location","id":"l","language":"e6"}},\#
            {"fullUrl":"http://example.org/fhir/Location/l"},\#
            {"fullUrl":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a","resource":{"resourceType":"Practitioner","id":"e","language":"e7"}},\#
            {"resource":{"resourceType":"Location","id":"l","language":"e8"}},\#
            {"resource":{"resourceType":"Device","id":"a/b","language":"e9"}}]}
            """#
        do { return try Element(json: Array(json.utf8)) } catch { preconditionFailure("\(error)") }
    }()

    static let references = [
        "Patient/1", "http://example.org/fhir/Patient/1", "http://example.org/fhir/Patient/1/_history/2", "Patient/9",
        "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a", "Practitioner/d", "Practitioner/e", "http://other.org/Practitioner/d",
        "http://nowhere.org/Practitioner/d", "Organization/o", "Organization/x", "fhir/Organization/o", "Location/l", "Device/a/b",
        "a/b", "Device/b", "Patient", "Patient/", "/Patient/1", "Patient//1", "#", "#x", "",
    ]

    @Test("with the index, resolve() finds the entries the scan finds")
    func sameAsScan() throws {
        let scanning = FHIRPathEnvironment(resource: Self.bundle)
        var indexed = scanning
        indexed.indexBundles()
        #expect(indexed.bundleIndex != nil && scanning.bundleIndex == nil)
        var found: [String] = []
        for reference in Self.references {
            let expression = "'\(reference)'.resolve().language"
            let scanned = try T.texts(expression, on: Self.bundle, environment: scanning)
            #expect(try T.texts(expression, on: Self.bundle, environment: indexed) == scanned, "\(reference)")
            found += scanned
        }
        // The references find entries, several of them not the first with a matching fullUrl.
        #expect(Set(found) == ["e0", "e1", "e3", "e4", "e5", "e6", "e7"])
    }

    @Test("a reference's type and id as split(separator:) gives them, and /_history/ found by its bytes")
    func referenceParts() {
        for text in Self.references + ["a", "/", "//", "a//", "//b", "x/y/", "é/Patient/1", "Patient/é", "Pa/tiént/", "a/b/c/d", "http://h/T/i/_history/3"] {
            let parts = text.split(separator: "/")
            let split = parts.count >= 2 ? [String(parts[parts.count - 2]), String(parts[parts.count - 1])] : []
            let found = FHIRPathEvaluator.lastTwoParts(of: text).map { [$0.0, $0.1] } ?? []
            #expect(found == split, "\(text)")
            #expect(ByteScan.contains(text, "/_history/") == (text.range(of: "/_history/") != nil), "\(text)")
        }
    }

    @Test("setting the resource drops the index")
    func indexDropped() throws {
        var environment = FHIRPathEnvironment(resource: Self.bundle)
        environment.indexBundles()
        let other = try Element(json: Array(#"""
            {"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"1","language":"other"}}]}
            """#.utf8))
        environment.resource = other
        #expect(environment.bundleIndex == nil)
        #expect(try T.texts("'Patient/1'.resolve().language", on: other, environment: environment) == ["other"])
        // No resource: nothing to index (the input is %resource).
        var empty = FHIRPathEnvironment()
        empty.indexBundles()
        #expect(empty.bundleIndex == nil)
    }

    @Test("which expressions depend only on the environment")
    func independentOfInput() throws {
        let bare = FHIRPathEnvironment()
        let withResource = FHIRPathEnvironment(resource: Self.bundle, context: Self.bundle)
        let cases: [(String, Bool, Bool)] = [
            // expression, independent without %resource/%context set, with them set
            ("%patient.name.first().family", true, true),
            ("%bundle.entry.resource.ofType(Condition).where(code.exists()).first()", true, true),
            ("%coverages.identifier.where(system = 'x' and $index = 0).value.substring(2, 1)", true, true),
            ("%xs.select($this.value)", true, true),
            ("%xs.exists(value = 1)", true, true),
            ("'a' & 'b'", true, true),
            ("%encounter.diagnosis.condition.resolve().code", false, true),
            ("%resource.id", false, true),
            ("%context.id", false, true),
            ("name.family", false, false),
            ("$this", false, false),
            ("%xs.where(value = %ys.first())", true, true),
            ("%xs.where(value = %context.id)", false, true),
            ("%xs.substring(value)", false, false),
            ("%xs.select($total)", false, false),
            ("%xs.aggregate($this + $total, 0)", false, false),
            ("%xs.trace('t')", false, false),
            ("%xs.where(now() > value)", false, false),
            ("today()", false, false),
            ("%xs.iif(value.exists(), 1, 2)", false, false),
            ("%xs.ofType(Patient)", true, true),
            ("%xs[%ys.count() - 1]", true, true),
            ("-%xs.value", true, true),
            ("exists()", false, false),
        ]
        for (expression, bareValue, setValue) in cases {
            let path = try FHIRPath(expression)
            #expect(path.isIndependentOfInput(in: bare) == bareValue, "\(expression)")
            #expect(path.isIndependentOfInput(in: withResource) == setValue, "\(expression)")
        }
    }

    @Test("an independent expression gives the same value on any input")
    func independentValues() throws {
        let entries = Self.bundle.children(named: "entry").compactMap { $0.child(named: "resource") }
        var environment = FHIRPathEnvironment(resource: Self.bundle, variables: ["xs": entries.map { .element($0) }])
        environment.indexBundles()
        for expression in [
            "%xs.where(id = 'l').language", "%xs.select(id & language).first()", "%resource.entry.fullUrl.count()",
            "%xs.ofType(Patient).exists(language = 'e2')", "'Patient/1'.resolve().language",
        ] {
            let path = try FHIRPath(expression)
            #expect(path.isIndependentOfInput(in: environment), "\(expression)")
            let values = try entries.map { try path.evaluate($0, environment: environment) }
            #expect(!values[0].isEmpty, "\(expression)")
            #expect(values.allSatisfy { $0 == values[0] }, "\(expression)")
        }
    }
}
