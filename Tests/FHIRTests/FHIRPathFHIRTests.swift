@testable import FHIR
import Foundation
import Synchronization
import Testing

@Suite("FHIRPath on FHIR resources")
struct FHIRPathFHIRTests {
    typealias T = FHIRPathTesting

    static func read(_ json: String) throws -> Element {
        try Element(json: Array(json.utf8))
    }

    @Test("navigation, choice elements and primitives converted when compared")
    func navigation() throws {
        let patient = T.patient
        try FHIRPathFunctionTests.check([
            ("Patient.name.given", ["Peter", "James", "Jim", "Peter", "James"]),
            ("name.where(use = 'official').family", ["Chalmers"]),
            ("Patient.telecom.where(system = 'phone').count()", ["3"]),
            ("telecom.rank.where($this > 1)", ["2"]),
            ("birthDate = @1974-12-25", ["true"]), ("birthDate < @1975", ["true"]), ("birthDate > @1974", []),
            ("birthDate = '1974-12-25'", ["true"]), ("deceased = false", ["true"]), ("active and deceased.not()", ["true"]),
            ("birthDate.hasValue()", ["true"]), ("name.hasValue()", ["false"]), ("birthDate.getValue() = @1974-12-25", ["true"]),
            ("birthDate.extension('http://hl7.org/fhir/StructureDefinition/patient-birthTime').value = @1974-12-25T19:35:45Z", ["true"]),
            ("birthDate.startsWith('1974-12')", ["true"]), ("telecom.rank.first().toString().length()", ["1"]),
            ("birthDate.extension.url", ["http://hl7.org/fhir/StructureDefinition/patient-birthTime"]),
            ("name.first().given.first() & ' ' & name.first().family", ["Peter Chalmers"]),
            ("Observation.id", []), ("text.div.exists()", ["true"]),
            ("gender.memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')", ["true"]),
            ("gender.memberOf(%vs-administrative-gender)", ["true"]),
            ("'cat'.memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')", ["false"]),
            ("maritalStatus.memberOf('http://hl7.org/fhir/ValueSet/marital-status')", []),
            ("gender.memberOf('http://example.org/unknown')", []),
            ("text.div.htmlChecks()", ["true"]),
            ("conformsTo('http://hl7.org/fhir/StructureDefinition/Patient')", ["true"]),
            ("conformsTo('http://hl7.org/fhir/StructureDefinition/Observation')", ["false"]),
            ("conformsTo('http://example.org/StructureDefinition/my-patient')", []),
        ], on: patient)
        // Primitives stay elements until their value is needed.
        #expect(try T.evaluate("birthDate", on: patient).first?.systemValue == .date(FHIRPathTemporal(year: 1974, month: 12, day: 25)))
        #expect(try T.evaluate("birthDate", on: patient).first?.typeName == "FHIR.date")
    }

    @Test("type operators use FHIR type names and lineage", arguments: [
        ("Patient is DomainResource", true), ("Patient is Resource", true), ("Patient is FHIR.Patient", true),
        ("Patient is Observation", false), ("birthDate is date", true), ("birthDate is FHIR.date", true),
        ("birthDate is dateTime", false), ("birthDate is System.Date", false), ("birthDate is Date", true),
        ("gender is code", true), ("gender is string", true), ("gender is FHIR.string", true), ("name.first() is HumanName", true),
        ("name.first() is Element", true), ("deceased is boolean", true), ("contact.first() is BackboneElement", true),
        ("birthDate.is(date)", true), ("name.first().is(Patient)", false), ("1 is Integer", true), ("1 is System.Integer", true),
        ("1 is FHIR.integer", false), ("1.0 is Decimal", true), ("'a' is String", true), ("@2020 is Date", true),
        ("@2020T is DateTime", true), ("@T10:00 is Time", true), ("(1 'mg') is Quantity", true),
        ("(name.first() as HumanName).family = 'Chalmers'", true), ("(birthDate as dateTime).exists()", false),
        ("children().ofType(HumanName).count() = 3", true), ("descendants().ofType(FHIR.string).count() > 5", true),
        ("name.as(HumanName).count() = 3", true),
    ])
    func types(expression: String, expected: Bool) throws {
        #expect(try T.evaluate(expression, on: T.patient) == [.boolean(expected)], "\(expression)")
    }

    @Test("quantities of FHIR elements, decimals and Age")
    func quantities() throws {
        let observation = try Self.read(#"""
            {"resourceType":"Observation","status":"final","code":{"text":"w"},\#
            "valueQuantity":{"value":72.50,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"},\#
            "referenceRange":[{"low":{"value":60,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"},\#
            "high":{"value":80000,"unit":"g","system":"http://unitsofmeasure.org","code":"g"}}]}
            """#)
        try FHIRPathFunctionTests.check([
            ("Observation.value is Quantity", ["true"]), ("(Observation.value as Quantity).unit", ["kg"]),
            ("value.ofType(Quantity).value", ["72.50"]), ("value.value.toString()", ["72.50"]),
            ("value.value = 72.5", ["true"]), ("value.value ~ 72.5", ["true"]), ("value.value ~ 72.4", ["false"]),
            ("value > 70 'kg'", ["true"]), ("value < 80 'kg'", ["true"]), ("value = 72.5 'kg'", ["true"]),
            ("referenceRange.low <= referenceRange.high", ["true"]), ("referenceRange.high > value", ["true"]),
            ("value.system = %ucum", ["true"]), ("value > 1 'm'", []),
        ], on: observation)
    }

    @Test("resolve() finds contained resources and Bundle entries, else nothing")
    func resolve() throws {
        let patient = try Self.read(#"""
            {"resourceType":"Patient","id":"p","contained":[{"resourceType":"Organization","id":"o","name":"BV"}],\#
            "managingOrganization":{"reference":"#o"},"generalPractitioner":[{"reference":"Practitioner/x"},{"reference":"#nope"}]}
            """#)
        try FHIRPathFunctionTests.check([
            ("managingOrganization.resolve().name", ["BV"]), ("managingOrganization.resolve() is Organization", ["true"]),
            ("generalPractitioner.resolve()", []), ("managingOrganization.reference.resolve().id", ["o"]),
            ("'#'.resolve().id", ["p"]),
        ], on: patient)

        let bundle = try Self.read(#"""
            {"resourceType":"Bundle","type":"collection","entry":[\#
            {"fullUrl":"http://example.org/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1","gender":"female"}},\#
            {"fullUrl":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a","resource":{"resourceType":"Practitioner","id":"d"}},\#
            {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},\#
            "subject":{"reference":"Patient/1"},"performer":[{"reference":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a"},\#
            {"reference":"http://example.org/fhir/Patient/1/_history/2"},{"reference":"Patient/2"}]}}]}
            """#)
        try FHIRPathFunctionTests.check([
            ("entry.resource.ofType(Observation).subject.resolve().gender", ["female"]),
            ("entry.resource.ofType(Observation).performer.resolve().id", ["d", "1"]),
            // Types of resources side by side: the leaf types (nothing derives from them) by name
            // alone, the base types by the lineage, in one filter each and alternating.
            ("entry.resource.ofType(Practitioner).id", ["d"]), ("entry.resource.ofType(DomainResource).count()", ["3"]),
            ("entry.resource.ofType(Resource).count()", ["3"]), ("entry.resource.ofType(Patient).id", ["1"]),
            ("entry.resource.ofType(Bundle).count()", ["0"]), ("entry.resource.where($this is Observation or $this is Patient).count()", ["2"]),
            ("entry.resource.ofType(Observation).code.ofType(Element).count()", ["1"]), ("entry.resource.ofType(Quantity).count()", ["0"]),
        ], on: bundle)
        // From inside the entry, with the Bundle as %rootResource.
        let observation = try #require(bundle.children(named: "entry").last?.child(named: "resource"))
        let environment = FHIRPathEnvironment(resource: observation, rootResource: bundle)
        #expect(try T.texts("subject.resolve().gender", on: observation, environment: environment) == ["female"])
        #expect(try T.texts("subject.resolve().gender", on: observation) == [])
    }

    @Test("environment variables: %resource, %rootResource, %context, user variables")
    func variables() throws {
        let patient = T.patient
        let name = try #require(patient.child(named: "name"))
        var environment = FHIRPathEnvironment(resource: patient, context: name)
        environment.variables["limit"] = [.integer(2)]
        #expect(try T.texts("%resource.gender", on: name, environment: environment) == ["male"])
        #expect(try T.texts("%rootResource.id", on: name, environment: environment) == ["example"])
        #expect(try T.texts("%context.family", on: name, environment: environment) == ["Chalmers"])
        #expect(try T.texts("given.take(%limit)", on: name, environment: environment) == ["Peter", "James"])
        #expect(T.error("%nothing", on: name)?.code == .unknownVariable)
        // Without an environment, the input is %resource and %context.
        #expect(try T.texts("%resource.id | %context.id", on: patient) == ["example"])
    }

    @Test("invariants that the data breaks evaluate to false")
    func brokenInvariants() throws {
        let patient = try Self.read(#"""
            {"resourceType":"Patient","id":"p","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">p</div>"},\#
            "contained":[{"resourceType":"Organization","id":"unused","name":"X"}],\#
            "managingOrganization":{"reference":"#missing"},\#
            "contact":[{"gender":"male"}],\#
            "identifier":[{"period":{"start":"2020-02","end":"2020-01-15"}}],\#
            "extension":[{"url":"http://example.org/x","valueString":"a","extension":[{"url":"y","valueString":"b"}]}]}
            """#)
        var walk = InvariantWalk()
        walk.file = "test"
        walk.walkResource(patient, root: nil)
        let keys = walk.failures.map { String($0.split(separator: " ")[1]) }
        // dom-6: the contained Organization has no narrative.
        #expect(keys.sorted() == ["dom-3", "dom-6", "ext-1", "pat-1", "per-1", "ref-1"], "\(walk.failures)")

        let range = try Self.read(#"""
            {"resourceType":"Observation","status":"final","code":{"text":"w"},"dataAbsentReason":{"text":"n"},\#
            "valueRange":{"low":{"value":5,"code":"mg","system":"http://unitsofmeasure.org"},\#
            "high":{"value":3,"code":"mg","system":"http://unitsofmeasure.org"}}}
            """#)
        walk = InvariantWalk()
        walk.file = "test"
        walk.walkResource(range, root: nil)
        #expect(walk.failures.map { String($0.split(separator: " ")[1]) }.sorted() == ["dom-6", "obs-6", "rng-2"], "\(walk.failures)")

        // ele-1: an element with neither a value nor children.
        let empty = Element(name: "period", type: "Period")
        #expect(try FHIRPath("hasValue() or (children().count() > id.count())").evaluateBoolean(empty) == false)
    }

    @Test("a constant subexpression inside a function argument is computed once per evaluation, with the same result")
    func constantsKept() throws {
        // Kept: the part of the criterion that depends on no item; not: what depends on $this,
        // $index, the focus, and trace().
        #expect(try FHIRPath("name.where(%resource.name.given.count() > 2)").memoSlots == 1)
        #expect(try FHIRPath("name.select(%resource.name.count() + $index)").memoSlots == 1)
        #expect(try FHIRPath("name.where(given.count() > 2)").memoSlots == 0)
        // `%resource.name` is kept, the trace around it is not: it logs for every name.
        let traced = try FHIRPath("name.where(%resource.name.trace('n').exists())")
        #expect(traced.memoSlots == 1)
        let logged = Mutex(0)
        var environment = FHIRPathEnvironment()
        environment.trace = { _, _ in logged.withLock { $0 += 1 } }
        let names = try traced.evaluate(T.patient, environment: environment)
        #expect(!names.isEmpty && logged.withLock { $0 } == names.count)
        #expect(try FHIRPath("%resource.name.given.count() > 2").memoSlots == 0)
        #expect(try FHIRPath("contained.where(('#' + id in %resource.descendants().ofType(Reference).reference).not())").memoSlots == 1)
        let count = try T.texts("Patient.name.count()", on: T.patient)
        #expect(try T.texts("Patient.name.select(%resource.name.count() + $index)", on: T.patient)
            == (0..<Int(count[0])!).map { String(Int(count[0])! + $0) })
        #expect(try T.texts("Patient.name.where(%resource.name.given.count() > 2).count()", on: T.patient) == count)
    }

    @Test("ofType follows the primitive lineage (canonical and url are uri, code is string); descendants are breadth first")
    func primitiveLineage() throws {
        let valueSet = try Self.read(#"""
            {"resourceType":"ValueSet","url":"http://x/vs","name":"N","status":"draft",
             "compose":{"include":[{"system":"http://s","valueSet":["http://x/other"]}]}}
            """#)
        #expect(try T.texts("descendants().ofType(uri)", on: valueSet) == ["http://x/vs", "http://s", "http://x/other"])
        #expect(try T.texts("descendants().ofType(canonical)", on: valueSet) == ["http://x/other"])
        #expect(try T.texts("descendants().ofType(string)", on: valueSet) == ["N", "draft"])
        #expect(try T.texts("compose.descendants().ofType(BackboneElement).count()", on: valueSet) == ["1"])
        #expect(try T.texts("descendants().where($this is uri).count()", on: valueSet) == ["3"])
    }
}
