import FHIR
import Foundation
import HL7v2
import Testing
@testable import Mapping

@Suite struct FHIRToV2Tests {
    let library: MappingLibrary

    init() throws {
        library = try MappingLibrary(folder: VocabularyMapTests.mappings)
    }

    static let fhirExamples = V2ToFHIRTests.corpus.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fhir/fhir-test-cases/r4/examples")

    func message(_ name: String) throws -> Message {
        try Message([UInt8](try Data(contentsOf: V2ToFHIRTests.corpus.appendingPathComponent(name))))
    }

    func bundle(_ json: String) throws -> FHIR.Element {
        try FHIR.Element(json: Array(json.utf8))
    }

    /// The line of a shipped mapping file that starts with `prefix`, as `file:line`.
    func rule(_ file: String, _ prefix: String) throws -> String {
        let text = try String(contentsOf: VocabularyMapTests.mappings.appendingPathComponent(file), encoding: .utf8)
        let index = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix(prefix) })
        return "\(file):\(index + 1)"
    }

    func status() throws -> VocabularyMap {
        try #require(library.vocabularies["v2-0085-observation-status"])
    }

    /// v2 → FHIR with the shipped maps, then FHIR → v2 with the reverse map `map`.
    func roundTrip(_ original: Message, map: String? = nil) throws -> (message: Message, result: FHIRToV2Result) {
        let bundle = try V2ToFHIR(library: library).convert(original).bundle()
        let mapper = FHIRToV2(library: library)
        let result = try map.map { try mapper.convert(bundle, map: $0) } ?? mapper.convert(bundle)
        return (try result.message(), result)
    }

    @Test func theShippedReverseMapsLoad() {
        let names = library.fhirToV2MapNames
        #expect(names.messages == ["ADT_A08", "ORU_R01"])
        #expect(names.segments.contains("Patient-PID") && names.datatypes.contains("HumanName-XPN"))
        #expect(library.fhirToV2MessageTypes["ORU_R01"] == "ORU^R01^ORU_R01")
        #expect(library.mapNames.messages.contains("ORU_R01"), "the v2 → FHIR map of the same name is still there")
    }

    // MARK: Round trips

    @Test(arguments: ["LAB-ORU-2.hl7", "LRI_2.0-NG_CBC_Typ_Message.hl7"])
    func oruR01RoundTripKeepsTheKeyFields(_ name: String) throws {
        let original = try message(name)
        let (back, result) = try roundTrip(original)
        #expect(back.messageType == "ORU" && back.triggerEvent == "R01" && back.structureID == "ORU_R01" && back.version == "2.5.1")
        #expect(RoundTripComparison(observationStatus: try status(), original: original, roundTrip: back).differences == [])
        let kept: Set = ["MSH", "PID", "PV1", "OBR", "OBX"]
        #expect(back.segments.map(\.id).filter(kept.contains) == original.segments.map(\.id).filter(kept.contains), "the same OBR and OBX, none more")
        #expect(back.segments("ORC").count == back.segments("OBR").count, "an ORC for each report's order (the ServiceRequest read from its OBR)")
        let validation = HL7v2.Validator().validate(back)
        #expect(validation.errors.isEmpty, "\(validation.errors)")
        #expect(validation.structureID == "ORU_R01")
        #expect(result.unmappedResources.allSatisfy { $0.hasSuffix("(ServiceRequest)") }, "\(result.unmappedResources)")
    }

    @Test(arguments: ["ADT-A01-01.hl7", "ADT-A01-02.hl7", "ADT-A08-01.hl7"])
    func adtRoundTripKeepsThePatientAndVisit(_ name: String) throws {
        let original = try message(name)
        let (back, result) = try roundTrip(original, map: "ADT_A08")
        #expect(back.messageType == "ADT" && back.triggerEvent == "A08" && back.structureID == "ADT_A01")
        #expect(back.segments.prefix(4).map(\.id) == ["MSH", "EVN", "PID", "PV1"] && back.segments.dropFirst(4).allSatisfy { $0.id == "OBX" })
        #expect(RoundTripComparison(observationStatus: try status(), original: original, roundTrip: back).differences == [])
        let validation = HL7v2.Validator().validate(back)
        #expect(validation.errors.isEmpty, "\(validation.errors)")
        #expect(result.unmappedResources.contains { $0.hasSuffix("(Encounter)") || $0.hasSuffix("(Patient)") || $0.hasSuffix("(Observation)") } == false)
        #expect(result.unmappedResources.contains { $0.hasSuffix("(AllergyIntolerance)") } == !original.segments("AL1").isEmpty,
                "what no segment line reads (AL1's allergies) is listed as not mapped")
    }

    @Test func theComparisonFindsADifference() throws {
        // The same round trip, compared with an original whose values were changed: each change is found.
        let original = try message("LAB-ORU-2.hl7")
        let (back, _) = try roundTrip(original)
        var changed = original
        try changed.setValue("73", at: "OBX[2]-5")
        try changed.setValue("F", at: "PID-8")
        try changed.setValue("11111-1", at: "OBR[2]-4.1")
        #expect(RoundTripComparison(observationStatus: try status(), original: changed, roundTrip: back).differences == ["PID-8", "OBR[2]-4", "OBX[2]-5"])
        // A round trip that lost a result.
        let shorter = try Message(back.er7().split(separator: "\r").dropLast().joined(separator: "\r"))
        #expect(RoundTripComparison(observationStatus: try status(), original: original, roundTrip: shorter).differences == ["OBX count"])
    }

    // MARK: Hand-written Bundles

    @Test func aDiagnosticReportBundleBecomesAnORUR01() throws {
        let bundle = try FHIR.Element(json: [UInt8](try Data(contentsOf: Self.fhirExamples.appendingPathComponent("diagnosticreport-example.json"))))
        let mapper = FHIRToV2(library: library)
        #expect(try mapper.mapName(for: bundle) == "ORU_R01")
        let result = try mapper.convert(bundle)
        let message = try result.message()
        #expect(message.segments.map(\.id) == ["MSH"] + ["OBR"] + Array(repeating: "OBX", count: 17))
        let obr = try #require(message.segment("OBR"))
        #expect(obr.field(3)?.er7 == "5234342")
        #expect(obr.field(4)?.er7 == "58410-2^Complete blood count (hemogram) panel - Blood by Automated count^LN^CBC^MASTER FULL BLOOD COUNT^^^^Complete Blood Count")
        #expect(obr.field(7)?.er7 == "20110304083000+1100", "the dateTime keeps its precision and offset")
        #expect(obr.field(25)?.er7 == "F")
        let obx = try #require(message.segment("OBX"))
        #expect(obx.field(1)?.er7 == "1")
        #expect(obx.field(2)?.er7 == "NM")
        #expect(obx.field(3)?.component(1)?.text() == "718-7")
        #expect(obx.field(5)?.er7 == "176")
        #expect(obx.field(6)?.er7 == "g/L^^UCUM")
        #expect(obx.field(11)?.er7 == "F")
        #expect(message.segments("OBX").map { $0.field(1)?.er7 } == (1...17).map { "\($0)" }, "Set IDs count the OBX of their OBR")
        #expect(message.segment("MSH")?.field(7)?.er7 == "20110304114533+1100", "without a timestamp, MSH-7 is when the report was issued")
        #expect(message.segment("MSH")?.field(18)?.isEmpty != false, "ASCII only: no MSH-18")
        let validation = HL7v2.Validator().validate(message)
        #expect(validation.errors.isEmpty, "\(validation.errors)")
        // The interpretation codes' system is not in table 0396: said, with the rule and the place.
        let interpretation = try rule("fhir-to-v2/datatypes/CodeableConcept-CWE.map", "coding[0].system")
        #expect(result.issues.contains { $0.rule == interpretation && $0.input == "Bundle.entry[3].resource.interpretation.coding[0].system" })
    }

    @Test func fhirConvertersSampleGivesWhatFHIRConverterGives() throws {
        // FHIR-Converter's FHIR → HL7 v2 sample (corpus/hl7v2/microsoft-fhir-converter/fhir-to-hl7v2):
        // a batch-response whose Encounter entry is not valid R4 (left out, and said).
        let folder = V2ToFHIRTests.corpus.deletingLastPathComponent().appendingPathComponent("fhir-to-hl7v2")
        let result = try FHIRToV2(library: library).convert(json: [UInt8](try Data(contentsOf: folder.appendingPathComponent("input/ObservationBundle.json"))))
        #expect(result.issues.contains { $0.rule == "the FHIR reader" && $0.input.hasPrefix("Bundle.entry[1]") })
        let message = try result.message()
        let expected = try Message([UInt8](try Data(contentsOf: folder.appendingPathComponent("expected/ObservationBundle-expected.hl7"))))
        #expect(message.segments.map(\.id) == ["MSH", "PID", "OBR", "OBX"])
        #expect(expected.segments.map(\.id) == ["MSH", "PID", "OBR", "OBX"])
        for path in ["PID-3.1", "OBR-3.1", "OBX-3.1", "OBX-3.2", "OBX-3.3", "OBX-5", "OBX-7", "OBX-8.1", "OBX-11"] {
            let place = try HL7v2.Path(path)
            let ours = message.segment(place.segment)?.field(place.field)?.repetition(1).flatMap { place.component.map($0.component) ?? $0 }
            let theirs = expected.segment(place.segment)?.field(place.field)?.repetition(1).flatMap { place.component.map($0.component) ?? $0 }
            #expect(ours?.text() == theirs?.text(), "\(path)")
        }
        // OBX-6: FHIR-Converter writes the unit text; the v2-to-FHIR guide's CWE.1 is the code (UCUM mmol/L), the text CWE.2.
        #expect(message.segment("OBX")?.field(6)?.er7 == "mmol/L^mmol/l^UCUM")
        #expect(expected.segment("OBX")?.field(6)?.er7 == "mmol/l")
    }

    static let patient = #"""
        {"resourceType":"Patient","id":"p1","meta":{"lastUpdated":"2024-01-01T10:00:00+07:00"},"identifier":[{"value":"VN-001","type":{"coding":[{"code":"MR"}]}}],
         "name":[{"family":"O|Brien^&~\\x","given":["Thị","Minh","Anh"]}],"gender":"female","birthDate":"1980-02-29",
         "address":[{"use":"home","line":["12 Lê Lợi","Phường 1"],"city":"Huế","district":"Thuận Hóa","country":"VN"}],
         "telecom":[{"system":"phone","value":"0901234567","use":"mobile"},{"system":"email","value":"a@b.vn","use":"work"}],
         "maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"M"}]}}
        """#

    @Test func anObservationInNoReportGetsAnOBROfItsOwn() throws {
        let bundle = try bundle(#"""
            {"resourceType":"Bundle","type":"collection","timestamp":"2024-05-06T07:08:09.123456+07:00","entry":[
             {"fullUrl":"urn:uuid:p","resource":\#(Self.patient)},
             {"fullUrl":"urn:uuid:r","resource":{"resourceType":"DiagnosticReport","status":"final","code":{"text":"Panel"},
               "result":[{"reference":"urn:uuid:o1"}]}},
             {"fullUrl":"urn:uuid:o1","resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},
               "valueQuantity":{"value":12.50,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}}},
             {"fullUrl":"urn:uuid:o2","resource":{"resourceType":"Observation","status":"preliminary","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},
               "effectiveDateTime":"2024-05","valueString":"a|b"}}]}
            """#)
        let result = try FHIRToV2(library: library).convert(bundle)
        let message = try result.message()
        #expect(message.segments.map(\.id) == ["MSH", "PID", "OBR", "OBX", "OBR", "OBX"])
        let reports = message.segments("OBR"), results = message.segments("OBX")
        #expect(reports.map { $0.field(1)?.er7 } == ["1", "2"])
        #expect(reports[0].field(4)?.er7 == "^Panel", "a CodeableConcept with text only: CWE.2")
        #expect(reports[1].field(4)?.er7 == "8867-4^^LN", "the second OBR is the lone Observation's own")
        #expect(reports[1].field(7)?.er7 == "202405", "a date to the month stays to the month")
        #expect(reports[1].field(25)?.er7 == "P")
        #expect(results.map { $0.field(1)?.er7 } == ["1", "1"])
        #expect(results[0].field(5)?.er7 == "12.50", "a decimal keeps its digits")
        #expect(results[0].field(6)?.er7 == "g/dL^^UCUM")
        #expect(results[1].field(2)?.er7 == "ST")
        #expect(results[1].field(5)?.er7 == #"a\F\b"#)
        #expect(results[1].field(5)?.repetition(1)?.component(1)?.text() == "a|b")
        #expect(results[1].field(11)?.er7 == "P")
        #expect(message.segment("MSH")?.field(7)?.er7 == "20240506070809.1234+0700", "a fraction is cut to 4 digits; the offset is kept")
        #expect(HL7v2.Validator().validate(message).errors.isEmpty)
    }

    @Test func valuesAreEscaped() throws {
        let result = try FHIRToV2(library: library).convert(try bundle(Self.patient))
        let message = try result.message()
        let pid = try #require(message.segment("PID"))
        #expect(pid.field(5)?.er7 == #"O\F\Brien\S\\T\\R\\E\x^Thị^Minh Anh"#)
        #expect(pid.field(5)?.repetition(1)?.component(1)?.child(1)?.text() == #"O|Brien^&~\x"#)
        #expect(pid.field(5)?.repetition(1)?.component(3)?.text() == "Minh Anh", "the given names after the first are XPN.3")
        #expect(pid.field(3)?.er7 == "VN-001^^^^MR")
        #expect(pid.field(7)?.er7 == "19800229")
        #expect(pid.field(8)?.er7 == "F")
        #expect(message.segment("MSH")?.field(18)?.er7 == "UNICODE UTF-8", "text beyond ASCII: MSH-18 says UTF-8")
        #expect(pid.field(11)?.er7 == "12 Lê Lợi^Phường 1^Huế^^^VN^H^^Thuận Hóa", "Address → XAD, the use by table 0190 read backwards")
        #expect(pid.field(13)?.er7 == "0901234567^^CP", "a mobile phone: home number field, equipment CP")
        #expect(pid.field(14)?.er7 == "^WPN^Internet^a@b.vn", "a work e-mail: business number field, XTN.4")
        #expect(message.segments.map(\.id) == ["MSH", "EVN", "PID", "PV1"])
        #expect(message.segment("PV1")?.er7 == "PV1|1|N", "without an Encounter, the PV1 ADT_A01 requires says: not applicable")
        #expect(message.segment("EVN")?.field(2)?.er7 == "20240101100000+0700", "EVN-2: when the Patient was last updated")
        #expect(message.segment("MSH")?.field(7)?.er7 == "20240101100000+0700")
        #expect(HL7v2.Validator().validate(message).errors.isEmpty)
        #expect(!result.text.contains("\n") && result.text.split(separator: "\r").count == message.segmentCount)
    }

    // MARK: Choosing the map

    @Test func theMapIsChosenByTheEventOrByTheResources() throws {
        let mapper = FHIRToV2(library: library)
        let observation = #"{"resourceType":"Observation","status":"final","code":{"text":"x"}}"#
        #expect(try mapper.mapName(for: try bundle(Self.patient)) == "ADT_A08", "a lone resource is a collection of it")
        #expect(try mapper.mapName(for: try bundle(#"{"resourceType":"Bundle","type":"collection","entry":[{"resource":\#(Self.patient)},{"resource":\#(observation)}]}"#)) == "ORU_R01")
        let header = #"{"resourceType":"MessageHeader","eventCoding":{"system":"http://terminology.hl7.org/CodeSystem/v2-0003","code":"A08"},"source":{"endpoint":"urn:x"}}"#
        let withHeader = try bundle(#"{"resourceType":"Bundle","type":"message","entry":[{"resource":\#(header)},{"resource":\#(Self.patient)},{"resource":\#(observation)}]}"#)
        #expect(try mapper.mapName(for: withHeader) == "ADT_A08", "MessageHeader.eventCoding wins over the resources present")
        let empty = try bundle(#"{"resourceType":"Bundle","type":"collection"}"#)
        #expect(throws: MappingError.self) { try mapper.convert(empty) }
        #expect(throws: MappingError.self) { try mapper.convert(empty, map: "ORU_R02") }
    }

    @Test func theControlIDFitsMSH10() throws {
        let mapper = FHIRToV2(library: library)
        func controlID(header id: String?, identifier: String?) throws -> String? {
            let header = id.map { #"{"resource":{"resourceType":"MessageHeader","id":"\#($0)","eventCoding":{"code":"A08"},"source":{"endpoint":"urn:x"}}},"# } ?? ""
            let identifierJSON = identifier.map { #""identifier":{"value":"\#($0)"},"# } ?? ""
            let text = #"{"resourceType":"Bundle",\#(identifierJSON)"type":"message","entry":[\#(header){"resource":\#(Self.patient)}]}"#
            return try mapper.convert(try bundle(text)).message().segment("MSH")?.field(10)?.er7
        }
        #expect(try controlID(header: "MH-1", identifier: nil) == "MH-1")
        #expect(try controlID(header: "MH-1", identifier: "B-7") == "B-7", "the Bundle's identifier first")
        let uuid = try controlID(header: "3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", identifier: nil)
        #expect(uuid?.count == 20, "a 36-character id does not fit MSH-10 (20 in v2.5.1): the hash instead")
        #expect(try controlID(header: nil, identifier: String(repeating: "9", count: 21))?.count == 20)
    }

    @Test func theTraceSaysWhichRuleMadeWhichValue() throws {
        let result = try FHIRToV2(library: library, options: .init(trace: true)).convert(try bundle(Self.patient))
        let name = try rule("fhir-to-v2/segments/Patient-PID.map", "name ")
        let family = try rule("fhir-to-v2/datatypes/HumanName-XPN.map", "family ")
        let setID = try rule("fhir-to-v2/segments/Patient-PID.map", "%setID ")
        #expect(result.trace.contains(MappingTrace(rule: name, input: "Bundle.entry[0].resource.name", output: "PID[1]-5")))
        #expect(result.trace.contains(MappingTrace(rule: family, input: "Bundle.entry[0].resource.name.family", output: "PID[1]-5.1.1")))
        #expect(result.trace.contains { $0.rule == setID && $0.output == "PID[1]-1" })
        #expect(try FHIRToV2(library: library).convert(try bundle(Self.patient)).trace.isEmpty, "no trace unless asked")
    }

    @Test func theOutputIsDeterministic() throws {
        let mapper = FHIRToV2(library: library)
        let first = try mapper.convert(try bundle(Self.patient))
        let second = try mapper.convert(try bundle(Self.patient))
        #expect(first.er7 == second.er7)
        let other = try mapper.convert(try bundle(Self.patient.replacingOccurrences(of: "VN-001", with: "VN-002")))
        let controlID = try first.message().controlID
        #expect(controlID?.count == 20, "without an identifier, MSH-10 is a hash of the Bundle")
        let otherID = try other.message().controlID
        #expect(controlID != nil && controlID != otherID)
        let identified = try mapper.convert(try bundle(#"{"resourceType":"Bundle","type":"collection","identifier":{"value":"B-42"},"entry":[{"resource":\#(Self.patient)}]}"#))
        #expect(try identified.message().controlID == "B-42")
    }

    // MARK: Issues and errors

    @Test func aValueThatCannotBeMappedIsReportedWithRuleAndPlaceNotValue() throws {
        let result = try FHIRToV2(library: library).convert(try bundle(Self.patient.replacingOccurrences(of: #""female""#, with: #""secret-code""#)))
        let gender = try rule("fhir-to-v2/segments/Patient-PID.map", "gender")
        let issue = try #require(result.issues.first { $0.rule == gender })
        #expect(issue.input == "Bundle.entry[0].resource.gender")
        #expect(!issue.description.contains("secret-code"))
        #expect(try result.message().segment("PID")?.field(8)?.isEmpty != false, "the value is left out")
    }

    @Test func aLineTakesTheFirstResourceItsConditionHoldsFor() throws {
        let library = try MappingLibrary(sources: [
            ("fhir-to-v2/segments/Patient-PID.map", "segment Patient -> PID\nname.family -> PID-5.1.1\n"),
            ("fhir-to-v2/messages/ADT_A08.map", """
                message Bundle -> ADT^A08^ADT_A01 if true
                entry.resource.ofType(Patient) -> PID           via Patient-PID   if active
                each entry.resource -> PID                      via Patient-PID   if id = 'o'
                """),
        ])
        let patients = try bundle(#"""
            {"resourceType":"Bundle","type":"collection","entry":[
             {"resource":{"resourceType":"Patient","active":false,"name":[{"family":"First"}]}},
             {"resource":{"resourceType":"Patient","active":true,"name":[{"family":"Second"}]}},
             {"resource":{"resourceType":"Observation","id":"o","status":"final","code":{"text":"x"}}}]}
            """#)
        let result = try FHIRToV2(library: library).convert(patients)
        #expect(try result.message().segments("PID").map { $0.field(5)?.er7 } == ["Second"])
        let skipped = result.issues.filter { $0.rule == "fhir-to-v2/messages/ADT_A08.map:3" }
        #expect(skipped.map(\.input) == ["Bundle.entry[2].resource"], "the Observation is not a Patient: said, and skipped")
        #expect(result.unmappedResources == ["Bundle.entry[0] (Patient)", "Bundle.entry[2] (Observation)"])
    }

    @Test func quotesKeepArrowsAndHashesAsText() throws {
        let library = try MappingLibrary(sources: [
            ("fhir-to-v2/segments/Patient-PID.map", """
                segment Patient -> PID   # a comment
                "a#b" -> PID-5.2                                    # a constant with a hash
                name.where(text = 'x->y # z').family -> PID-5.1.1   if gender = 'female'
                """),
            ("fhir-to-v2/messages/ADT_A08.map", "message Bundle -> ADT^A08^ADT_A01\nentry.resource -> PID   via Patient-PID\n"),
        ])
        let patient = try bundle(#"{"resourceType":"Patient","gender":"female","name":[{"text":"x->y # z","family":"Nguyễn"},{"family":"Other"}]}"#)
        let message = try FHIRToV2(library: library).convert(patient, map: "ADT_A08").message()
        #expect(message.segment("PID")?.field(5)?.er7 == "Nguyễn^a#b")
    }

    @Test func aComponentTakesTheFirstValueAndARepeatingFieldAll() throws {
        let library = try MappingLibrary(sources: [
            ("fhir-to-v2/datatypes/HumanName-XPN.map", "datatype HumanName -> XPN\ngiven -> .2\n"),
            ("fhir-to-v2/segments/Patient-PID.map", "segment Patient -> PID\nname -> PID-5   via HumanName-XPN\nname.given -> PID-9.2\n"),
            ("fhir-to-v2/messages/ADT_A08.map", "message Bundle -> ADT^A08^ADT_A01\nentry.resource -> PID   via Patient-PID\n"),
        ])
        let patient = try bundle(#"{"resourceType":"Patient","name":[{"given":["A","B"]},{"given":["C"]}]}"#)
        let result = try FHIRToV2(library: library, options: .init(trace: true)).convert(patient, map: "ADT_A08")
        let pid = try #require(try result.message().segment("PID"))
        #expect(pid.field(5)?.er7 == "^A~^C", "PID-5 repeats: one XPN per name; XPN.2 takes the first given name")
        #expect(pid.field(9)?.er7 == "^A", "a component takes the first value")
        #expect(result.trace.filter { $0.rule == "fhir-to-v2/datatypes/HumanName-XPN.map:2" }.map(\.output) == ["PID[1]-5(1).2", "PID[1]-5(2).2"])
    }

    @Test func badRulesAreErrorsWithFileAndLine() {
        let sources: [(file: String, text: String)] = [
            ("fhir-to-v2/segments/Patient-PID.map", """
                segment Patient -> PID
                nmae -> PID-5                    via HumanName-XPN
                name.where(use = ) -> PID-5
                gender -> PID-99
                name -> PID-5                    via HumanName-XYZ
                name -> PID-8                    via HumanName-XPN
                gender -> PID-8                  via vocabulary no-such-table
                gender -> .1
                """),
            ("fhir-to-v2/datatypes/HumanName-XPN.map", """
                datatype HumanName -> XPN
                family -> .1.1
                given -> .99
                """),
            ("fhir-to-v2/messages/ORU_R01.map", """
                message Bundle -> ORU^R01^ORU_R01 version 9.9
                entry.resource.ofType(Patient) -> PID       via Patient-PIDX
                entry.resource.ofType(Patient) -> PV1       via Patient-PID
                each entry.resource -> ORDER_OBSERVATION
                entry.resource -> Pid
                """),
        ]
        #expect {
            _ = try MappingLibrary(sources: sources)
        } throws: { error in
            let errors = (error as? MappingErrors)?.errors.map { "\($0.file):\($0.line ?? 0)" } ?? []
            let expected = [
                "fhir-to-v2/segments/Patient-PID.map:2",  // Patient has no element nmae
                "fhir-to-v2/segments/Patient-PID.map:3",  // not FHIRPath
                "fhir-to-v2/segments/Patient-PID.map:4",  // PID has no field 99
                "fhir-to-v2/segments/Patient-PID.map:5",  // no map HumanName-XYZ
                "fhir-to-v2/segments/Patient-PID.map:6",  // XPN into PID-8 (IS)
                "fhir-to-v2/segments/Patient-PID.map:7",  // no vocabulary
                "fhir-to-v2/segments/Patient-PID.map:8",  // a component in a segment map
                "fhir-to-v2/datatypes/HumanName-XPN.map:3",  // XPN has no component 99
                "fhir-to-v2/messages/ORU_R01.map:1",  // no version 9.9
                "fhir-to-v2/messages/ORU_R01.map:2",  // no segment map Patient-PIDX
                "fhir-to-v2/messages/ORU_R01.map:3",  // Patient-PID makes PID
                "fhir-to-v2/messages/ORU_R01.map:4",  // a group with no lines under it
                "fhir-to-v2/messages/ORU_R01.map:5",  // neither a segment nor a group
            ]
            return Set(errors) == Set(expected)
        }
    }
}
