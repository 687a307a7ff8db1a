import FHIR
import Foundation
import HL7v2
import Testing
@testable import Mapping

@Suite struct V2ToFHIRTests {
    let library: MappingLibrary

    init() throws {
        library = try MappingLibrary(folder: VocabularyMapTests.mappings)
    }

    static let validator = Validator.standard()
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus/hl7v2/microsoft-fhir-converter/input")

    /// The line of the shipped mapping file `file` that starts with `prefix` (`file:line`).
    func rule(_ file: String, _ prefix: String) throws -> String {
        let text = try String(contentsOf: VocabularyMapTests.mappings.appendingPathComponent(file), encoding: .utf8)
        let index = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix(prefix) })
        return "\(file):\(index + 1)"
    }

    func message(_ name: String) throws -> Message {
        try Message([UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(name))))
    }

    func resources(_ bundle: FHIR.Element, _ type: String) -> [FHIR.Element] {
        bundle.children(named: "entry").compactMap { $0.child(named: "resource") }.filter { $0.type == type }
    }

    func fullUrl(of resource: FHIR.Element, in bundle: FHIR.Element) -> String? {
        bundle.children(named: "entry").first { $0.child(named: "resource") == resource }?.child(named: "fullUrl")?.value?.text
    }

    @Test func theShippedMappingsLoad() {
        let names = library.mapNames
        #expect(names.messages.contains("ADT_A01") && names.messages.contains("ORU_R01"))
        #expect(library.events.count >= 40, "issue 5 asks for at least 40 trigger events")
        #expect(names.segments.contains("PID-Patient"))
        #expect(library.events.contains("ADT^A08"))
    }

    @Test func adtA01BecomesAValidMessageBundle() throws {
        let result = try V2ToFHIR(library: library, options: .init(trace: true)).convert(try message("ADT-A01-01.hl7"))
        let bundle = try result.bundle()
        let validation = Self.validator.validate(bundle)
        #expect(!validation.hasErrors, "\(validation.errors)")
        #expect(bundle.child(named: "type")?.value?.text == "message")
        #expect(bundle.children(named: "entry").first?.child(named: "resource")?.type == "MessageHeader")

        let patient = try #require(resources(bundle, "Patient").first)
        #expect(patient.child(named: "gender")?.value?.text == "male")
        #expect(patient.child(named: "birthDate")?.value?.text == "1988-08-18")
        let identifiers = patient.children(named: "identifier").compactMap { $0.child(named: "value")?.value?.text }
        #expect(identifiers.prefix(6) == ["PATID1234", "123456789", "1234567", "PATID567", "PSSN123121234", "DLN-123"], "PID-3 repetitions, PID-2, PID-4, PID-19, PID-20")
        #expect(identifiers.dropFirst(6) == ["DB123", "Medicare-12345", "MCN-008", "MI-12345", "PNM1234", "1516", "G-SSN-12", "55121"],
                "then DB1-3, IN2's numbers, and GT1's as the guarantor is the patient (GT1-11 SEL)")
        let ssn = patient.children(named: "identifier")[4]
        #expect(ssn.child(named: "type")?.child(named: "coding")?.child(named: "code")?.value?.text == "SS", "[+] starts a new Identifier that the next rules complete")
        #expect(patient.children(named: "name").first?.child(named: "family")?.value?.text == "EVERYMAN")
        #expect(patient.children(named: "name").first?.children(named: "given").map { $0.value?.text } == ["ADAM", "A"])

        let encounter = try #require(resources(bundle, "Encounter").first)
        #expect(encounter.child(named: "class")?.child(named: "code")?.value?.text == "PRENC")
        #expect(encounter.child(named: "subject")?.child(named: "reference")?.value?.text == fullUrl(of: patient, in: bundle))
        let observation = try #require(resources(bundle, "Observation").first)
        // OBX-5 is `60~120`: a component per repetition, each with the code and the value.
        #expect(observation.child(named: "value") == nil)
        let components = observation.children(named: "component")
        #expect(components.map { $0.child(named: "value")?.child(named: "value")?.value?.text } == ["60", "120"])
        #expect(components.allSatisfy { $0.child(named: "code")?.child(named: "coding")?.child(named: "code")?.value?.text == "8867-4" })

        // Nothing silently lost: the segments no rule read are listed.
        #expect(result.unmappedSegments.contains("EVN (segment 3)"))
        #expect(result.unmappedSegments.contains { $0.hasPrefix("ROL") })
        #expect(!result.unmappedSegments.contains { $0.hasPrefix("PID") })
        let birthRule = try rule("v2-to-fhir/segments/PID-Patient.map", "PID-7 ")
        #expect(result.trace.contains { $0.rule == birthRule && $0.output.hasSuffix(".birthDate") })
    }

    @Test func a40MergeLinksThePatientToTheIdentifierItReplaces() throws {
        let result = try V2ToFHIR(library: library).convert(try message("ADT-A40-01.hl7"))
        let validation = Self.validator.validate(try result.bundle())
        #expect(!validation.hasErrors, "\(validation.errors)")
        let patient = try #require(resources(try result.bundle(), "Patient").first)
        let link = try #require(patient.child(named: "link"))
        #expect(link.child(named: "type")?.value?.text == "replaces")
        #expect(link.child(named: "other")?.child(named: "identifier")?.child(named: "value")?.value?.text != nil)
        #expect(!result.unmappedSegments.contains { $0.hasPrefix("MRG") })
    }

    /// Every corpus message whose event has a map becomes a Bundle that the project's own
    /// validator finds valid R4.
    @Test func everyMappedCorpusMessageIsValidR4() throws {
        let mapper = V2ToFHIR(library: library)
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".hl7") }.sorted()
        var mapped = 0
        var invalid: [String] = []
        for file in files {
            let message = try self.message(file)
            guard let result = try? mapper.convert(message) else { continue }
            mapped += 1
            let errors = Self.validator.validate(try result.bundle()).errors
            if !errors.isEmpty { invalid.append("\(file): \(errors.prefix(3))") }
        }
        #expect(mapped >= 90, "\(mapped) of \(files.count) corpus messages have a map")
        #expect(invalid.isEmpty, "\(invalid.joined(separator: "\n"))")
    }

    @Test func sameMessageSameIds() throws {
        let mapper = V2ToFHIR(library: library)
        let first = try mapper.convert(try message("ADT-A01-01.hl7"))
        let second = try mapper.convert(try message("ADT-A01-01.hl7"))
        #expect(first.json == second.json)
        let other = try mapper.convert(try message("ADT-A08-01.hl7"))
        #expect(try first.bundle().child(named: "id") != other.bundle().child(named: "id"))
    }

    @Test func oruGroupsObservationsUnderTheirReport() throws {
        let text = """
            MSH|^~\\&|LIS|BV_A|BUS|SYT|20261123083000+0700||ORU^R01^ORU_R01|M1|P|2.5.1\r\
            PID|1||001203004567^^^BV_A^MR||NGUYEN^AN||19900401|F\r\
            OBR|1|O1|F1|58410-2^CBC panel^LN|||20261123080000||||||||||||||||||F\r\
            OBX|1|NM|718-7^Hemoglobin^LN||13.5|g/dL^g/dL^UCUM|12-16||||F\r\
            OBX|2|NM|4544-3^Hematocrit^LN||40.1|%^%^UCUM|36-46||||F\r\
            OBR|2|O2|F2|24323-8^Metabolic panel^LN|||20261123080000||||||||||||||||||P\r\
            OBX|1|ST|2951-2^Sodium^LN||normal||||||P\r\
            NTE|1||a comment\r
            """
        let result = try V2ToFHIR(library: library).convert(try Message(text))
        let validation = Self.validator.validate(try result.bundle())
        #expect(!validation.hasErrors, "\(validation.errors)")
        let bundle = try result.bundle()
        let reports = resources(bundle, "DiagnosticReport")
        let observations = resources(bundle, "Observation")
        #expect(reports.count == 2)
        #expect(observations.count == 3)
        let firstResults = reports[0].children(named: "result").compactMap { $0.child(named: "reference")?.value?.text }
        #expect(firstResults == observations[0...1].map { fullUrl(of: $0, in: bundle) })
        #expect(reports[1].children(named: "result").count == 1)
        #expect(reports[1].child(named: "status")?.value?.text == "preliminary")
        #expect(observations[0].child(named: "value")?.child(named: "value")?.value?.text == "13.5")
        // A 12-digit citizen ID is the VN Core national identifier.
        let identifier = resources(try result.bundle(), "Patient").first?.child(named: "identifier")
        #expect(identifier?.child(named: "system")?.value?.text == "http://fhir.ehealth.gov.vn/core/sid/national_id")
        #expect(observations[0].child(named: "value")?.child(named: "system")?.value?.text == "http://unitsofmeasure.org")
        #expect(observations[2].child(named: "value")?.value?.text == "normal")
        #expect(result.unmappedSegments == ["NTE (segment 8)"])
        let time = try #require(bundle.child(named: "timestamp")?.value?.text)
        #expect(time == "2026-11-23T08:30:00+07:00")
    }

    @Test func badValuesAreReportedWithRuleAndPlaceNotValue() throws {
        let text = "MSH|^~\\&|HIS|BV|BUS|SYT|20261123||ADT^A01|M2|P|2.5\rPID|1||X1||DOE^J||19901399|Q\r"
        let result = try V2ToFHIR(library: library).convert(try Message(text))
        let birthRule = try rule("v2-to-fhir/segments/PID-Patient.map", "PID-7 ")
        let birth = try #require(result.issues.first { $0.rule == birthRule })
        #expect(birth.input == "PID segment 2 field 7")
        #expect(!birth.message.contains("19901399"))
        // An unknown sex code: unmapped → unknown (the ConceptMap's rule), no issue.
        let patient = try #require(resources(try result.bundle(), "Patient").first)
        #expect(patient.child(named: "gender")?.value?.text == "unknown")
        #expect(patient.child(named: "birthDate") == nil)
    }

    @Test func loadingReportsEveryProblemWithFileAndLine() {
        let sources = [
            (file: "d/XPN-HumanName.map", text: "datatype XPN -> HumanName\n.1 -> family\n.2 -> nickname\n"),
            (file: "s/PID-Patient.map", text: "segment PID -> Patient\nPID-5 -> name via XPN-HumanName\nPID-3 -> identifier via CX-Identifier\nPID-8 -> gender via vocabulary none\nOBX-5 -> gender\n"),
            (file: "m/ADT.map", text: "message ADT^A01 -> Bundle message\nPID -> Patient as patient via PID-Patient\nPV1 -> Encounter via PV1-Encounter\n    subject = nobody\n"),
        ]
        #expect {
            try MappingLibrary(sources: sources)
        } throws: { error in
            let errors = (error as? MappingErrors)?.errors.map(\.description) ?? []
            return errors.contains("d/XPN-HumanName.map:3: HumanName has no element nickname")
                && errors.contains("s/PID-Patient.map:3: no data-type map named CX-Identifier")
                && errors.contains("s/PID-Patient.map:4: no vocabulary map (ConceptMap) named none")
                && errors.contains("s/PID-Patient.map:5:1: this map converts PID segments; OBX-5 is a field of OBX")
                && errors.contains("m/ADT.map:3: no segment map named PV1-Encounter")
                && errors.contains("m/ADT.map:4: no resource named nobody before this line")
        }
    }

    @Test func blocksAreCheckedLikeRules() {
        let sources = [
            (file: "s/OBX-Observation.map", text: """
                segment OBX -> Observation
                OBX-5 -> component via decimal
                    . -> valueQuantity.value
                OBX-5 -> valueQuantity
                    . -> value
                . -> valueString
                OBX-5 -> component
                    . -> valueQuantity.nonsense
                """),
        ]
        #expect {
            try MappingLibrary(sources: sources)
        } throws: { error in
            let errors = (error as? MappingErrors)?.errors.map(\.description) ?? []
            return errors.contains("s/OBX-Observation.map:2:1: a rule with a block under it makes a new item per value; it takes no via")
                && errors.contains("s/OBX-Observation.map:4: a block makes one valueQuantity per value: it must be a repeating element with elements of its own")
                && errors.contains("s/OBX-Observation.map:6:1: `.` is the value a block runs for; this rule is not in a block")
                && errors.contains("s/OBX-Observation.map:8: Quantity has no element nonsense")
        }
    }
}

extension V2ToFHIRTests {
    @Test func vietnameseIdentifiersFollowVNCore() throws {
        let text = "MSH|^~\\&|HIS|BV|BUS|SYT|20261123083000||ADT^A04|V1|P|2.5\r"
            + "PID|1||001203004567^^^BV^CCCD~DN4790123456789^^^BHXH^HI~HS12345^^^BV^MR||NGUYEN^AN||19900401|F\r"
        let result = try V2ToFHIR(library: library).convert(try Message(text))
        let bundle = try result.bundle()
        #expect(!Self.validator.validate(bundle).hasErrors, "\(Self.validator.validate(bundle).errors)")
        let patient = try #require(resources(bundle, "Patient").first)
        let systems = patient.children(named: "identifier").map { $0.child(named: "system")?.value?.text }
        #expect(systems.first == "http://fhir.ehealth.gov.vn/core/sid/national_id", "the 12-digit citizen ID")
        let coverage = try #require(resources(bundle, "Coverage").first, "the insurance card among PID-3 makes a Coverage")
        #expect(coverage.child(named: "identifier")?.child(named: "system")?.value?.text == "http://fhir.ehealth.gov.vn/core/sid/insurance_number")
        #expect(coverage.child(named: "identifier")?.child(named: "value")?.value?.text == "DN4790123456789")
        #expect(coverage.child(named: "beneficiary")?.child(named: "reference")?.value?.text == fullUrl(of: patient, in: bundle))

        let withoutCard = try V2ToFHIR(library: library).convert(try Message(
            "MSH|^~\\&|HIS|BV|BUS|SYT|20261123083000||ADT^A04|V2|P|2.5\rPID|1||HS12345^^^BV^MR||NGUYEN^AN||19900401|F\r"))
        #expect(resources(try withoutCard.bundle(), "Coverage").isEmpty, "no card, no Coverage")
    }

    @Test func valuesAreTrimmedOfSpacesAndTabsOnly() {
        #expect(V2ToFHIR.Run.trimmingSpaces("  Nguyễn Văn An \t") == "Nguyễn Văn An")
        #expect(V2ToFHIR.Run.trimmingSpaces("\u{00A0}x\u{00A0}") == "\u{00A0}x\u{00A0}")
        #expect(V2ToFHIR.Run.trimmingSpaces("   ") == "")
        #expect(V2ToFHIR.Run.trimmingSpaces("plain") == "plain")
    }

    @Test func conditionsTestTheTrimmedUnescapedText() throws {
        // Conditions compare plain ASCII on its bytes and anything else as text: both must agree.
        let library = try MappingLibrary(sources: [
            (file: "PID-Patient.map", text: """
                segment PID -> Patient
                "equals" -> identifier[+].value    if PID-8 = "F"
                "in" -> identifier[+].value        if PID-8 in ("X", "F")
                "differs" -> identifier[+].value   if PID-8 != "F"
                "exists" -> identifier[+].value    if PID-8 exists
                "missing" -> identifier[+].value   if PID-8 missing
                "accented" -> identifier[+].value  if PID-8 = "É"
                """),
            (file: "ADT.map", text: "message ADT^A01 -> Bundle collection\nPID -> Patient via PID-Patient\n"),
        ])
        func tests(_ sex: String) throws -> [String] {
            let message = try Message("MSH|^~\\&|A|B|C|D|20261123||ADT^A01|1|P|2.5\rPID|1||1||N^A||19900401|\(sex)\r")
            let patient = try #require(resources(try V2ToFHIR(library: library).convert(message).bundle(), "Patient").first)
            return patient.children(named: "identifier").compactMap { $0.child(named: "value")?.value?.text }
        }
        #expect(try tests("F") == ["equals", "in", "exists"])
        #expect(try tests(" F\t") == ["equals", "in", "exists"], "spaces and tabs around the value are trimmed")
        #expect(try tests("\\X46\\") == ["equals", "in", "exists"], "an escape is read before comparing: \\X46\\ is F")
        #expect(try tests("M") == ["differs", "exists"])
        #expect(try tests("  ") == ["differs", "missing"], "only spaces: no value")
        #expect(try tests("\\H\\") == ["differs", "missing"], "a formatting escape alone leaves no text")
        #expect(try tests("É") == ["differs", "exists", "accented"])
    }

    @Test func aMatchesConditionInsideABlockIsEvaluated() throws {
        let library = try MappingLibrary(sources: [
            (file: "PID-Patient.map", text: """
                segment PID -> Patient
                PID-3 -> identifier
                    .1 -> value                 if .1 matches "[0-9]+"
                """),
            (file: "ADT.map", text: "message ADT^A01 -> Bundle collection\nPID -> Patient via PID-Patient\n"),
        ])
        let result = try V2ToFHIR(library: library).convert(try Message("MSH|^~\\&|A|B|C|D|20261123||ADT^A01|1|P|2.5\rPID|1||123~ABC\r"))
        let patient = try #require(resources(try result.bundle(), "Patient").first)
        #expect(patient.children(named: "identifier").map { $0.child(named: "value")?.value?.text } == ["123"])
    }

    @Test func theAccidentAndTheAutopsyAreObservationsWithLOINCCodes() throws {
        // ADT-A01-01: ACC|20140317||…|vehicle acident|… and PDA with autopsy Y, coroner N.
        let bundle = try V2ToFHIR(library: library).convert(try message("ADT-A01-01.hl7")).bundle()
        var byCode: [String: FHIR.Element] = [:]
        for observation in resources(bundle, "Observation") {
            if let code = observation.child(named: "code")?.child(named: "coding")?.child(named: "code")?.value?.text { byCode[code] = observation }
        }
        let accident = try #require(byCode["11374-6"])
        #expect(accident.child(named: "value")?.value?.text == "vehicle acident")
        #expect(accident.child(named: "effective")?.value?.text == "2014-03-17")
        #expect(byCode["85699-7"]?.child(named: "value")?.child(named: "coding")?.child(named: "code")?.value?.text == "Y")
        #expect(byCode["74497-9"]?.child(named: "value")?.child(named: "coding")?.child(named: "code")?.value?.text == "N")
    }

    @Test func aConsenterIsOneOfThePatientsNamesOnlyWhenThePatientSigned() throws {
        func families(_ relationship: String) throws -> [String?] {
            let text = "MSH|^~\\&|A|B|C|D|20261123||MDM^T02|1|P|2.8\rPID|1||P1^^^H^MR||NGUYEN^AN||19900401|F\r"
                + "TXA|1|DI|TX|20261123||||||||D1\rCON|1|001" + String(repeating: "|", count: 22) + "TRAN^BINH|\(relationship)\r"
            let bundle = try V2ToFHIR(library: library).convert(try Message(text)).bundle()
            return resources(bundle, "Patient").first?.children(named: "name").map { $0.child(named: "family")?.value?.text } ?? []
        }
        #expect(try families("1") == ["NGUYEN", "TRAN"], "CON-25 = 1: the patient signed (table 0548, self)")
        #expect(try families("2") == ["NGUYEN"], "a parent's name is not the patient's")
    }

    @Test func barP02MakesAPatientAndVisitPerPatientGroup() throws {
        let text = "MSH|^~\\&|A|B|C|D|20261123||BAR^P02|1|P|2.5\r"
            + "PID|1||P1^^^H^MR||NGUYEN^AN||19900401|F\rPV1|1|I\rPID|2||P2^^^H^MR||TRAN^BINH||19850101|M\rPV1|1|O\r"
        let bundle = try V2ToFHIR(library: library).convert(try Message(text)).bundle()
        let patients = resources(bundle, "Patient")
        let encounters = resources(bundle, "Encounter")
        #expect(patients.count == 2 && encounters.count == 2)
        let subjects = encounters.map { $0.child(named: "subject")?.child(named: "reference")?.value?.text }
        #expect(subjects == patients.map { fullUrl(of: $0, in: bundle) }, "each visit is its own patient's")
    }

    @Test func barP01MakesAnEncounterPerVisitWithItsOwnDiagnoses() throws {
        let text = "MSH|^~\\&|A|B|C|D|20261123||BAR^P01|1|P|2.5\rPID|1||P1^^^H^MR||NGUYEN^AN||19900401|F\r"
            + "PV1|1|I|||||||||||||||||V1\rDG1|1||J18.9^Pneumonia^I10\r"
            + "PV1|1|O|||||||||||||||||V2\rDG1|1||E11.9^Diabetes^I10\r"
        let bundle = try V2ToFHIR(library: library).convert(try Message(text)).bundle()
        let encounters = resources(bundle, "Encounter")
        let conditions = resources(bundle, "Condition")
        #expect(encounters.count == 2 && conditions.count == 2)
        let visits = conditions.map { $0.child(named: "encounter")?.child(named: "reference")?.value?.text }
        #expect(visits == encounters.map { fullUrl(of: $0, in: bundle) }, "each diagnosis belongs to its own visit")
    }

    @Test func aReferenceToAResourceTheGroupLacksIsLeftOut() throws {
        let library = try MappingLibrary(sources: [
            (file: "ORC-ServiceRequest.map", text: "segment ORC -> ServiceRequest\n\"unknown\" -> status\n\"order\" -> intent\n"),
            (file: "OBR-DiagnosticReport.map", text: "segment OBR -> DiagnosticReport\n\"unknown\" -> status\nOBR-4.1 -> code.text\n"),
            (file: "OBX-Observation.map", text: "segment OBX -> Observation\n\"unknown\" -> status\nOBX-3.1 -> code.text\n"),
            (file: "DFT.map", text: """
                message DFT^P03 -> Bundle collection
                each ORC -> ServiceRequest as order   via ORC-ServiceRequest
                    OBR -> DiagnosticReport as report via OBR-DiagnosticReport
                    each OBX -> Observation as result via OBX-Observation
                        report.result += result
                """),
        ])
        // The second order has no OBR, so no report for its OBX to be a result of.
        let text = "MSH|^~\\&|A|B|C|D|20261123||DFT^P03|1|P|2.5\rORC|NW|1\rOBR|1|||R1\rOBX|1|ST|A||x\rORC|NW|2\rOBX|1|ST|B||y\r"
        let result = try V2ToFHIR(library: library).convert(try Message(text))
        let bundle = try result.bundle()
        let observations = resources(bundle, "Observation")
        #expect(observations.count == 2)
        #expect(observations.allSatisfy { $0.child(named: "result") == nil })
        #expect(resources(bundle, "DiagnosticReport").first?.children(named: "result").count == 1)
        #expect(result.issues.contains { $0.rule == "DFT.map:5" && $0.message.contains("no report resource") })
    }

    @Test func aResourceLineCanTestTheSegmentsOfItsGroup() throws {
        let library = try MappingLibrary(sources: [
            (file: "ORC-ServiceRequest.map", text: "segment ORC -> ServiceRequest\nORC-2.1 -> identifier.value\n"),
            (file: "ORC-MedicationRequest.map", text: "segment ORC -> MedicationRequest\nORC-2.1 -> identifier.value\n"),
            (file: "ORM.map", text: """
                message ORM^O01 -> Bundle collection
                each ORC -> ServiceRequest      via ORC-ServiceRequest      if RXO missing and RQD missing
                each ORC -> MedicationRequest   via ORC-MedicationRequest   if RXO exists
                """),
        ])
        // A lab order, a pharmacy order, a supply order: each ORC's group runs up to the next ORC.
        let text = "MSH|^~\\&|A|B|C|D|20261123||ORM^O01|1|P|2.5\rORC|NW|L1\rOBR|1\rORC|NW|P1\rRXO|123\rORC|NW|S1\rRQD|1\r"
        let result = try V2ToFHIR(library: library).convert(try Message(text))
        let bundle = try result.bundle()
        func numbers(_ type: String) -> [String?] {
            resources(bundle, type).map { $0.child(named: "identifier")?.child(named: "value")?.value?.text }
        }
        #expect(numbers("ServiceRequest") == ["L1"])
        #expect(numbers("MedicationRequest") == ["P1"])
        #expect(result.unmappedSegments.contains("ORC (segment 6)"), "the supply order is listed, not dropped silently")
    }

    @Test func aResourceLineReadsOnlyTheSegmentsItsConditionsAllow() throws {
        let library = try MappingLibrary(sources: [
            (file: "OBX-Observation.map", text: "segment OBX -> Observation\n\"unknown\" -> status\nOBX-3.1 -> code.text\n"),
            (file: "OBX-DiagnosticReport.map", text: "segment OBX -> DiagnosticReport\n\"unknown\" -> status\nOBX-3.1 -> code.text\n"),
            (file: "ORU.map", text: """
                message ORU^R01 -> Bundle collection
                each OBX -> Observation        via OBX-Observation        if OBX-2 != "ED" and OBX-2 != "RP"
                each OBX -> DiagnosticReport   via OBX-DiagnosticReport   if OBX-2 in ("ED", "RP")
                OBX -> DiagnosticReport        via OBX-DiagnosticReport   if OBX-3.1 matches "B.*"
                """),
        ])
        let text = "MSH|^~\\&|A|B|C|D|20261123||ORU^R01|1|P|2.5\rOBX|1|NM|A||1\rOBX|2|ED|B1||^text^plain^A^x\rOBX|3|RP|B2||http://x\r"
        let bundle = try V2ToFHIR(library: library).convert(try Message(text)).bundle()
        #expect(resources(bundle, "Observation").map { $0.child(named: "code")?.child(named: "text")?.value?.text } == ["A"])
        // `each` makes one per segment that meets the conditions; without `each`, the first such segment.
        #expect(resources(bundle, "DiagnosticReport").map { $0.child(named: "code")?.child(named: "text")?.value?.text } == ["B1", "B2", "B1"])

        #expect {
            try MappingLibrary(sources: [
                (file: "OBX-Observation.map", text: "segment OBX -> Observation\n\"unknown\" -> status\n"),
                (file: "ORU.map", text: "message ORU^R01 -> Bundle collection\neach OBX -> Observation via OBX-Observation if status missing\nOBX -> Observation via OBX-Observation unless\n"),
            ])
        } throws: { error in
            let errors = (error as? MappingErrors)?.errors.map(\.description) ?? []
            return errors.contains("ORU.map:2:48: a resource line's condition tests fields of its segment, such as OBX-2")
                && errors.contains("ORU.map:3:40: unexpected unless; after via SEGMENTMAP comes `if CONDITION`")
        }
    }
}
