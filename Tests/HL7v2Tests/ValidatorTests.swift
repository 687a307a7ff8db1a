import Foundation
import Testing
@testable import HL7v2

/// Hand-written messages: structure, required fields, tables, versions.
@Suite struct ValidatorTests {
    static let msh25 = "MSH|^~\\&|APP|FAC|RAPP|RFAC|20240101120000||ADT^A01^ADT_A01|MSG001|P|2.5"
    static let evn = "EVN|A01|20240101120000"
    static let pid = "PID|1||12345^^^HOSP^MR||DOE^JOHN||19800101|M"
    static let pv1 = "PV1|1|I|WARD^101^1"

    /// Builds a message from segments joined with CR.
    static func message(_ segments: String...) throws -> Message {
        try Message(segments.joined(separator: "\r"))
    }

    static func validate(_ segments: String..., configuration: Validator.Configuration = .init()) throws -> ValidationResult {
        Validator(configuration: configuration).validate(try Message(segments.joined(separator: "\r")))
    }

    /// (condition, path or segment ID, segment index) of every error.
    static func errors(_ result: ValidationResult) -> [Found] {
        result.errors.map { Found($0.code.condition, $0.location.path ?? $0.location.segment ?? "", $0.location.segmentIndex) }
    }

    struct Found: Equatable, CustomStringConvertible {
        var condition: Int
        var path: String
        var segmentIndex: Int?
        init(_ condition: Int, _ path: String, _ segmentIndex: Int? = nil) {
            self.condition = condition
            self.path = path
            self.segmentIndex = segmentIndex
        }
        var description: String { "\(condition) \(path) \(segmentIndex.map(String.init) ?? "-")" }
    }

    // MARK: Valid messages

    @Test func validADT_A01() throws {
        let result = try Self.validate(Self.msh25, Self.evn, Self.pid, Self.pv1)
        #expect(result.issues.isEmpty, "\(result.issues)")
        #expect(result.isValid)
        #expect(result.version == "2.5")
        #expect(result.structureID == "ADT_A01")
    }

    @Test func validFullADT_A01WithGroups() throws {
        let result = try Self.validate(
            Self.msh25, Self.evn, Self.pid, "PD1|||CLINIC", "ROL|1|AD|PP|DR^WHO", "NK1|1|DOE^JANE|SPO", "NK1|2|DOE^JIM|SON",
            Self.pv1, "PV2|||ILL", "OBX|1|NM|8867-4^HR^LN||72|/min|||||F", "AL1|1|DA|PEN^Penicillin", "DG1|1||I10^X^I10|||A",
            "PR1|1||P1^Proc||20240101", "ROL|2|AD|SURG|DR^NO", "PR1|2||P2^Proc||20240102", "GT1|1||DOE^JOHN",
            "IN1|1|PLAN1|INS1", "IN2|1", "IN3|1", "IN1|2|PLAN2|INS2"
        )
        #expect(result.issues.isEmpty, "\(result.issues)")
    }

    @Test func eventTableChoosesStructure() throws {
        // ADT^A04 has no structure of its own: it uses ADT_A01.
        let result = try Self.validate("MSH|^~\\&|APP|FAC|||20240101||ADT^A04|1|P|2.5", "EVN|A04|20240101", Self.pid, Self.pv1)
        #expect(result.structureID == "ADT_A01")
        #expect(result.isValid, "\(result.issues)")
    }

    @Test func ackIsItsOwnStructure() throws {
        let result = try Self.validate("MSH|^~\\&|APP|FAC|||20240101||ACK^A01|1|P|2.5", "MSA|AA|MSG001")
        #expect(result.structureID == "ACK")
        #expect(result.issues.isEmpty, "\(result.issues)")
    }

    // MARK: Structure

    @Test func missingPID() throws {
        let result = try Self.validate(Self.msh25, Self.evn, Self.pv1)
        #expect(Self.errors(result) == [Found(100, "PID", 3)])
        let issue = try #require(result.errors.first)
        #expect(issue.code == .segmentSequence)
        #expect(issue.message.contains("required segment PID"))
        #expect(issue.message.contains("ADT_A01"))
        #expect(issue.message.contains("after segment 2 (EVN)"))
    }

    @Test func missingPV1AtTheEnd() throws {
        let result = try Self.validate(Self.msh25, Self.evn, Self.pid)
        #expect(Self.errors(result) == [Found(100, "PV1", 4)])
        #expect(result.errors.first?.message.contains("at the end of the message") == true)
    }

    @Test func missingRequiredSegmentInsideAGroupNamesTheGroupPath() throws {
        // ORU_R01: an OBX without its OBR.
        let result = try Self.validate(
            "MSH|^~\\&|LAB|FAC|||20240101||ORU^R01^ORU_R01|1|P|2.5", "PID|1||1^^^H^MR||DOE^J",
            "OBX|1|NM|1^A||5||||||F", "OBX|2|NM|1^B||6||||||F"
        )
        #expect(Self.errors(result) == [Found(100, "OBR", 3)])
        #expect(result.errors.first?.message.contains("ORU_R01/PATIENT_RESULT/ORDER_OBSERVATION") == true)
    }

    @Test func segmentsOutOfOrder() throws {
        // PV1 before PID: one segment is missing where it belongs, the other is out of place.
        let result = try Self.validate(Self.msh25, Self.evn, Self.pv1, Self.pid)
        #expect(result.errors.count == 2)
        #expect(result.errors.allSatisfy { $0.code == .segmentSequence })
        // NK1 after PV1 (NK1 belongs before it): NK1 is out of place.
        let nk1 = try Self.validate(Self.msh25, Self.evn, Self.pid, Self.pv1, "NK1|1|DOE^JANE")
        #expect(Self.errors(nk1) == [Found(100, "NK1", 5)])
        #expect(nk1.errors.first?.message.contains("out of place") == true)
    }

    @Test func segmentRepeatedTooOften() throws {
        let result = try Self.validate(Self.msh25, Self.evn, Self.pid, Self.pid, Self.pv1)
        #expect(Self.errors(result) == [Found(100, "PID", 4)])
        #expect(result.errors.first?.message.contains("repeats") == true)
    }

    @Test func zSegmentsAreAllowedAnywhere() throws {
        let result = try Self.validate(
            Self.msh25, "ZFI|x", Self.evn, "ZEV|1", Self.pid, Self.pv1, "PR1|1||P1||20240101", "ZPR|in the procedure group", "ROL|1|AD|SURG|DR^NO",
            "IN1|1|PLAN|INS", "ZIN|between IN1 and IN2", "IN2|1", "ZZZ|at the end"
        )
        #expect(result.issues.isEmpty, "\(result.issues)")
    }

    @Test func unknownNonZSegmentIsRejected() throws {
        let result = try Self.validate(Self.msh25, Self.evn, Self.pid, "XYZ|1", Self.pv1)
        #expect(Self.errors(result) == [Found(100, "XYZ", 4)])
        #expect(result.errors.first?.message.contains("not defined in HL7 v2.5") == true)
    }

    @Test func segmentOfTheVersionButNotOfTheStructureIsRejected() throws {
        let result = try Self.validate(Self.msh25, Self.evn, Self.pid, Self.pv1, "ORC|NW")
        #expect(Self.errors(result) == [Found(100, "ORC", 5)])
        #expect(result.errors.first?.message.contains("not part of message structure ADT_A01") == true)
    }

    @Test func choiceGroupTakesExactlyOneAlternative() throws {
        let msh = "MSH|^~\\&|A|B|||20240101||ORM^O01^ORM_O01|1|P|2.5"
        let one = try Self.validate(msh, "ORC|NW", "OBR|1|||T^Test")
        #expect(one.isValid, "\(one.issues)")
        let other = try Self.validate(msh, "ORC|NW", "RXO|1")
        #expect(other.isValid, "\(other.issues)")
        // Two alternatives in one ORDER_DETAIL: the second one has no place.
        let two = try Self.validate(msh, "ORC|NW", "OBR|1|||T^Test", "RXO|1")
        #expect(Self.errors(two) == [Found(100, "RXO", 4)])
        // A second ORDER must start with ORC.
        let next = try Self.validate(msh, "ORC|NW", "OBR|1|||T^Test", "ORC|NW", "RXO|1")
        #expect(next.isValid, "\(next.issues)")
    }

    @Test func trailingRequiredSegmentOfAGroupIsReportedMissing() throws {
        // RSP_K21 (v2.5 definitions): QUERY_RESPONSE = PID [PD1] [{NK1}] QRI.
        let result = try Self.validate(
            "MSH|^~\\&|A|B|||20240101||RSP^K22^RSP_K21|1|P|2.5", "MSA|AA|1", "QAK|1|OK", "QPD|Q22^Find^HL7|1", "PID|1||1^^^H^MR||DOE^J"
        )
        #expect(Self.errors(result) == [Found(100, "QRI", 6)])
        #expect(result.errors.first?.message.contains("RSP_K21/QUERY_RESPONSE") == true)
    }

    @Test func structureFromMSH9_3WinsAndAnUnknownOneFallsBackWithAWarning() throws {
        let named = try Self.validate("MSH|^~\\&|A|B|||20240101||ADT^A04^ADT_A01|1|P|2.5", "EVN|A04|20240101", Self.pid, Self.pv1)
        #expect(named.structureID == "ADT_A01")
        #expect(named.issues.isEmpty)
        // ADT_A04 is not a structure (table 0354): ADT^A04 gives ADT_A01, with a warning.
        let fallback = try Self.validate("MSH|^~\\&|A|B|||20240101||ADT^A04^ADT_A04|1|P|2.5", "EVN|A04|20240101", Self.pid, Self.pv1)
        #expect(fallback.structureID == "ADT_A01")
        #expect(fallback.isValid)
        #expect(fallback.warnings.map(\.code) == [.tableValueNotFound])
        #expect(fallback.warnings.first?.location.path == "MSH-9.3")
    }

    @Test func perVersionStructureDifferences() throws {
        // ROL after PID (before NK1) exists in ADT_A01 from 2.4 on, not in 2.3.
        let v25 = try Self.validate(Self.msh25, Self.evn, Self.pid, "ROL|1|AD|PP|DR^WHO", Self.pv1)
        #expect(v25.isValid, "\(v25.issues)")
        let msh23 = "MSH|^~\\&|APP|FAC|||20240101||ADT^A01|MSG001|P|2.3"
        let v23 = try Self.validate(msh23, Self.evn, Self.pid, "ROL|1|AD|PP|DR^WHO", Self.pv1)
        #expect(v23.version == "2.3")
        #expect(Self.errors(v23) == [Found(100, "ROL", 4)])
        #expect(v23.errors.first?.message.contains("out of place") == true)
        // SFT exists from 2.5 on: in 2.3 it is not a segment at all.
        let sft23 = try Self.validate(msh23, "SFT|Vendor", Self.evn, Self.pid, Self.pv1)
        #expect(Self.errors(sft23) == [Found(100, "SFT", 2)])
        #expect(sft23.errors.first?.message.contains("not defined in HL7 v2.3") == true)
        let sft25 = try Self.validate(Self.msh25, "SFT|Vendor|1.0|LienThong|1", Self.evn, Self.pid, Self.pv1)
        #expect(sft25.isValid, "\(sft25.issues)")
        // EVN-1 is required in 2.3, optional in 2.5.
        let evn23 = try Self.validate(msh23, "EVN||20240101", Self.pid, Self.pv1)
        #expect(Self.errors(evn23) == [Found(101, "EVN-1", 2)])
        let evn25 = try Self.validate(Self.msh25, "EVN||20240101", Self.pid, Self.pv1)
        #expect(evn25.isValid)
    }

    // MARK: Fields

    @Test func requiredFieldMissing() throws {
        let noControlID = try Self.validate("MSH|^~\\&|APP|FAC|||20240101||ADT^A01||P|2.5", Self.evn, Self.pid, Self.pv1)
        #expect(Self.errors(noControlID) == [Found(101, "MSH-10", 1)])
        #expect(noControlID.errors.first?.code == .requiredFieldMissing)
        // PID-3 present but only delimiters: empty.
        let noID = try Self.validate(Self.msh25, Self.evn, "PID|1||^^^~||DOE^JOHN", Self.pv1)
        #expect(Self.errors(noID) == [Found(101, "PID-3", 3)])
        // PID-5 beyond the last field present: missing.
        let short = try Self.validate(Self.msh25, Self.evn, "PID|1||123", Self.pv1)
        #expect(Self.errors(short) == [Found(101, "PID-5", 3)])
        // The null "" is a value.
        let null = try Self.validate(Self.msh25, Self.evn, "PID|1||\"\"||DOE", Self.pv1)
        #expect(null.isValid, "\(null.issues)")
    }

    @Test func repetitionsExceeded() throws {
        let result = try Self.validate(Self.msh25, Self.evn, "PID|1||123||DOE||19800101~19810101|M", Self.pv1)
        #expect(Self.errors(result) == [Found(102, "PID-7(2)", 3)])
        #expect(result.errors.first?.code == .repetitionsExceeded)
        // Repeating fields may repeat.
        let ok = try Self.validate(Self.msh25, Self.evn, "PID|1||1^^^A^MR~2^^^B^MR||DOE~ROE", Self.pv1)
        #expect(ok.isValid, "\(ok.issues)")
    }

    @Test func dataTypesInFieldsComponentsAndSubcomponents() throws {
        // PID-7 is TS in 2.5: its DTM is PID-7.1.
        let month = try Self.validate(Self.msh25, Self.evn, "PID|1||123||DOE||19801301", Self.pv1)
        #expect(Self.errors(month) == [Found(102, "PID-7.1", 3)])
        #expect(month.errors.first?.message.contains("DTM") == true)
        #expect(month.errors.first?.message.contains("month") == true)
        #expect(month.errors.first?.message.contains("19801301") == false)
        let february = try Self.validate(Self.msh25, Self.evn, "PID|1||123||DOE||20230230", Self.pv1)
        #expect(Self.errors(february) == [Found(102, "PID-7.1", 3)])
        let offset = try Self.validate("MSH|^~\\&|A|B|||20240101120000+2500||ADT^A01|1|P|2.5", Self.evn, Self.pid, Self.pv1)
        #expect(Self.errors(offset) == [Found(102, "MSH-7.1", 1)])
        // PID-1 is SI, PV1-... : a negative set ID is not an SI.
        let si = try Self.validate(Self.msh25, Self.evn, "PID|-1||123||DOE", Self.pv1)
        #expect(Self.errors(si) == [Found(102, "PID-1", 3)])
        // PV1-46 (current patient balance) is NM.
        let balance = try Self.validate(Self.msh25, Self.evn, Self.pid, "PV1|1|I" + String(repeating: "|", count: 44) + "12,50")
        #expect(Self.errors(balance) == [Found(102, "PV1-46", 4)])
        #expect(balance.errors.first?.message.contains("NM") == true)
        // OBX-5 follows OBX-2: NM.
        let nm = try Self.validate(Self.msh25, Self.evn, Self.pid, Self.pv1, "OBX|1|NM|1^HR||1,5||||||F")
        #expect(Self.errors(nm) == [Found(102, "OBX-5", 5)])
        let nmOK = try Self.validate(Self.msh25, Self.evn, Self.pid, Self.pv1, "OBX|1|NM|1^HR||-1.5||||||F")
        #expect(nmOK.isValid, "\(nmOK.issues)")
        // A DTM in a subcomponent: PID-3.7 is CX.7 effective date (DT) in 2.5.
        let sub = try Self.validate(Self.msh25, Self.evn, "PID|1||123^^^HOSP^MR^^20241341||DOE", Self.pv1)
        #expect(Self.errors(sub) == [Found(102, "PID-3.7", 3)])
        // PV1-44 admit date/time (TS): PV1-44.1.
        let location = try Self.validate(Self.msh25, Self.evn, Self.pid, "PV1|1|I" + String(repeating: "|", count: 42) + "20241301")
        #expect(Self.errors(location) == [Found(102, "PV1-44.1", 4)])
        // Empty values and the null never fail.
        let empty = try Self.validate(Self.msh25, Self.evn, "PID|\"\"||123||DOE||\"\"", Self.pv1)
        #expect(empty.isValid, "\(empty.issues)")
    }

    @Test func dataTypeLocationCarriesRepetitionComponentAndSubcomponent() throws {
        // PID-11 (XAD, repeating), repetition 2, XAD.13 effective date (TS), TS.1 (DTM).
        let result = try Self.validate(Self.msh25, Self.evn, "PID|1||123||DOE||||||street~street^^^^^^^^^^^^20241301&Y", Self.pv1)
        let error = try #require(result.errors.first)
        #expect(error.code == .dataType)
        #expect(error.location.field == 11)
        #expect(error.location.repetition == 2)
        #expect(error.location.component == 13)
        #expect(error.location.subcomponent == 1)
        #expect(error.location.path == "PID-11(2).13.1")
    }

    @Test func tableValues() throws {
        let sex = try Self.validate(Self.msh25, Self.evn, "PID|1||123||DOE||19800101|X", Self.pv1)
        #expect(Self.errors(sex) == [Found(103, "PID-8", 3)])
        #expect(sex.errors.first?.code == .tableValueNotFound)
        #expect(sex.errors.first?.message.contains("0001") == true)
        let patientClass = try Self.validate(Self.msh25, Self.evn, Self.pid, "PV1|1|Q")
        #expect(Self.errors(patientClass) == [Found(103, "PV1-2", 4)])
        let identifierType = try Self.validate(Self.msh25, Self.evn, "PID|1||123^^^HOSP^QQ||DOE", Self.pv1)
        #expect(Self.errors(identifierType) == [Found(103, "PID-3.5", 3)])
        let status = try Self.validate(Self.msh25, Self.evn, Self.pid, Self.pv1, "OBX|1|ST|1^A||x||||||Q")
        #expect(Self.errors(status) == [Found(103, "OBX-11", 5)])
        // Tables outside the selection are not checked (PID-10 race, user-defined table 0005).
        let race = try Self.validate(Self.msh25, Self.evn, "PID|1||123||DOE||||||NOT-A-RACE", Self.pv1)
        #expect(race.isValid)
        let all = try Self.validate(Self.msh25, Self.evn, "PID|1||123||DOE|||M||NOT-A-RACE", Self.pv1, configuration: .init(tables: .all))
        #expect(Self.errors(all).contains(Found(103, "PID-10.1", 3)))
        let none = try Self.validate(Self.msh25, Self.evn, "PID|1||123||DOE||19800101|X", Self.pv1, configuration: .init(tables: .none))
        #expect(none.isValid)
    }

    @Test func unknownMessageTypeAndEvent() throws {
        let type = try Self.validate("MSH|^~\\&|A|B|||20240101||XXX^A01|1|P|2.5", Self.evn, Self.pid, Self.pv1)
        #expect(Self.errors(type) == [Found(200, "MSH-9.1", 1), Found(103, "MSH-9.1", 1)])
        #expect(type.structureID == nil)
        let event = try Self.validate("MSH|^~\\&|A|B|||20240101||ADT^X99|1|P|2.5", Self.evn, Self.pid, Self.pv1)
        #expect(Self.errors(event) == [Found(201, "MSH-9.2", 1), Found(103, "MSH-9.2", 1)])
        #expect(event.errors.first?.code == .unsupportedEvent)
        // Z events are local: no table error, but no structure either.
        let local = try Self.validate("MSH|^~\\&|A|B|||20240101||ADT^Z01|1|P|2.5", Self.evn, Self.pid, Self.pv1)
        #expect(Self.errors(local) == [Found(201, "MSH-9.2", 1)])
        let noEvent = try Self.validate("MSH|^~\\&|A|B|||20240101||ORU|1|P|2.5", Self.pid)
        #expect(Self.errors(noEvent) == [Found(201, "MSH-9.2", 1)])
    }

    @Test func unsupportedVersions() throws {
        for version in ["3.0", "2", "abc", "1.9", "2.x"] {
            let result = try Self.validate("MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|\(version)", Self.evn, Self.pid, Self.pv1)
            #expect(Self.errors(result) == [Found(203, "MSH-12.1", 1)], "\(version)")
            #expect(result.version == nil)
        }
        let missing = try Self.validate("MSH|^~\\&|A|B|||20240101||ADT^A01|1|P", Self.evn, Self.pid, Self.pv1)
        #expect(Self.errors(missing).first == Found(203, "MSH-12.1", 1))
    }

    @Test func unknownMinorVersionFallsBackToTheClosestLowerOne() throws {
        let result = try Self.validate("MSH|^~\\&|A|B|||20240101||ADT^A01^ADT_A01|1|P|2.7.1", "EVN||20240101", Self.pid, Self.pv1)
        #expect(result.version == "2.7")
        #expect(result.isValid, "\(result.issues)")
        #expect(result.issues.map(\.severity) == [.information])
        #expect(result.issues.first?.code == .unsupportedVersion)
        #expect(Definitions.resolve("2.5.1") == .init(version: "2.5.1", isExact: true))
        #expect(Definitions.resolve("2.5.2") == .init(version: "2.5.1", isExact: false))
        #expect(Definitions.resolve("2.9") == .init(version: "2.8.2", isExact: false))
        #expect(Definitions.resolve("2.3.0") == .init(version: "2.3", isExact: true))
        #expect(Definitions.resolve(" 2.4 ") == .init(version: "2.4", isExact: true))
        #expect(Definitions.resolve("2.0") == nil)
        #expect(Definitions.resolve("v2.5") == nil)
    }

    @Test func codedTablesFromFieldsInLaterVersions() throws {
        // 2.8: PID-8 and PV1-2 are CWE with tables 0001/0004 on the field: checked on CWE.1
        // when the coding system is empty or that HL7 table.
        let msh = "MSH|^~\\&|A|B|||20240101||ADT^A01^ADT_A01|1|P|2.8"
        let bad = try Self.validate(msh, "EVN||20240101", "PID|1||123||DOE||19800101|X^Unknown^HL70001", "PV1|1|Q")
        #expect(Self.errors(bad) == [Found(103, "PID-8.1", 3), Found(103, "PV1-2.1", 4)])
        let local = try Self.validate(msh, "EVN||20240101", "PID|1||123||DOE||19800101|X^Unknown^L", "PV1|1|I^Inpatient^HL70004")
        #expect(local.isValid, "\(local.issues)")
        // PID-7 is DTM in 2.8: PID-7 itself.
        let date = try Self.validate(msh, "EVN||20240101", "PID|1||123||DOE||20230229", "PV1|1|I")
        #expect(Self.errors(date) == [Found(102, "PID-7", 3)])
    }

    @Test func parseIssuesAreIncluded() throws {
        let message = try Self.message(Self.msh25, Self.evn, "PID|1||123||DOE\\Q\\X", Self.pv1)
        #expect(!message.issues.isEmpty)
        let result = Validator().validate(message)
        #expect(result.issues.contains { $0.code == .invalidEscape })
        let without = Validator(configuration: .init(includesParseIssues: false)).validate(message)
        #expect(!without.issues.contains { $0.code == .invalidEscape })
    }

    @Test func configurationTurnsChecksOff() throws {
        let message = try Self.message(Self.msh25, Self.evn, "PID|1||123||DOE||19801301|X")
        #expect(Set(Validator().validate(message).errors.map(\.code.condition)) == [100, 102, 103])
        let off = Validator(configuration: .init(checksStructure: false, checksDataTypes: false, tables: .none)).validate(message)
        #expect(off.isValid, "\(off.issues)")
        #expect(message.validate().errors.count == 3)
    }

    @Test func issuesNeverNameValues() throws {
        let secret = "SECRETVALUE"
        let result = try Self.validate(
            "MSH|^~\\&|A|B|||2024\(secret)||ADT^A01|1|P|2.5", Self.evn, "PID|\(secret)||123^^^H^\(secret)||DOE||\(secret)|\(secret)", "PV1|1|\(secret)"
        )
        #expect(result.errors.count >= 5)
        for issue in result.issues {
            #expect(!issue.description.contains(secret), "\(issue)")
        }
    }

    @Test func largeMessageValidatesQuickly() throws {
        var segments = ["MSH|^~\\&|LAB|FAC|||20240101||ORU^R01^ORU_R01|1|P|2.5.1", "PID|1||1^^^H^MR||DOE^J", "OBR|1|||1^Panel"]
        for i in 1...5000 { segments.append("OBX|\(i)|NM|1^A||\(i).5|mg|||||F|||20240101120000") }
        let message = try Message(segments.joined(separator: "\r"))
        let clock = ContinuousClock()
        let started = clock.now
        let result = Validator().validate(message)
        let elapsed = clock.now - started
        #expect(result.isValid, "\(result.issues.prefix(3))")
        #expect(elapsed < .seconds(2))
        // An invalid one (every OBX out of place) still terminates fast and reports each.
        segments[2] = "NTE|1"
        let invalid = Validator().validate(try Message(segments.joined(separator: "\r")))
        #expect(!invalid.isValid)
    }
}
