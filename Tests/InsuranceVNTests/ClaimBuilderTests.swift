import FHIR
import Foundation
import HL7v2
import InsuranceVN
import Mapping
import Testing

@Suite struct ClaimBuilderTests {
    static let maps = Result { try ClaimMapLibrary(folder: TestFiles.mappingsFolder) }
    static let cases = ["outpatient-visit", "inpatient-stay", "day-surgery", "lab-results", "newborn-without-card", "several-cards"]

    static func build(_ name: String, tables: Set<String>? = nil) throws -> ClaimBuildResult {
        let builder = ClaimBuilder(maps: try maps.get(), options: .init(facilityCode: "79001", tables: tables))
        return try builder.build(json: try TestFiles.bundle(name))
    }

    static func summary(_ result: ClaimBuildResult) throws -> ClaimRecord {
        try #require(result["XML1"]?.records.first)
    }

    /// Each realistic case builds without issues into tables the validator finds no error in, and
    /// survives the envelope: write → read → equal.
    @Test(arguments: cases)
    func buildsValidatesAndRoundTrips(_ name: String) throws {
        let result = try Self.build(name)
        #expect(result.issues.map(\.description) == [])
        let problems = ClaimValidator().validate(result.documents).filter { $0.severity == .error }
        #expect(problems.map(\.description) == [])
        let envelope = try result.envelope()
        let read = try ClaimEnvelope(xml: try envelope.xml())
        #expect(read == envelope)
        #expect(try read.documents() == result.documents)
        #expect(read.date == result.defaultDate)
    }

    @Test func outpatientVisit() throws {
        let result = try Self.build("outpatient-visit")
        #expect(result.documents.map(\.table.name) == ["XML1", "XML2", "XML3", "XML4"])
        let summary = try Self.summary(result)
        #expect(summary["MA_LK"] == "79001.240312.001203")
        #expect(summary["HO_TEN"] == "Trần Thị Mai")
        #expect(summary["NGAY_SINH"] == "198507140000")
        #expect(summary["GIOI_TINH"] == "2")
        #expect(summary["NGAY_VAO"] == "202403120805")
        #expect(summary["NGAY_RA"] == "202403121040")
        #expect(summary["MA_LOAI_KCB"] == "01")
        #expect(summary["SO_NGAY_DTRI"] == "0")
        #expect(summary["MA_BENH_CHINH"] == "J02.9")
        #expect(summary["MA_BENH_KT"] == "K21.9")
        #expect(summary["KET_QUA_DTRI"] == "1")
        // Omeprazol 7 × 1250.5 = 8753.5; Paracetamol 10 × 350 = 3500.
        let drugs = try #require(result["XML2"]).records
        #expect(drugs.map { $0["THANH_TIEN_BV"] } == ["3500", "8753.5"])
        // A DN card of benefit level 4: the fund pays 80 %, the patient 20 %.
        #expect(drugs.map { $0["MUC_HUONG"] } == ["80", "80"])
        #expect(drugs.map { $0["T_BNCCT"] } == ["700", "1750.7"])
        #expect(drugs.map { $0["T_BHTT"] } == ["2800", "7002.8"])
        #expect(summary["T_THUOC"] == "12253.5")
        #expect(summary["T_TONGCHI_BV"] == "97153.5")  // + 38700 + 46200
        #expect(summary["T_BNCCT"] == "19430.7")
        #expect(summary["T_BHTT"] == "77722.8")
        let results = try #require(result["XML4"]).records
        #expect(results.map { $0["MA_CHI_SO"] } == ["6690-2", "718-7"])
        #expect(results.map { $0["GIA_TRI"] } == ["11.2", "128"])
        #expect(results.allSatisfy { $0["MA_DICH_VU"] == "22.0120.1370" && $0["NGAY_KQ"] == "202403120920" })
    }

    @Test func inpatientStayWithDrugsAndNotes() throws {
        let result = try Self.build("inpatient-stay")
        #expect(result.documents.map(\.table.name) == ["XML1", "XML2", "XML3", "XML4", "XML5"])
        let summary = try Self.summary(result)
        #expect(summary["NGAY_VAO_NOI_TRU"] == "202403101030")
        #expect(summary["SO_NGAY_DTRI"] == "6")
        #expect(summary["MA_LOAI_KCB"] == "03")
        #expect(summary["CHAN_DOAN_VAO"] == "Viêm phổi cộng đồng")
        #expect(summary["MA_BENH_CHINH"] == "J18.1")
        #expect(summary["MA_BENH_KT"] == "J44.9;I10")
        #expect(summary["KET_QUA_DTRI"] == "2")
        #expect(summary["MA_LOAI_RV"] == "1")
        #expect(summary["NGAY_TTOAN"] == "202403151430")
        let drugs = try #require(result["XML2"]).records
        #expect(drugs.map { $0["MA_THUOC"] } == ["40.212", "40.32", "40.503"])
        #expect(drugs.map { $0["DUONG_DUNG"] } == ["2.15", "2.10", "1.01"])
        #expect(drugs[0]["LIEU_DUNG"] == "2 lọ/ngày x 5 ngày")
        #expect(drugs[0]["HAM_LUONG"] == "1g")
        #expect(drugs[1]["THANH_TIEN_BV"] == "45600.75")
        #expect(drugs.map(\.number) == [1, 2, 3])
        #expect(drugs.map { $0["STT"] } == ["1", "2", "3"])
        let services = try #require(result["XML3"]).records
        #expect(services.map { $0["MA_NHOM"] } == ["15", "2", "10", "1"])
        #expect(services[2]["MA_VAT_TU"] == "N03.02.070")
        #expect(services[2]["TEN_VAT_TU"] == "Dây thở oxy 2 nhánh")
        #expect(services[2]["MA_DICH_VU"] == "")
        #expect(summary["T_VTYT"] == "24000")
        let notes = try #require(result["XML5"]).records
        #expect(notes.map { $0["THOI_DIEM_DBLS"] } == ["202403101600", "202403120800", "202403150800"])
        #expect(notes.allSatisfy { $0["MA_LK"] == "79001.240310.000456" })
    }

    @Test func newbornWithoutCard() throws {
        let summary = try Self.summary(try Self.build("newborn-without-card"))
        #expect(summary["MA_THE_BHYT"] == "TE1790000601234")
        #expect(summary["NGAY_SINH"] == "202406020542")  // the birth time, in Vietnam's time
        #expect(summary["SO_CCCD"] == "")
        #expect(summary["CAN_NANG"] == "3.15")
        #expect(summary["SO_NGAY_DTRI"] == "3")
    }

    @Test func severalCardsOnOneVisit() throws {
        let result = try Self.build("several-cards")
        let summary = try Self.summary(result)
        #expect(try summary.list(for: "MA_THE_BHYT") == ["HT2867998765432", "CC1867998765432"])
        #expect(try summary.list(for: "MA_DKBD") == ["86001", "86001"])
        #expect(try summary.list(for: "GT_THE_TU") == ["20240101", "20240620"])
        #expect(try summary.list(for: "GT_THE_DEN") == ["20240630", "20250619"])
        #expect(summary["NGAY_VAO_NOI_TRU"] == "202406182130")
    }

    @Test func daySurgeryAndLabResults() throws {
        let surgery = try Self.build("day-surgery")
        #expect(try Self.summary(surgery)["MA_LOAI_KCB"] == "04")
        let lines = try #require(surgery["XML3"]).records
        #expect(lines[0]["NGUOI_THUC_HIEN"] == "0223344;0223355")
        #expect(lines[2]["THANH_TIEN_BV"] == "23500.5")
        #expect(lines[2]["T_BNCCT"] == "4700.1")  // 20 % of 23500.5, to 2 decimals
        let labs = try Self.build("lab-results")
        let results = try #require(labs["XML4"]).records
        #expect(results.count == 7)
        #expect(results.last?["GIA_TRI"] == "Gan nhiễm mỡ độ I")
        #expect(results.last?["DON_VI_DO"] == "")
        #expect(try #require(labs["XML2"]).records.first?["MUC_HUONG"] == "95")
    }

    @Test func tablesOption() throws {
        let result = try Self.build("inpatient-stay", tables: ["XML1", "XML4"])
        #expect(result.documents.map(\.table.name) == ["XML1", "XML4"])
        // The lines are built all the same: XML1's totals are theirs, and XML4 has XML1's MA_LK.
        #expect(try Self.summary(result)["T_TONGCHI_BV"] == "1344620.75")
        #expect(try #require(result["XML4"]).records.first?["MA_LK"] == "79001.240310.000456")
    }

    /// A Claim's items make the lines when the Bundle bills with a Claim rather than ChargeItems.
    @Test func claimLines() throws {
        let bundle = try FHIR.Element(json: Array(#"""
            {"resourceType": "Bundle", "type": "collection", "entry": [
              {"fullUrl": "urn:uuid:p", "resource": {"resourceType": "Patient", "gender": "male", "birthDate": "1980-02-29"}},
              {"fullUrl": "urn:uuid:e", "resource": {"resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"},
                "identifier": [{"value": "79001.240401.000001"}], "serviceType": {"coding": [{"code": "K01"}]},
                "period": {"start": "2024-04-01T08:00:00+07:00", "end": "2024-04-01T09:00:00+07:00"}}},
              {"fullUrl": "urn:uuid:c", "resource": {"resourceType": "Coverage", "status": "active", "beneficiary": {"reference": "urn:uuid:p"},
                "payor": [{"display": "BHXH"}], "identifier": [{"system": "http://fhir.ehealth.gov.vn/core/sid/insurance_number", "value": "DN4790123456789"}]}},
              {"fullUrl": "urn:uuid:claim", "resource": {"resourceType": "Claim", "status": "active", "use": "claim",
                "type": {"coding": [{"code": "institutional"}]}, "patient": {"reference": "urn:uuid:p"}, "created": "2024-04-01",
                "provider": {"display": "BV"}, "priority": {"coding": [{"code": "normal"}]}, "insurance": [{"sequence": 1, "focal": true, "coverage": {"reference": "urn:uuid:c"}}],
                "careTeam": [{"sequence": 1, "provider": {"identifier": {"value": "0112399"}}}, {"sequence": 2, "provider": {"identifier": {"value": "0112377"}}}],
                "diagnosis": [{"sequence": 1, "diagnosisCodeableConcept": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "J02.9"}]}}],
                "item": [
                  {"sequence": 1, "productOrService": {"coding": [{"system": "http://fhir.ehealth.gov.vn/core/CodeSystem/vn-core-medicationCode", "code": "40.152", "display": "Paracetamol"},
                    {"system": "urn:lienthong:claims:ma-nhom", "code": "4"}]}, "servicedDate": "2024-04-01", "quantity": {"value": 10, "unit": "Viên"}, "unitPrice": {"value": 350, "currency": "VND"}},
                  {"sequence": 2, "productOrService": {"coding": [{"system": "http://fhir.ehealth.gov.vn/core/CodeSystem/vn-core-procedureCode", "code": "02.1896", "display": "Khám Tai mũi họng"},
                    {"system": "urn:lienthong:claims:ma-nhom", "code": "13"}]}, "servicedDate": "2024-04-01", "quantity": {"value": 1, "unit": "Lần"}, "unitPrice": {"value": 38700, "currency": "VND"}}
                ]}}
            ]}
            """#.utf8))
        let result = ClaimBuilder(maps: try Self.maps.get(), options: .init(facilityCode: "79001")).build(bundle)
        let drugs = try #require(result["XML2"]).records
        #expect(drugs.map { $0["MA_THUOC"] } == ["40.152"])
        #expect(drugs.first?["THANH_TIEN_BV"] == "3500")
        #expect(drugs.first?["T_BNCCT"] == "700")
        #expect(drugs.first?["MA_BAC_SI"] == "0112399")
        let services = try #require(result["XML3"]).records
        #expect(services.map { $0["MA_DICH_VU"] } == ["02.1896"])
        #expect(services.first?["NGUOI_THUC_HIEN"] == "0112377")
        #expect(services.first?["MA_BENH"] == "J02.9")
        #expect(services.first?["NGAY_YL"] == "202404010000")
        #expect(try Self.summary(result)["T_TONGCHI_BV"] == "42200")
        #expect(services.first?["MA_LK"] == "79001.240401.000001")
    }

    /// A Vietnamese name and a value with `<` and `&` are written as UTF-8 and escaped, and read
    /// back the same.
    @Test func escapesAndKeepsVietnameseText() throws {
        let result = try Self.build("lab-results")
        let xml = String(decoding: try #require(result["XML4"]).xml(), as: UTF8.self)
        #expect(xml.contains("<MO_TA>&lt; 5.2</MO_TA>"))
        let summaryXML = try #require(result["XML1"]).xml()
        #expect(String(decoding: summaryXML, as: UTF8.self).contains("<HO_TEN>Nguyễn Thị Hồng Nhung</HO_TEN>"))
    }

    /// The messages of one stay, mapped to FHIR with the vn-core profile option and merged as a
    /// claims route merges them (the ADT messages newest first, the DFT, then the pharmacy orders
    /// and results), make one complete claim the validator finds no error in: the patient once
    /// (nationality, ethnic group, occupation, address codes, registered facility), the card once
    /// (from PID-3 and IN1), the outcome, the charges as lines with their units, tender, doctors,
    /// and each drug's route, dosage, strength and form from its pharmacy order (RDE).
    @Test func fromHL7v2Messages() throws {
        let result = try Self.buildVisit(["visit-adt-a03.hl7", "visit-adt-a01.hl7", "visit-dft-p03.hl7", "visit-rde-o11.hl7", "visit-oru-r01.hl7"])
        #expect(result.documents.map(\.table.name) == ["XML1", "XML2", "XML3", "XML4"])
        let problems = ClaimValidator().validate(result.documents)
        #expect(problems.filter { $0.severity == .error }.map(\.description) == [])
        let summary = try Self.summary(result)
        #expect(summary["MA_LK"] == "79001.240310.000456")
        #expect(summary["MA_BN"] == "BN0078123")
        #expect(summary["HO_TEN"] == "Lê Văn Đức")
        #expect(summary["SO_CCCD"] == "079058004321")
        #expect(summary["MA_QUOCTICH"] == "704")
        #expect(summary["MA_DANTOC"] == "01")
        #expect(summary["MA_NGHE_NGHIEP"] == "00")
        #expect(summary["DIA_CHI"] == "Ấp Bình Thuận, Xã Bình Khánh, Huyện Cần Giờ, TP. Hồ Chí Minh")
        #expect([summary["MATINH_CU_TRU"], summary["MAHUYEN_CU_TRU"], summary["MAXA_CU_TRU"]] == ["79", "787", "27667"])
        #expect(summary["MA_THE_BHYT"] == "HT2797998765432")
        #expect(summary["MA_DKBD"] == "79024")  // PD1-3
        #expect(summary["GT_THE_TU"] == "20240101")
        #expect(summary["GT_THE_DEN"] == "20241231")
        #expect(summary["LY_DO_VV"] == "Sốt cao, ho khạc đờm, khó thở 3 ngày")
        #expect(summary["MA_DOITUONG_KCB"] == "1.1")  // PV1-18
        #expect(summary["MA_BENH_CHINH"] == "J18.1")
        #expect(summary["MA_BENH_KT"] == "J44.9;I10")
        #expect(summary["NGAY_VAO"] == "202403100915")
        #expect(summary["NGAY_RA"] == "202403151400")
        #expect(summary["SO_NGAY_DTRI"] == "6")
        #expect(summary["KET_QUA_DTRI"] == "1")  // PV2-42
        #expect(summary["MA_LOAI_RV"] == "1")  // PV1-36 01 (table 0112), read by claims-ma-loai-rv
        #expect(summary["MA_HSBA"] == "NT24-0004567")  // PV1-50
        #expect(summary["CAN_NANG"] == "61")
        let drugs = try #require(result["XML2"]).records
        #expect(drugs.map { $0["MA_THUOC"] } == ["40.212", "40.503"])
        #expect(drugs.map { $0["DON_VI_TINH"] } == ["Lọ", "Viên"])
        #expect(drugs.map { $0["HAM_LUONG"] } == ["1g", "5mg"])
        #expect(drugs.map { $0["DANG_BAO_CHE"] } == ["Bột pha tiêm", "Viên nén"])
        #expect(drugs.map { $0["DUONG_DUNG"] } == ["2.15", "1.01"])
        #expect(drugs.map { $0["LIEU_DUNG"] } == ["2 lọ/ngày x 5 ngày", "1 viên/ngày"])
        #expect(drugs.map { $0["SO_DANG_KY"] } == ["VD-27890-17", "VD-18891-13"])
        #expect(drugs.map { $0["TT_THAU"] } == ["G1;N2;2023", "G1;N4;2023"])
        #expect(drugs.map { $0["MA_BAC_SI"] } == ["0112399", "0112399"])
        #expect(drugs.map { $0["DON_GIA"] } == ["17850", "420"])  // FT1-12, the unit amount
        let services = try #require(result["XML3"]).records
        #expect(services.map { $0["MA_NHOM"] } == ["15", "2", "10", "1"])
        #expect(services.map { $0["DON_VI_TINH"] } == ["Ngày", "Lần", "Cái", "Lần"])
        #expect(services.map { $0["NGUOI_THUC_HIEN"] ?? "" } == ["", "0112366", "", "0112377"])
        #expect(services.map { $0["NGAY_TH_YL"] ?? "" } == ["202403151400", "202403101020", "", "202403101015"])
        #expect(services.map { $0["TT_THAU"] ?? "" } == ["", "", "G1;N3;2023", ""])
        #expect(try #require(result["XML4"]).records.map { $0["GIA_TRI"] } == ["86.4"])
        #expect(summary["T_TONGCHI_BV"] == "1299020")
    }

    /// The DFT^P03 alone (the HIS sent no ADT or pharmacy order for the visit) builds, but
    /// the validator finds what it lacks, by rule: the claim is not complete.
    @Test func fromTheBillingMessageAlone() throws {
        let result = try Self.buildVisit(["visit-dft-p03.hl7"])
        let rules = Set(ClaimValidator().validate(result.documents).filter { $0.severity == .error }.map(\.rule))
        #expect(rules.isSuperset(of: [
            "XML1.MA_QUOCTICH.required", "XML1.MA_DANTOC.required", "XML1.MA_NGHE_NGHIEP.required", "XML1.DIA_CHI.required",
            "XML1.KET_QUA_DTRI.required", "XML1.CAN_NANG.required", "XML2.DUONG_DUNG.required", "XML2.LIEU_DUNG.required",
            "XML2.HAM_LUONG.required",
        ]), "\(rules.sorted())")
        // The amounts and totals are computed, so they hold even then.
        #expect(rules.filter { $0.hasSuffix(".amount") || $0.hasSuffix(".total") || $0.hasSuffix(".link") }.isEmpty)
    }

    static func buildVisit(_ files: [String]) throws -> ClaimBuildResult {
        let library = try MappingLibrary(folder: TestFiles.mappingsFolder)
        let messages = try files.map { try Message([UInt8](try TestFiles.fixture("hl7v2/\($0)"))) }
        let builder = ClaimBuilder(maps: try maps.get(), options: .init(facilityCode: "79001"))
        return try builder.build(messages: messages, library: library, options: .init(profile: "vn-core"))
    }
}
