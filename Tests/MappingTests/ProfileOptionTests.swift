import FHIR
import Foundation
import HL7v2
import Testing
@testable import Mapping

/// Joined sources (`.1.1 + " " + .3 + " " + .2`) and profile options (`profile vn-core`): maps
/// swapped for variants, `meta.profile` claimed, and the VN Core output checked against the
/// Ministry of Health's profiles.
@Suite struct ProfileOptionTests {
    static let vnCoreIG = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/specs/vn-core-ig/resources")

    func resources(_ bundle: FHIR.Element, _ type: String) -> [FHIR.Element] {
        bundle.children(named: "entry").compactMap { $0.child(named: "resource") }.filter { $0.type == type }
    }

    /// A one-map library: `ADT^A01` makes a Patient with the rules of `pid`.
    func patient(_ pid: String, message: String) throws -> FHIR.Element? {
        let library = try MappingLibrary(sources: [
            (file: "PID-Patient.map", text: "segment PID -> Patient\n" + pid),
            (file: "ADT.map", text: "message ADT^A01 -> Bundle collection\nPID -> Patient via PID-Patient\n"),
        ])
        let result = try V2ToFHIR(library: library).convert(try Message("MSH|^~\\&|A|B|C|D|20261123||ADT^A01|1|P|2.5\r" + message))
        return resources(try result.bundle(), "Patient").first
    }

    @Test func aJoinedSourceKeepsSeparatorsOnlyBetweenValuesAndAffixesWhenAnyValueIsThere() throws {
        let rule = #"PID-5.1 + " " + PID-5.3 + " " + PID-5.2 -> name.text"# + "\n"
        func text(_ name: String) throws -> String? {
            try patient(rule, message: "PID|1||1||\(name)\r")?.child(named: "name")?.child(named: "text")?.value?.text
        }
        #expect(try text("NGUYỄN^AN^VĂN") == "NGUYỄN VĂN AN")
        #expect(try text("NGUYỄN^AN") == "NGUYỄN AN", "an absent middle name leaves one space")
        #expect(try text("^AN") == "AN")
        #expect(try text("") == nil, "no value, no text")
        let affixed = #""[" + PID-5.1 + ", " + PID-5.2 + "]" -> name.text"# + "\n"
        #expect(try patient(affixed, message: "PID|1||1||DOE\r")?.child(named: "name")?.child(named: "text")?.value?.text == "[DOE]")
    }

    @Test func aJoinedSourceIsTextOnly() {
        let sources = [
            (file: "d/XPN-HumanName.map", text: "datatype XPN -> HumanName\n.1 -> family\n"),
            (file: "s/PID-Patient.map", text: #"""
                segment PID -> Patient
                PID-5 + " " + PID-9 -> name via XPN-HumanName
                PID-3 + PID-4 -> identifier
                    . -> value
                "a" + "b" -> gender
                PID-5 + -> gender
                """#),
        ]
        #expect {
            try MappingLibrary(sources: sources)
        } throws: { error in
            let errors = (error as? MappingErrors)?.errors.map(\.description) ?? []
            return errors.contains("s/PID-Patient.map:2: a joined source is text; it cannot go through the data-type map XPN-HumanName")
                && errors.contains("s/PID-Patient.map:3: a joined source is one text; a block needs a field or component")
                && errors.contains("s/PID-Patient.map:5:1: a joined source needs a field or component; constants alone are one constant")
                && errors.contains { $0.hasPrefix("s/PID-Patient.map:6:1: expected `SOURCE -> TARGET") }
        }
    }

    @Test func aProfileOptionSwapsMapsAndClaimsProfiles() throws {
        let library = try MappingLibrary(sources: [
            (file: "XPN-HumanName.map", text: "datatype XPN -> HumanName\n.1 -> family\n"),
            (file: "XPN-HumanName-Text.map", text: "datatype XPN -> HumanName\n.1 -> family\n.2 + \" \" + .1 -> text\n"),
            (file: "PID-Patient.map", text: "segment PID -> Patient\nPID-5 -> name via XPN-HumanName\nPID-5 -> contact.name via XPN-HumanName\n"),
            (file: "ADT.map", text: "message ADT^A01 -> Bundle collection\nPID -> Patient via PID-Patient\n"),
            (file: "texts.map", text: "profile texts\nPatient conforms to http://x.org/sd/named\nuse XPN-HumanName-Text for XPN-HumanName\n"),
        ])
        #expect(library.profileNames == ["texts"])
        let message = try Message("MSH|^~\\&|A|B|C|D|20261123||ADT^A01|1|P|2.5\rPID|1||1||DOE^JANE\r")
        let plain = try #require(resources(try V2ToFHIR(library: library).convert(message).bundle(), "Patient").first)
        #expect(plain.child(named: "meta") == nil)
        #expect(plain.child(named: "name")?.child(named: "text") == nil)
        let profiled = try #require(resources(try V2ToFHIR(library: library, options: .init(profile: "texts")).convert(message).bundle(), "Patient").first)
        #expect(profiled.child(named: "meta")?.children(named: "profile").map { $0.value?.text } == ["http://x.org/sd/named"])
        #expect(profiled.child(named: "name")?.child(named: "text")?.value?.text == "JANE DOE")
        #expect(profiled.child(named: "contact")?.child(named: "name")?.child(named: "text")?.value?.text == "JANE DOE", "the variant runs wherever the map is used")
        #expect(throws: MappingError.self) { try V2ToFHIR(library: library, options: .init(profile: "nope")).convert(message) }
    }

    @Test func aClaimCanDependOnTheOutput() throws {
        let library = try MappingLibrary(sources: [
            (file: "XPN-HumanName.map", text: "datatype XPN -> HumanName\n.1 -> family\n"),
            (file: "PID-Patient.map", text: "segment PID -> Patient\nPID-5 -> name via XPN-HumanName\nPID-8 -> gender\n"),
            (file: "ADT.map", text: "message ADT^A01 -> Bundle collection\nPID -> Patient via PID-Patient\n"),
            (file: "named.map", text: "profile named\nPatient conforms to http://x.org/sd/named if name.family exists\nPatient conforms to http://x.org/sd/nameless if name missing\n"),
        ])
        func profiles(_ pid: String) throws -> [String?] {
            let message = try Message("MSH|^~\\&|A|B|C|D|20261123||ADT^A01|1|P|2.5\r\(pid)\r")
            let patient = try #require(resources(try V2ToFHIR(library: library, options: .init(profile: "named")).convert(message).bundle(), "Patient").first)
            return patient.child(named: "meta")?.children(named: "profile").map { $0.value?.text } ?? []
        }
        #expect(try profiles("PID|1||1||DOE^JANE|||F") == ["http://x.org/sd/named"])
        #expect(try profiles("PID|1||1||^JANE|||F") == ["http://x.org/sd/nameless"], "a name without family: not named")
    }

    @Test func aProfileOptionIsChecked() {
        let sources = [
            (file: "XPN-HumanName.map", text: "datatype XPN -> HumanName\n.1 -> family\n"),
            (file: "CX-Identifier.map", text: "datatype CX -> Identifier\n.1 -> value\n"),
            (file: "p/bad.map", text: "profile bad\nPatiente conforms to http://x.org/sd/p\nPatient conforms to urn-without-scheme\nuse CX-Identifier for XPN-HumanName\nuse Nope for XPN-HumanName\nPatient must be nice\nPatient conforms to http://x.org/sd/p if name..text exists\n"),
            (file: "p/other.map", text: "profile another\n"),
        ]
        #expect {
            try MappingLibrary(sources: sources)
        } throws: { error in
            let errors = (error as? MappingErrors)?.errors.map(\.description) ?? []
            return errors.contains("p/bad.map:2: Patiente is not a FHIR R4 resource type")
                && errors.contains("p/bad.map:3: urn-without-scheme is not a profile's canonical URL")
                && errors.contains("p/bad.map:4: CX-Identifier maps CX to Identifier; it cannot stand in for XPN-HumanName (XPN to HumanName)")
                && errors.contains("p/bad.map:5: no data-type or segment map named Nope")
                && errors.contains("p/bad.map:6:1: expected `TYPE conforms to PROFILE-URL [if PATH exists|missing]` or `use VARIANT for MAP`")
                && errors.contains("p/bad.map:7:42: expected an element path such as `diagnosis.use` after `if`")
                && errors.contains("p/other.map:1:9: expected `profile other` (the file's name)")
        }
    }

    /// A Vietnamese admission: citizen ID, hospital number and insurance card in PID-3, a
    /// principal diagnosis (DG1-15 = 1) and an admitting one.
    static let admission = "MSH|^~\\&|HIS|BV_BACHMAI|LIENTHONG|SYT_HN|20261122093000||ADT^A01^ADT_A01|VN0001|P|2.5.1\r"
        + "EVN|A01|20261122093000\r"
        + "PID|1||001234567890^^^BCA^NI~BN12345^^^BV_BACHMAI^MR~HN4010123456789^^^BHXH^HC||NGUYỄN^AN^VĂN||19800115|F|||"
        + "12 Hàng Bài^^Hà Nội^Hà Nội^100000^VNM^H^^Hoàn Kiếm||0912345678\r"
        + "PV1|1|I|NOI^101^1||||BS001^TRẦN^BÌNH|||||||||||VV0001\r"
        + "DG1|1||J18.9^Viêm phổi^I10||20261122|A|||||||||1\r"
        + "DG1|2||E11^Đái tháo đường^I10||20261122|A\r"

    @Test func withVNCoreThePatientAndEncounterConformToTheMinistrysProfiles() throws {
        let library = try MappingLibrary(folder: VocabularyMapTests.mappings)
        let (resources, unreadable) = try Definitions.resources(inFolder: Self.vnCoreIG.path)
        #expect(unreadable.isEmpty)
        let validator = Validator.standard(definitions: Definitions.r4.adding(resources: resources))
        let mapper = V2ToFHIR(library: library, options: .init(profile: "vn-core"))

        let result = try mapper.convert(try Message(Self.admission))
        let validation = validator.validate(json: result.json, profiles: [])
        #expect(!validation.hasErrors, "\(validation.errors)")
        let bundle = try result.bundle()
        let patient = try #require(self.resources(bundle, "Patient").first)
        #expect(patient.child(named: "meta")?.child(named: "profile")?.value?.text == "http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-patient")
        #expect(patient.child(named: "name")?.child(named: "text")?.value?.text == "NGUYỄN VĂN AN")
        #expect(patient.child(named: "address")?.child(named: "text")?.value?.text == "12 Hàng Bài, Hoàn Kiếm, Hà Nội, Hà Nội")
        let systems = patient.children(named: "identifier").map { $0.child(named: "system")?.value?.text }
        #expect(systems == ["http://fhir.ehealth.gov.vn/core/sid/national_id", "http://fhir.ehealth.gov.vn/core/sid/insurance_number", "http://fhir.ehealth.gov.vn/core/sid/patient-internal-id"],
                "the hospital number (CX-5 MR) is VN Core's MaBenhNhan, after the identifiers unique in the country")
        let encounter = try #require(self.resources(bundle, "Encounter").first)
        #expect(encounter.child(named: "meta")?.child(named: "profile")?.value?.text == "http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-encounter")
        let roles = encounter.children(named: "diagnosis").map { $0.child(named: "use")?.child(named: "coding")?.child(named: "code")?.value?.text }
        #expect(roles == ["CC", "AD"], "the principal diagnosis is the chief complaint")

        // Without a principal diagnosis the Encounter cannot meet VN Core, and the check says so.
        let unranked = Self.admission.replacingOccurrences(of: "|A|||||||||1\r", with: "|A\r")
        let failing = validator.validate(json: try mapper.convert(try Message(unranked)).json, profiles: [])
        #expect(failing.errors.map(\.message).contains("slice 'diagnosis:ChiefComplaint_CDBenhChinh': minimum required = 1, but only found 0"))

        // The base maps claim nothing and are plain R4.
        let plain = try V2ToFHIR(library: library).convert(try Message(Self.admission))
        #expect(self.resources(try plain.bundle(), "Patient").first?.child(named: "meta") == nil)
        #expect(!Validator.standard().validate(json: plain.json, profiles: []).hasErrors)
    }
}
