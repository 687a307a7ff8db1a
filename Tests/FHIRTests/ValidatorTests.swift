import Foundation
@testable import FHIR
import Testing

@Suite("Validator")
struct ValidatorTests {
    let validator = Validator()

    func issues(_ text: String, profiles: [String] = []) -> [String] {
        validator.validate(json: Array(text.utf8), profiles: profiles).issues.map { "\($0.severity) \($0.code) \($0.expression)" }
    }

    /// Examples that are not valid R4, with what is wrong.
    static let invalidExamples = [
        // Its nested display items (fly-over texts) have no linkId, which R4 requires (1..1).
        "bundle-questionnaire.json": ["Questionnaire.item[0].item[0].linkId"],
        // References to types the element does not allow.
        "devicemetric-example.json": ["DeviceMetric.parent"],  // a DeviceDefinition; R4 allows Device
        "deviceusestatement-example.json": ["DeviceUseStatement.reasonReference[0]"],  // a Procedure
        "medicationrequest0301.json": ["MedicationRequest.dispenseRequest.performer"],  // a Practitioner; R4 allows Organization
        // An uppercase UUID (urn:uuid:68D043B5-…); UUIDs are written in lowercase.
        "capabilitystatement-example.json": ["CapabilityStatement.url"],
    ]

    @Test("the official R4 examples have no errors (invariants aside), except the known invalid ones")
    func examples() throws {
        var checked = 0
        for file in Corpus.files(in: "fhir/fhir-test-cases/r4/examples", extension: "json") {
            let result = validator.validate(json: try Corpus.bytes(file))
            let name = String(file.split(separator: "/").last ?? "")
            if let expected = Self.invalidExamples[name] {
                #expect(expected.allSatisfy { path in result.errors.contains { $0.expression == path } }, "\(file)")
            } else {
                #expect(result.errors.isEmpty, "\(file): \(result.errors.prefix(3))")
            }
            checked += 1
        }
        #expect(checked > 40)
    }

    @Test("a missing required element, a code outside its required value set, an impossible date")
    func basics() {
        #expect(issues(#"{"resourceType":"Observation","code":{"text":"x"}}"#) == ["error required Observation.status"])
        #expect(issues(#"{"resourceType":"Patient","gender":"mal"}"#) == ["error code-invalid Patient.gender"])
        #expect(issues(#"{"resourceType":"Patient","birthDate":"2021-02-29"}"#) == ["error value Patient.birthDate"])
        #expect(issues(#"{"resourceType":"Patient","birthDate":"2020-02-29"}"#).isEmpty)
        #expect(issues(#"{"resourceType":"Patient","multipleBirthInteger":2147483648}"#) == ["error value Patient.multipleBirth"])
        // Resource.id is typed string in the R4 definitions, but holds an id.
        #expect(issues(#"{"resourceType":"Patient","id":"a b"}"#) == ["error value Patient.id"])
        #expect(issues(#"{"resourceType":"Patient","telecom":[{"system":"phone","value":" "}]}"#) == ["error value Patient.telecom[0].value"])
    }

    @Test("a CodeableConcept bound to a required value set needs a code from it; extensible only warns")
    func codeableConcepts() {
        #expect(issues(#"{"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/1"},"clinicalStatus":{"text":"active"}}"#)
            == ["error code-invalid AllergyIntolerance.clinicalStatus"])
        #expect(issues(#"{"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/1"},"clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}]}}"#).isEmpty)
        // Observation.interpretation is extensible but needs a terminology server (v3 codes not local).
        #expect(issues(#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"interpretation":[{"coding":[{"system":"http://example.org","code":"z"}]}]}"#)
            == ["warning not-supported Observation.interpretation[0]"])
    }

    @Test("reading problems come first, as errors with their position")
    func readingProblems() throws {
        let result = validator.validate(json: Array(#"{"resourceType":"Patient","nickname":"x"}"#.utf8))
        #expect(result.issues.count == 1)
        #expect(result.issues[0].severity == .error && result.issues[0].code == .structure)
        #expect(result.issues[0].position == TextPosition(line: 1, column: 27))
        #expect(validator.validate(json: Array("{".utf8)).hasErrors)
    }

    @Test("an unknown profile is reported, not silently passed")
    func unknownProfile() {
        #expect(issues(#"{"resourceType":"Patient","meta":{"profile":["http://example.org/p"]}}"#) == ["warning not-supported Patient"])
        #expect(issues(#"{"resourceType":"Patient"}"#, profiles: ["http://example.org/p"]) == ["error not-supported Patient"])
    }

    @Test("invariants are checked with the evaluator given")
    func invariants() {
        let failing = Validator(invariants: { expression, _, _, _ in expression.contains("organization.exists()") ? false : true })
        let result = failing.validate(json: Array(#"{"resourceType":"Patient","contact":[{"gender":"male"}]}"#.utf8))
        #expect(result.issues.map(\.constraintKey) == ["pat-1"])
        #expect(result.issues.first?.expression == "Patient.contact[0]")
    }

    @Test("the OperationOutcome is a valid resource")
    func operationOutcome() throws {
        let result = validator.validate(json: Array(#"{"resourceType":"Patient","gender":"mal"}"#.utf8))
        let outcome = result.operationOutcome
        let written = outcome.json()
        #expect(validator.validate(json: written).issues.isEmpty)
        let read = try Element(json: written)
        #expect(read.children(named: "issue").first?.child(named: "expression")?.value == .string("Patient.gender"))
        #expect(Validator().validate(json: Validator().validate(json: Array(#"{"resourceType":"Patient"}"#.utf8)).operationOutcome.json()).issues.isEmpty)
    }
}

@Suite("PrimitiveFormat")
struct PrimitiveFormatTests {
    @Test("a string must not be only whitespace (Unicode whitespace too)")
    func whitespaceStrings() {
        for (text, isOnlyWhitespace) in [(" ", true), (" \t\r\n", true), ("\u{3000}", true), ("\u{85} ", true), (" a", false), ("a ", false), ("é", false), ("\u{3000}x", false)] {
            #expect((PrimitiveFormat.problem(with: text, type: "string") == "a string must not be only whitespace") == isOnlyWhitespace, "\(text.unicodeScalars.map(\.value))")
        }
    }

    @Test("a date, dateTime or instant must name a real day: month lengths, leap years by the Gregorian rules")
    func calendarDays() {
        for (text, isReal) in [
            ("2021-04-30", true), ("2021-04-31", false), ("2020-02-29", true), ("2021-02-29", false), ("1900-02-29", false),
            ("2000-02-29", true), ("2021-12-31", true), ("2021-02", true), ("2021", true),
        ] {
            for type in ["date", "dateTime"] where type == "date" || text.count == 10 {
                let value = type == "date" ? text : text + "T10:00:00Z"
                #expect((PrimitiveFormat.problem(with: value, type: type) == nil) == isReal, "\(value)")
            }
        }
        #expect(PrimitiveFormat.problem(with: "1900-02-29T10:00:00.5+07:00", type: "instant") == "not a calendar date")
    }

    @Test("the byte checks of dates, codes, ids and uris agree with the R4 regular expressions", arguments: [
        "date", "dateTime", "instant", "code", "id", "uri", "decimal", "integer", "unsignedInt", "positiveInt", "base64Binary",
    ])
    func agreesWithPatterns(type: String) {
        let samples = [
            "2020", "2020-01", "2020-01-31", "2020-13-01", "2020-00", "0000", "20201", "2020-1-01", "2020-01-01T10:00:00Z",
            "2020-01-01T10:00:00.123+07:00", "2020-01-01T10:00", "2020-01-01T24:00:00Z", "2020-01-01T10:00:00+14:00",
            "2020-01-01T10:00:00+14:01", "2020-01-01T10:00:00", "2020-01-01T10:00:60Z", "2020-01-01T10:00:00.Z",
            "a", "a b", " a", "a ", "a  b", "a\tb", "abc-12.3", String(repeating: "x", count: 64), String(repeating: "x", count: 65),
            "http://x/y", "http://x y", "urn:oid:1.2", "ab_c",
            "aGVsbG8=", "aGVs bG8=", "aGV sbG8=", "aGVsbG8", " aGVsbG8= ", "aGVs\nbG8=", "a/b+",
            "0", "-0", "01", "1.50", "1.", ".5", "-1.5e10", "1E-22", "1e", "+5", "5", "-5", "00", "1.0e+5", "12a",
        ]
        // (Empty values are refused by the readers before any pattern, so "" is not among them.)
        for sample in samples where !sample.isEmpty {
            let expected = PrimitiveFormat.matchesPattern(sample, type: type)
            let found = PrimitiveFormat.problem(with: sample, type: type)
            // The calendar check (a real day) comes on top of the pattern.
            if expected, found != nil, found?.contains("calendar") == true { continue }
            #expect((found == nil) == expected, "\(type) '\(sample)'")
        }
    }

    @Test("strings and markdown refuse control characters but tabs and line breaks; any other text is fine")
    func controlCharacters() {
        for type in ["string", "markdown"] {
            #expect(PrimitiveFormat.problem(with: "a\u{01}b", type: type) != nil)
            #expect(PrimitiveFormat.problem(with: "Nguyễn\u{1F}", type: type) != nil)
            #expect(PrimitiveFormat.problem(with: "a\tb\r\nc", type: type) == nil)
            #expect(PrimitiveFormat.problem(with: "Nguyễn Văn A \u{7F} 😀", type: type) == nil)
        }
    }
}

@Suite("Profiles")
struct ProfileTests {
    /// A Patient profile given only by its differential: identifier sliced by system, the `nhs`
    /// slice required, with a fixed system and a required value.
    static let profile = #"""
        {"resourceType":"StructureDefinition","url":"http://example.org/sd/nhs-patient","name":"NHSPatient","status":"draft",
         "kind":"resource","abstract":false,"type":"Patient","derivation":"constraint",
         "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient",
         "differential":{"element":[
           {"id":"Patient.identifier","path":"Patient.identifier","slicing":{"discriminator":[{"type":"value","path":"system"}],"rules":"open"}},
           {"id":"Patient.identifier:nhs","path":"Patient.identifier","sliceName":"nhs","min":1,"max":"1"},
           {"id":"Patient.identifier:nhs.system","path":"Patient.identifier.system","min":1,"fixedUri":"http://nhs.uk"},
           {"id":"Patient.identifier:nhs.value","path":"Patient.identifier.value","min":1},
           {"id":"Patient.gender","path":"Patient.gender","min":1}
         ]}}
        """#

    let validator: Validator = {
        let resource = try! Element.untyped(json: Array(ProfileTests.profile.utf8))
        return Validator.standard(definitions: Definitions.r4.adding(resources: [resource]))
    }()

    func errors(_ text: String) -> [String] {
        validator.validate(json: Array(text.utf8), profiles: ["http://example.org/sd/nhs-patient"]).errors.map { "\($0.code) \($0.expression)" }
    }

    @Test("the snapshot is generated from the differential, with the slice and its expanded children")
    func snapshot() throws {
        let profile = try #require(validator.definitions.structure(url: "http://example.org/sd/nhs-patient"))
        #expect(profile.slices(of: "Patient.identifier").map(\.sliceName) == ["nhs"])
        #expect(profile.element(at: "Patient.identifier:nhs.system")?.fixed?.value.value?.text == "http://nhs.uk")
        #expect(profile.element(at: "Patient.identifier:nhs.value")?.min == 1)
        // The unsliced identifier is not expanded: it is checked against Identifier itself.
        #expect(profile.element(at: "Patient.identifier.system") == nil)
        #expect(profile.element(at: "Patient.gender")?.min == 1)
        #expect(profile.children(of: "Patient").count == Definitions.r4.structure(forType: "Patient")?.children(of: "Patient").count)
    }

    @Test("items are matched to slices by the discriminator; slice cardinality and slice rules are checked")
    func slices() {
        let good = #"{"resourceType":"Patient","gender":"male","identifier":[{"system":"http://other","value":"x"},{"system":"http://nhs.uk","value":"1"}]}"#
        #expect(errors(good).isEmpty)
        #expect(errors(#"{"resourceType":"Patient","gender":"male","identifier":[{"system":"http://other","value":"x"}]}"#)
            == ["structure Patient.identifier"])
        #expect(errors(#"{"resourceType":"Patient","gender":"male","identifier":[{"system":"http://nhs.uk"}]}"#)
            == ["required Patient.identifier[0].value"])
        #expect(errors(#"{"resourceType":"Patient","identifier":[{"system":"http://nhs.uk","value":"1"}]}"#) == ["required Patient.gender"])
        // Without the profile, none of this applies.
        #expect(Validator.standard().validate(json: Array(#"{"resourceType":"Patient"}"#.utf8)).errors.isEmpty)
    }
}

@Suite("Additional bindings")
struct AdditionalBindingTests {
    @Test("a profile's additional binding with purpose required needs a code of its value set; other purposes are not checked")
    func requiredAdditionalBinding() throws {
        func binding(_ purpose: String, _ valueSet: String) -> String {
            #"{"url":"http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.binding.additional","extension":[{"url":"purpose","valueCode":""# + purpose + #""},{"url":"valueSet","valueCanonical":""# + valueSet + #""}]}"#
        }
        let profile = #"{"resourceType":"StructureDefinition","url":"http://x.org/sd/obs","name":"Obs","status":"draft","kind":"resource","abstract":false,"type":"Observation","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation","differential":{"element":[{"id":"Observation.code","path":"Observation.code","binding":{"strength":"example","valueSet":"http://hl7.org/fhir/ValueSet/observation-codes","extension":["# + binding("required", "http://x.org/vs/a") + "," + binding("preferred", "http://x.org/vs/b") + "]}}]}}"
        func valueSet(_ name: String, _ code: String) -> String {
            #"{"resourceType":"ValueSet","url":"http://x.org/vs/"# + name + #"","status":"active","compose":{"include":[{"system":"http://loinc.org","concept":[{"code":""# + code + #""}]}]}}"#
        }
        let resources = try [profile, valueSet("a", "100065-2"), valueSet("b", "1-8")].map { try Element.untyped(json: Array($0.utf8)) }
        let validator = Validator(definitions: Definitions.r4.adding(resources: resources))
        func errors(_ code: String) -> [String] {
            let text = #"{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":""# + code + #""}]}}"#
            return validator.validate(json: Array(text.utf8), profiles: ["http://x.org/sd/obs"]).errors.map { "\($0.code) \($0.expression)" }
        }
        #expect(errors("100065-2").isEmpty)
        #expect(errors("100066-0") == ["code-invalid Observation.code"])
        #expect(validator.validate(json: Array(#"{"resourceType":"Observation","status":"final","code":{"text":"x"}}"#.utf8)).errors.isEmpty)
    }
}

@Suite("Value alternatives")
struct ValueAlternativeTests {
    @Test("a primitive without a value carries one of the extensions a profile's valueAlternatives names")
    func valueAlternatives() throws {
        let profile = #"{"resourceType":"StructureDefinition","url":"http://x.org/sd/active","name":"Active","status":"draft","kind":"resource","abstract":false,"type":"Patient","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","differential":{"element":[{"id":"Patient.active","path":"Patient.active","min":1,"extension":[{"url":"http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.valueAlternatives","valueCanonical":"http://hl7.org/fhir/StructureDefinition/data-absent-reason"}]}]}}"#
        let validator = Validator(definitions: Definitions.r4.adding(resources: [try Element.untyped(json: Array(profile.utf8))]))
        func errors(_ active: String) -> [String] {
            let text = #"{"resourceType":"Patient","# + active + "}"
            return validator.validate(json: Array(text.utf8), profiles: ["http://x.org/sd/active"]).errors.map { "\($0.code) \($0.expression)" }
        }
        func absent(_ url: String, _ code: String) -> String {
            #""_active":{"extension":[{"url":""# + url + #"","valueCode":""# + code + #""}]}"#
        }
        #expect(errors(#""active":true"#).isEmpty)
        #expect(errors(absent("http://hl7.org/fhir/StructureDefinition/data-absent-reason", "unknown")).isEmpty)
        #expect(errors(absent("http://hl7.org/fhir/StructureDefinition/iso21090-nullFlavor", "MSK")) == ["value Patient.active"])
    }
}

@Suite("NativeInvariants")
struct NativeInvariantsTests {
    @Test("each native invariant answers as its FHIRPath expression on every node of the R4 examples")
    func sameAsFHIRPath() throws {
        var compared = 0
        for file in Corpus.files(in: "fhir/fhir-test-cases/r4/examples", extension: "json") {
            let resource = try Element(json: try Corpus.bytes(file))
            var nodes: [Element] = []
            func collect(_ element: Element) {
                nodes.append(element)
                element.children.forEach(collect)
            }
            collect(resource)
            for (expression, native) in NativeInvariants.checks {
                let path = try FHIRPath(expression)
                for node in nodes {
                    let expected = (try path.evaluateBoolean(node, environment: FHIRPathEnvironment(resource: resource, rootResource: resource, context: node))) ?? true
                    #expect(native(node) == expected, "\(file) \(expression) on \(node.name)")
                    compared += 1
                }
            }
        }
        #expect(compared > 10_000)
    }
}

@Suite("Bundle rules")
struct BundleRuleTests {
    func errors(_ text: String) -> [String] {
        Validator.standard().validate(json: Array(text.utf8)).errors.map { "\($0.expression): \($0.message)" }
    }

    @Test("fullUrls are absolute, unique (bdl-7) and agree with their resource; link relations occur once; search results have ids")
    func rules() {
        let good = #"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://x.org/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1"}},{"fullUrl":"urn:uuid:5b2d1f0c-1f4a-4b39-9f0b-6b8f0a4c3d2e","resource":{"resourceType":"Patient"}}]}"#
        #expect(errors(good).isEmpty)
        #expect(errors(#"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"Patient/1","resource":{"resourceType":"Patient","id":"1"}}]}"#)
            == ["Bundle.entry[0].fullUrl: the fullUrl must be an absolute URL"])
        #expect(errors(#"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://x.org/Patient/2","resource":{"resourceType":"Patient","id":"1"}}]}"#)
            == ["Bundle.entry[0].fullUrl: the fullUrl does not match the resource's type and id"])
        #expect(errors(#"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://x.org/Patient/1","resource":{"resourceType":"Patient","id":"1"}},{"fullUrl":"http://x.org/Patient/1","resource":{"resourceType":"Patient","id":"1"}}]}"#)
            .map { $0.prefix(16) } == ["Bundle: bdl-7: F"])  // the invariant FullUrl must be unique
        #expect(errors(#"{"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"http://x.org/a"},{"relation":"self","url":"http://x.org/b"}],"entry":[{"fullUrl":"http://x.org/Patient/1","resource":{"resourceType":"Patient"}}]}"#).sorted()
            == ["Bundle.entry[0].resource: search results must have ids",
                "Bundle.entry[0]: the fullUrl looks like a RESTful server URL, but the resource has no id",
                "Bundle.link[1].relation: the link relation 'self' can only occur once"])
    }
}

@Suite("References")
struct ReferenceTests {
    @Test("a Type/id reference must name a type the element allows")
    func targets() {
        func errors(_ text: String) -> [String] {
            Validator.standard().validate(json: Array(text.utf8)).errors.map(\.expression)
        }
        #expect(errors(#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/1"}}"#).isEmpty)
        #expect(errors(#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"http://x.org/fhir/Group/1/_history/2"}}"#).isEmpty)
        #expect(errors(#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Observation/1"}}"#) == ["Observation.subject"])
        #expect(errors(#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"urn:uuid:5b2d1f0c-1f4a-4b39-9f0b-6b8f0a4c3d2e"}}"#).isEmpty)
    }
}

@Suite("QuestionnaireResponse")
struct QuestionnaireResponseTests {
    static let questionnaire = #"""
        {"resourceType":"Questionnaire","url":"http://example.org/q/intake","status":"active","item":[
          {"linkId":"smoker","text":"Smoker?","type":"boolean","required":true},
          {"linkId":"color","text":"Colour","type":"choice","answerOption":[{"valueCoding":{"system":"http://x.org/c","code":"red"}}]},
          {"linkId":"note","text":"Note","type":"display"}
        ]}
        """#

    func errors(_ response: String) throws -> [String] {
        let definitions = Definitions.r4.adding(resources: [try Element.untyped(json: Array(Self.questionnaire.utf8))])
        return Validator.standard(definitions: definitions).validate(json: Array(response.utf8)).errors.map { "\($0.expression): \($0.message)" }
    }

    func response(_ items: String, status: String = "completed") -> String {
        #"{"resourceType":"QuestionnaireResponse","questionnaire":"http://example.org/q/intake","status":""# + status + #"","item":["# + items + "]}"
    }

    @Test("linkIds, answer types, answer options, answers on display items and required items")
    func checks() throws {
        #expect(try errors(response(#"{"linkId":"smoker","answer":[{"valueBoolean":true}]},{"linkId":"color","answer":[{"valueCoding":{"system":"http://x.org/c","code":"red"}}]}"#)).isEmpty)
        #expect(try errors(response(#"{"linkId":"smoker","answer":[{"valueString":"yes"}]}"#))
            == ["QuestionnaireResponse.item[0].answer[0].value: the answer must be of type boolean, not string"])
        #expect(try errors(response(#"{"linkId":"smoker","answer":[{"valueBoolean":true}]},{"linkId":"color","answer":[{"valueCoding":{"system":"http://x.org/c","code":"blue"}}]}"#))
            == ["QuestionnaireResponse.item[1].answer[0].value: the answer is not in the set of permitted values"])
        #expect(try errors(response(#"{"linkId":"smoker","answer":[{"valueBoolean":true}]},{"linkId":"age","answer":[{"valueInteger":3}]}"#))
            == ["QuestionnaireResponse.item[1]: linkId 'age' is not in the questionnaire here"])
        #expect(try errors(response(#"{"linkId":"smoker","answer":[{"valueBoolean":true}]},{"linkId":"note","answer":[{"valueString":"x"}]}"#))
            == ["QuestionnaireResponse.item[1]: items of type display cannot have answers"])
        #expect(try errors(response(#"{"linkId":"color","answer":[{"valueCoding":{"system":"http://x.org/c","code":"red"}}]}"#))
            == ["QuestionnaireResponse: no answer for the required item 'smoker'"])
        // In progress: required items may still be missing.
        #expect(try errors(response(#"{"linkId":"color","answer":[{"valueCoding":{"system":"http://x.org/c","code":"red"}}]}"#, status: "in-progress")).isEmpty)
    }
}

@Suite("Code systems")
struct CodeSystemTests {
    @Test("a Coding of a code system known here must use one of its codes (nested ones too)")
    func codes() throws {
        let codeSystem = #"{"resourceType":"CodeSystem","url":"http://example.org/cs","status":"active","content":"complete","concept":[{"code":"a","concept":[{"code":"a1"}]},{"code":"b"}]}"#
        let definitions = Definitions.r4.adding(resources: [try Element.untyped(json: Array(codeSystem.utf8))])
        func errors(_ code: String, system: String = "http://example.org/cs") -> [String] {
            let text = #"{"resourceType":"Observation","status":"final","code":{"coding":[{"system":""# + system + #"","code":""# + code + #""}]}}"#
            return Validator.standard(definitions: definitions).validate(json: Array(text.utf8)).errors.map(\.expression)
        }
        #expect(errors("a").isEmpty)
        #expect(errors("a1").isEmpty)
        #expect(errors("c") == ["Observation.code.coding[0].code"])
        #expect(errors("c", system: "http://example.org/other").isEmpty)  // unknown system: not checked
    }
}

@Suite("Extensions")
struct ExtensionTests {
    @Test("an extension defined here must carry a value of an allowed type")
    func valueTypes() throws {
        let definition = #"{"resourceType":"StructureDefinition","url":"http://example.org/ext/nickname","name":"Nickname","status":"draft","kind":"complex-type","abstract":false,"type":"Extension","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Extension","differential":{"element":[{"id":"Extension","path":"Extension"},{"id":"Extension.url","path":"Extension.url","fixedUri":"http://example.org/ext/nickname"},{"id":"Extension.value[x]","path":"Extension.value[x]","min":1,"type":[{"code":"string"}]}]}}"#
        let validator = Validator.standard(definitions: Definitions.r4.adding(resources: [try Element.untyped(json: Array(definition.utf8))]))
        func errors(_ value: String) -> [String] {
            let text = #"{"resourceType":"Patient","extension":[{"url":"http://example.org/ext/nickname""# + value + "}]}"
            return validator.validate(json: Array(text.utf8)).errors.map { "\($0.code) \($0.expression)" }
        }
        #expect(errors(#","valueString":"Bi""#).isEmpty)
        #expect(errors(#","valueInteger":3"#) == ["structure Patient.extension[0].value"])
        #expect(errors(#","extension":[{"url":"x","valueString":"y"}]"#) == ["required Patient.extension[0]"])
    }

    @Test("an extension with element contexts is used on one of them: the holder's path, type or their ancestors")
    func contexts() throws {
        let definition = #"{"resourceType":"StructureDefinition","url":"http://example.org/ext/flag","name":"Flag","status":"draft","kind":"complex-type","abstract":false,"type":"Extension","context":[{"type":"element","expression":"DomainResource"},{"type":"element","expression":"DomainResource.text"},{"type":"element","expression":"BackboneElement"}],"derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Extension","differential":{"element":[{"id":"Extension.url","path":"Extension.url","fixedUri":"http://example.org/ext/flag"},{"id":"Extension.value[x]","path":"Extension.value[x]","type":[{"code":"boolean"}]}]}}"#
        let validator = Validator(definitions: Definitions.r4.adding(resources: [try Element.untyped(json: Array(definition.utf8))]))
        let flag = #"{"url":"http://example.org/ext/flag","valueBoolean":true}"#
        func errors(_ patient: String) -> [String] {
            validator.validate(json: Array((#"{"resourceType":"Patient","# + patient + "}").utf8)).errors.map(\.expression)
        }
        #expect(errors(#""extension":["# + flag + "]").isEmpty)  // DomainResource
        #expect(errors(#""text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>","extension":["# + flag + "]}").isEmpty)
        #expect(errors(#""contact":[{"extension":["# + flag + #"],"gender":"male"}]"#).isEmpty)  // BackboneElement
        #expect(errors(#""name":[{"extension":["# + flag + #"],"family":"X"}]"#) == ["Patient.name[0].extension[0]"])  // HumanName
        // On a contained Patient itself (DomainResource), not on its container's `contained`.
        #expect(errors(#""contained":[{"resourceType":"Patient","id":"p","extension":["# + flag + ##"]}],"link":[{"other":{"reference":"#p"},"type":"seealso"}]"##).isEmpty)
    }

    @Test("an element context names a choice element as value[x] or by its type; inside a data type the resource's own elements do not fit")
    func choiceAndDataTypeContexts() throws {
        func errors(context: String, observation: String) throws -> [String] {
            let definition = #"{"resourceType":"StructureDefinition","url":"http://example.org/ext/q","name":"Q","status":"draft","kind":"complex-type","abstract":false,"type":"Extension","context":[{"type":"element","expression":""# + context + #""}],"derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Extension","differential":{"element":[{"id":"Extension.url","path":"Extension.url","fixedUri":"http://example.org/ext/q"},{"id":"Extension.value[x]","path":"Extension.value[x]","type":[{"code":"boolean"}]}]}}"#
            let validator = Validator(definitions: Definitions.r4.adding(resources: [try Element.untyped(json: Array(definition.utf8))]))
            let text = #"{"resourceType":"Observation","status":"final","code":{"text":"x"},"# + observation + "}"
            return validator.validate(json: Array(text.utf8)).errors.map(\.expression)
        }
        let q = #"{"url":"http://example.org/ext/q","valueBoolean":true}"#
        let onQuantity = #""valueQuantity":{"value":1,"extension":["# + q + "]}"
        #expect(try errors(context: "Observation.value[x]", observation: onQuantity).isEmpty)
        #expect(try errors(context: "Observation.valueQuantity", observation: onQuantity).isEmpty)
        #expect(try errors(context: "Quantity", observation: onQuantity).isEmpty)
        #expect(try errors(context: "string", observation: onQuantity) == ["Observation.value.extension[0]"])
        #expect(try errors(context: "Observation", observation: onQuantity) == ["Observation.value.extension[0]"])
        // On Quantity.unit inside valueQuantity: not Observation.value[x] itself; a path in a data type is not decided.
        let onUnit = #""valueQuantity":{"value":1,"_unit":{"extension":["# + q + "]}}"
        #expect(try errors(context: "Observation.value[x]", observation: onUnit) == ["Observation.value.unit.extension[0]"])
        #expect(try errors(context: "Quantity.unit", observation: onUnit).isEmpty)
    }

    @Test("an extension with FHIRPath and extension contexts is used where the expression selects or on an extension with that URL")
    func fhirPathAndExtensionContexts() throws {
        let definition = #"{"resourceType":"StructureDefinition","url":"http://example.org/ext/checked","name":"Checked","status":"draft","kind":"complex-type","abstract":false,"type":"Extension","context":[{"type":"element","expression":"Patient.name"},{"type":"extension","expression":"http://example.org/ext/outer"},{"type":"fhirpath","expression":"Patient.address.where(use = 'home')"}],"derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Extension","differential":{"element":[{"id":"Extension.url","path":"Extension.url","fixedUri":"http://example.org/ext/checked"},{"id":"Extension.value[x]","path":"Extension.value[x]","type":[{"code":"boolean"}]}]}}"#
        let validator = Validator.standard(definitions: Definitions.r4.adding(resources: [try Element.untyped(json: Array(definition.utf8))]))
        let checked = #"{"url":"http://example.org/ext/checked","valueBoolean":true}"#
        func errors(_ patient: String) -> [String] {
            validator.validate(json: Array((#"{"resourceType":"Patient","# + patient + "}").utf8)).errors.map(\.expression)
        }
        #expect(errors(#""address":[{"extension":["# + checked + #"],"use":"home"}]"#).isEmpty)
        #expect(errors(#""address":[{"extension":["# + checked + #"],"use":"work"}]"#) == ["Patient.address[0].extension[0]"])
        #expect(errors(#""extension":[{"url":"http://example.org/ext/outer","extension":["# + checked + "]}]").isEmpty)
        // On the value of another extension: neither that extension's URL nor an element context.
        #expect(errors(#""extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-cadavericDonor","valueBoolean":true,"_valueBoolean":{"extension":["# + checked + "]}}]")
            == ["Patient.extension[0].value.extension[0]"])
    }

    @Test("an extension whose definition is unknown is an error, except core, tooling, cross-version and example URLs")
    func unknownExtensions() {
        func errors(_ url: String) -> [String] {
            let text = #"{"resourceType":"Patient","extension":[{"url":""# + url + #"","valueString":"x"}]}"#
            return Validator().validate(json: Array(text.utf8)).errors.map { "\($0.code) \($0.expression)" }
        }
        #expect(errors("http://fkcfhir.org/fhir/StructureDefinition/supplyBy") == ["structure Patient.extension[0]"])
        #expect(errors("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-launchContext") == ["structure Patient.extension[0]"])
        #expect(errors("http://hl7.org/fhir/StructureDefinition/patient-birthPlace").isEmpty)
        #expect(errors("http://hl7.org/fhir/tools/StructureDefinition/obligation").isEmpty)
        #expect(errors("http://hl7.org/fhir/5.0/StructureDefinition/extension-Patient.deceased").isEmpty)
        #expect(errors("http://example.org/fhir/StructureDefinition/nickname").isEmpty)
        #expect(errors("http://www.acme.com/extensions/x").isEmpty)
    }
}

@Suite("VN Core IG")
struct VNCoreTests {
    /// `…/shared/specs/vn-core-ig/resources`.
    static let folder = Corpus.root.deletingLastPathComponent().appendingPathComponent("specs/vn-core-ig/resources")

    static func definitions() throws -> (Definitions, [String]) {
        let (resources, unreadable) = try Definitions.resources(inFolder: folder.path)
        #expect(unreadable.isEmpty, "\(unreadable.map(\.file))")
        let profiles = resources
            .filter { $0.child(named: "resourceType")?.value?.text == "StructureDefinition" }
            .compactMap { $0.child(named: "url")?.value?.text }
        return (Definitions.r4.adding(resources: resources), profiles)
    }

    @Test("every VN Core StructureDefinition compiles (snapshots generated, unknown IPS bases replaced by the core type)")
    func profilesCompile() throws {
        let (definitions, profiles) = try Self.definitions()
        #expect(profiles.count > 50)
        let failed = profiles.filter { definitions.structure(url: $0) == nil }
        #expect(failed.isEmpty, "\(failed)")
        let patient = try #require(definitions.structure(url: "http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-patient"))
        #expect(patient.missingBase == "http://hl7.org/fhir/uv/ips/StructureDefinition/Patient-uv-ips")
        #expect(patient.slices(of: "Patient.identifier").count >= 3)
        #expect(patient.element(at: "Patient.identifier:TheCCCD.system")?.fixed?.value.value?.text == "http://fhir.ehealth.gov.vn/core/sid/national_id")
    }

    @Test("a Patient claiming the VN Core profile is checked against it, with a warning for the unknown IPS base")
    func patient() throws {
        let (definitions, _) = try Self.definitions()
        let text = #"{"resourceType":"Patient","meta":{"profile":["http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-patient"]},"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},"name":[{"text":"A"}],"gender":"male"}"#
        let result = Validator.standard(definitions: definitions).validate(json: Array(text.utf8))
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.issues.contains { $0.severity == .warning && $0.message.contains("Patient-uv-ips") })
    }
}

@Suite("Value set expansion")
struct ValueSetExpansionTests {
    @Test("a guide's value sets are expanded from its code systems: lists, whole systems, is-a, imports, excludes")
    func expansion() throws {
        let resources = [
            #"{"resourceType":"CodeSystem","url":"http://x.org/cs","status":"active","content":"complete","concept":[{"code":"a","concept":[{"code":"a1"},{"code":"a2"}]},{"code":"b"}]}"#,
            #"{"resourceType":"ValueSet","url":"http://x.org/vs/all","status":"active","compose":{"include":[{"system":"http://x.org/cs"}],"exclude":[{"system":"http://x.org/cs","concept":[{"code":"b"}]}]}}"#,
            #"{"resourceType":"ValueSet","url":"http://x.org/vs/a","status":"active","compose":{"include":[{"system":"http://x.org/cs","filter":[{"property":"concept","op":"descendent-of","value":"a"}]}]}}"#,
            #"{"resourceType":"ValueSet","url":"http://x.org/vs/import","status":"active","compose":{"include":[{"valueSet":["http://x.org/vs/a"]},{"system":"http://x.org/other","concept":[{"code":"z"}]}]}}"#,
            #"{"resourceType":"ValueSet","url":"http://x.org/vs/remote","status":"active","compose":{"include":[{"system":"http://snomed.info/sct"}]}}"#,
        ]
        let definitions = Definitions.r4.adding(resources: try resources.map { try Element.untyped(json: Array($0.utf8)) })
        func codes(_ url: String) -> [String]? { definitions.valueSet(url: url)?.codes.map { $0.map(\.code).sorted() } }
        #expect(codes("http://x.org/vs/all") == ["a", "a1", "a2"])
        #expect(codes("http://x.org/vs/a") == ["a1", "a2"])
        #expect(codes("http://x.org/vs/import") == ["a1", "a2", "z"])
        #expect(codes("http://x.org/vs/remote") == nil)
        #expect(definitions.valueSet(url: "http://x.org/vs/remote")?.unexpandedReason?.contains("snomed") == true)
    }
}

@Suite("Value limits")
struct ValueLimitTests {
    @Test("minValue and maxValue of a profile bound numbers; no string is longer than 1 MB")
    func limits() throws {
        let profile = #"{"resourceType":"StructureDefinition","url":"http://x.org/sd/risk","name":"Risk","status":"draft","kind":"resource","abstract":false,"type":"RiskAssessment","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/RiskAssessment","differential":{"element":[{"id":"RiskAssessment.prediction.probability[x]","path":"RiskAssessment.prediction.probability[x]","type":[{"code":"decimal"}],"minValueDecimal":0,"maxValueDecimal":100}]}}"#
        let validator = Validator.standard(definitions: Definitions.r4.adding(resources: [try Element.untyped(json: Array(profile.utf8))]))
        func errors(_ probability: String) -> [String] {
            let text = #"{"resourceType":"RiskAssessment","status":"final","subject":{"reference":"Patient/1"},"prediction":[{"probabilityDecimal":"# + probability + "}]}"
            return validator.validate(json: Array(text.utf8), profiles: ["http://x.org/sd/risk"]).errors.map(\.message)
        }
        #expect(errors("55.5").isEmpty)
        #expect(errors("100.5").contains { $0.contains("greater than the maximum 100") })
        #expect(errors("-1").contains { $0.contains("less than the minimum 0") })
        let long = String(repeating: "x", count: 1_048_577)
        let result = Validator.standard().validate(json: Array((#"{"resourceType":"Patient","name":[{"text":""# + long + #""}]}"#).utf8))
        #expect(result.errors.map(\.expression) == ["Patient.name[0].text"])
    }

    @Test("minValueQuantity and maxValueQuantity of a profile bound UCUM quantities, in other units after conversion")
    func quantityLimits() throws {
        let limit = #"{"value":2,"system":"http://unitsofmeasure.org","code":"kg"}"#
        let profile = #"{"resourceType":"StructureDefinition","url":"http://x.org/sd/weight","name":"Weight","status":"draft","kind":"resource","abstract":false,"type":"Observation","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation","differential":{"element":[{"id":"Observation.value[x]","path":"Observation.value[x]","type":[{"code":"Quantity"}],"minValueQuantity":"# + limit + #","maxValueQuantity":{"value":150,"system":"http://unitsofmeasure.org","code":"kg"}}]}}"#
        let validator = Validator.standard(definitions: Definitions.r4.adding(resources: [try Element.untyped(json: Array(profile.utf8))]))
        func errors(_ value: String, _ code: String, system: String = "http://unitsofmeasure.org") -> [String] {
            let quantity = #"{"value":"# + value + #","system":""# + system + #"","code":""# + code + #""}"#
            let text = #"{"resourceType":"Observation","status":"final","code":{"text":"weight"},"valueQuantity":"# + quantity + "}"
            return validator.validate(json: Array(text.utf8), profiles: ["http://x.org/sd/weight"]).errors.map(\.message)
        }
        #expect(errors("70", "kg").isEmpty)
        #expect(errors("2500", "g").isEmpty)
        #expect(errors("1", "kg").contains { $0.contains("less than the minimum 2 kg") })
        #expect(errors("1999", "g").contains { $0.contains("less than the minimum 2 kg") })
        #expect(errors("151000", "g").contains { $0.contains("greater than the maximum 150 kg") })
        // Not comparable here: another dimension, another system.
        #expect(errors("1", "m").isEmpty)
        #expect(errors("1", "kg", system: "http://example.org/units").isEmpty)
    }

    @Test("absolute URLs have a scheme of letters, digits, +, - and . starting with a letter, in ASCII or not")
    func absoluteURLs() {
        for url in ["http://x/y", "urn:uuid:1", "urn:oid:1.2", "a+b.c-d1:x", "é:x"] {
            #expect(Validator.Walk.isAbsoluteURL(url), "\(url)")
        }
        for url in ["Patient/1", "1http://x", ":x", "ht tp://x", "x_y:z", "#p", "", "é_:x"] {
            #expect(!Validator.Walk.isAbsoluteURL(url), "\(url)")
        }
    }

    @Test("an element's path is written only when asked for, with the index of items that repeat")
    func elementPath() {
        let root = ElementPath("Bundle.entry[2].resource")
        #expect(root.description == "Bundle.entry[2].resource")
        let given = root.child("name", index: 0).child("given", index: 1)
        #expect(given.description == "Bundle.entry[2].resource.name[0].given[1]")
        #expect(given.child("id").description == "Bundle.entry[2].resource.name[0].given[1].id")
        let result = Validator().validate(json: Array(#"{"resourceType":"Patient","link":[{"type":"seealso"},{"type":"seealso"}]}"#.utf8))
        #expect(result.errors.map { "\($0.code) \($0.expression)" } == ["required Patient.link[0].other", "required Patient.link[1].other"])
    }
}
