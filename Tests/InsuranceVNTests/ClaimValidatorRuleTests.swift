import Foundation
import InsuranceVN
import Testing

/// One change to an encounter's tables and the rules it must break — those and no others.
struct RuleCase: Sendable, CustomTestStringConvertible {
    /// A table to add, built in the test: its table and its fields (`MA_LK` is the fixture's).
    var added: (table: String, fields: [String: String])?
    /// The changes: table, record number, field, new text.
    var changes: [(table: String, record: Int, field: String, text: String)]
    /// The rule identifiers the changes must break.
    var expected: Set<String>

    var testDescription: String {
        changes.map { "\($0.table)[\($0.record)].\($0.field)" }.joined(separator: ", ") + " → "
            + (expected.isEmpty ? "nothing" : expected.sorted().joined(separator: ", "))
    }

    init(_ table: String, _ changes: [String: String], _ expected: Set<String>) {
        self.init(table, record: 1, changes, expected)
    }

    init(_ table: String, record: Int, _ changes: [String: String], _ expected: Set<String>) {
        self.changes = changes.sorted { $0.key < $1.key }.map { (table, record, $0.key, $0.value) }
        self.expected = expected
    }

    /// A case on a table the fixtures lack: `base` builds it, `changes` change it.
    init(adding table: String, _ base: [String: String], _ changes: [String: String], _ expected: Set<String>) {
        self.init(table, record: 1, changes, expected)
        self.added = (table, base)
    }

    /// Changes to XML1 with a built table alongside.
    init(adding table: String, _ base: [String: String], summary changes: [String: String], _ expected: Set<String>) {
        self.init("XML1", record: 1, changes, expected)
        self.added = (table, base)
    }
}

@Suite struct ClaimValidatorRuleTests {
    static let validator = ClaimValidator()
    static let key = "79001.240310.000456"

    /// Per-field checks from the definitions.
    static let fieldCases: [RuleCase] = [
        RuleCase("XML1", ["MA_BN": ""], ["XML1.MA_BN.required"]),
        RuleCase("XML1", ["HO_TEN": String(repeating: "A", count: 256)], ["XML1.HO_TEN.size"]),
        RuleCase("XML1", ["STT": "1.5.1"], ["XML1.STT.type"]),
        RuleCase("XML1", ["NGAY_TTOAN": "202402301200"], ["XML1.NGAY_TTOAN.format"]),
        RuleCase("XML2", ["NGAY_YL": "2024031011"], ["XML2.NGAY_YL.format"]),
        // TOMTAT_KQ not required (row 23): emptying it adds no problem.
        RuleCase(adding: "XML13", ["HO_TEN": "Lê Văn Đức", "TOMTAT_KQ": "Bình thường"], ["TOMTAT_KQ": ""], []),
    ]

    /// XML1's record rules.
    static let summaryCases: [RuleCase] = [
        RuleCase("XML1", ["SO_CCCD": "07905800432"], ["XML1.SO_CCCD.pattern"]),
        RuleCase("XML1", ["SO_CCCD": "B1234567"], []),
        RuleCase("XML1", ["SO_CCCD": "123456789"], []),
        RuleCase("XML1", ["GIOI_TINH": "4"], ["XML1.GIOI_TINH.code"]),
        RuleCase("XML1", ["MA_THE_BHYT": "HT2797998765432;C1797998765432"], ["XML1.MA_THE_BHYT.structure"]),
        RuleCase("XML1", ["MA_THE_BHYT": "HT2797998765432;CC7797998765432"], ["XML1.MA_THE_BHYT.benefitLevel"]),
        RuleCase("XML1", ["MA_DKBD": "79024"], ["XML1.MA_DKBD.cards"]),
        RuleCase("XML1", ["GT_THE_TU": "20240101;2024030"], ["XML1.GT_THE_TU.cards"]),
        RuleCase("XML1", ["GT_THE_DEN": "20241231;20240201"], ["XML1.GT_THE_DEN.cards"]),
        RuleCase("XML1", ["MA_BENH_CHINH": "J18-1"], ["XML1.MA_BENH_CHINH.icd10"]),
        RuleCase("XML1", ["MA_BENH_CHINH": "J18;I10"], ["XML1.MA_BENH_CHINH.icd10"]),
        RuleCase(
            "XML1", ["MA_BENH_KT": (0..<13).map { "I1\($0 % 10)" }.joined(separator: ";")], ["XML1.MA_BENH_KT.icd10"]),
        RuleCase("XML1", ["MA_BENH_KT": "J44.9;i10"], ["XML1.MA_BENH_KT.icd10"]),
        RuleCase("XML1", ["NGAY_VAO_NOI_TRU": "202403100900"], ["XML1.NGAY_VAO_NOI_TRU.order"]),
        RuleCase("XML1", ["NGAY_RA": "202403101000", "SO_NGAY_DTRI": "1"], ["XML1.NGAY_RA.order"]),
        RuleCase(
            "XML1", ["NGAY_VAO_NOI_TRU": "", "NGAY_RA": "202403100900", "SO_NGAY_DTRI": "1"],
            ["XML1.NGAY_RA.orderVao"]),
        RuleCase("XML1", ["SO_NGAY_DTRI": "5"], ["XML1.SO_NGAY_DTRI.days"]),
        RuleCase("XML1", ["MA_LOAI_KCB": "01"], ["XML1.SO_NGAY_DTRI.days"]),
        RuleCase("XML1", ["MA_LOAI_KCB": "01", "SO_NGAY_DTRI": "0"], []),
        RuleCase("XML1", ["KET_QUA_DTRI": "9"], ["XML1.KET_QUA_DTRI.code"]),
        RuleCase("XML1", ["MA_LOAI_RV": "6"], ["XML1.MA_LOAI_RV.code"]),
        RuleCase("XML1", ["THANG_QT": "13"], ["XML1.THANG_QT.range"]),
        RuleCase("XML1", ["MA_LOAI_KCB": "10"], ["XML1.MA_LOAI_KCB.code"]),
        RuleCase("XML1", ["MA_KHUVUC": "K4"], ["XML1.MA_KHUVUC.code"]),
        RuleCase("XML1", ["CAN_NANG": "0"], ["XML1.CAN_NANG.number"]),
        RuleCase("XML1", ["MA_TTDV": "01123999999"], ["XML1.MA_TTDV.pattern"]),
    ]

    /// XML1 totals against the lines.
    static let totalCases: [RuleCase] = [
        RuleCase("XML1", ["T_THUOC": "179707"], ["XML1.T_THUOC.total"]),
        RuleCase("XML1", ["T_VTYT": "0"], ["XML1.T_VTYT.total"]),
        RuleCase("XML1", ["T_TONGCHI_BV": "1310807"], ["XML1.T_TONGCHI_BV.total"]),
        RuleCase("XML1", ["T_TONGCHI_BH": "1310000"], ["XML1.T_TONGCHI_BH.total"]),
        RuleCase("XML1", ["T_BNTT": "1"], ["XML1.T_BNTT.total"]),
        RuleCase("XML1", ["T_BNCCT": "262161.21"], ["XML1.T_BNCCT.total"]),
        RuleCase("XML1", ["T_BHTT": "1048644.80"], []),
        RuleCase("XML1", ["T_BHTT": "1048644"], ["XML1.T_BHTT.total"]),
        RuleCase("XML1", ["T_NGUONKHAC": "5"], ["XML1.T_NGUONKHAC.total"]),
    ]

    /// XML2 (drugs) and XML3 (services, supplies) line rules; XML4.
    static let lineCases: [RuleCase] = [
        RuleCase("XML2", record: 2, ["MA_LK": "79001.240310.000457"], ["XML2.MA_LK.link"]),
        RuleCase("XML2", ["TT_THAU": ""], ["XML2.TT_THAU.required"]),
        RuleCase("XML2", ["TT_THAU": "", "MA_NHOM": "7"], []),
        RuleCase("XML2", ["PHAM_VI": "4"], ["XML2.PHAM_VI.code"]),
        RuleCase("XML2", ["TYLE_TT_BH": "101"], ["XML2.TYLE_TT_BH.range", "XML2.THANH_TIEN_BH.amount"]),
        RuleCase("XML2", ["MUC_HUONG": "120"], ["XML2.MUC_HUONG.range"]),
        RuleCase("XML2", ["DON_GIA": "17850.004"], ["XML2.THANH_TIEN_BV.amount", "XML2.THANH_TIEN_BH.amount"]),
        RuleCase("XML2", ["DON_GIA": "17850.0004"], []),  // 178500.004 rounds to 178500.00
        RuleCase(
            "XML2", ["THANH_TIEN_BV": "178501"],
            ["XML2.THANH_TIEN_BV.amount", "XML1.T_THUOC.total", "XML1.T_TONGCHI_BV.total"]),
        RuleCase("XML2", ["THANH_TIEN_BH": "178000"], ["XML2.THANH_TIEN_BH.amount", "XML1.T_TONGCHI_BH.total"]),
        RuleCase("XML2", ["NGAY_TH_YL": "202403101000"], ["XML2.NGAY_TH_YL.order"]),
        RuleCase("XML2", ["MA_PTTT": "4"], ["XML2.MA_PTTT.code"]),
        RuleCase("XML2", ["NGUON_CTRA": "5"], ["XML2.NGUON_CTRA.code"]),
        RuleCase("XML2", ["VET_THUONG_TP": "2"], ["XML2.VET_THUONG_TP.code"]),
        RuleCase("XML3", ["MA_DICH_VU": ""], ["XML3.MA_DICH_VU.required"]),
        RuleCase("XML3", ["GOI_VTYT": "G0"], ["XML3.GOI_VTYT.code"]),
        RuleCase("XML3", ["GOI_VTYT": "G12"], []),
        RuleCase("XML3", record: 4, ["TEN_VAT_TU": ""], ["XML3.TEN_VAT_TU.required"]),
        RuleCase("XML3", ["TEN_DICH_VU": ""], ["XML3.TEN_DICH_VU.required"]),
        RuleCase("XML3", ["MA_NHOM": "12"], ["XML3.MA_XANG_DAU.required"]),
        RuleCase("XML3", record: 4, ["TT_THAU": ""], ["XML3.TT_THAU.required"]),
        RuleCase("XML3", ["PHAM_VI": "0"], ["XML3.PHAM_VI.code"]),
        RuleCase("XML3", ["TYLE_TT_DV": "101"], [
            "XML3.TYLE_TT_DV.range", "XML3.THANH_TIEN_BV.amount", "XML3.THANH_TIEN_BH.amount",
        ]),
        RuleCase("XML3", ["TYLE_TT_BH": "-1"], ["XML3.TYLE_TT_BH.range", "XML3.THANH_TIEN_BH.amount"]),
        RuleCase(
            "XML3", ["THANH_TIEN_BV": "995501"], ["XML3.THANH_TIEN_BV.amount", "XML1.T_TONGCHI_BV.total"]),
        RuleCase(
            "XML3", ["THANH_TIEN_BH": "995000"], ["XML3.THANH_TIEN_BH.amount", "XML1.T_TONGCHI_BH.total"]),
        // 3176's example: the facility does not charge the difference on a second visit.
        RuleCase(
            "XML3",
            ["SO_LUONG": "1", "DON_GIA_BV": "100000", "DON_GIA_BH": "40000", "TYLE_TT_DV": "30",
             "TYLE_TT_BH": "100", "THANH_TIEN_BV": "72000", "THANH_TIEN_BH": "12000"],
            ["XML1.T_TONGCHI_BV.total", "XML1.T_TONGCHI_BH.total"]),
        RuleCase("XML3", ["MUC_HUONG": "101"], ["XML3.MUC_HUONG.range"]),
        RuleCase("XML3", record: 2, ["NGUOI_THUC_HIEN": ""], ["XML3.NGUOI_THUC_HIEN.required"]),
        RuleCase("XML3", record: 2, ["NGAY_TH_YL": ""], ["XML3.NGAY_TH_YL.required"]),
        RuleCase("XML3", record: 2, ["NGAY_TH_YL": "202403101039"], ["XML3.NGAY_TH_YL.order"]),
        RuleCase("XML3", record: 2, ["NGAY_KQ": "202403101039"], ["XML3.NGAY_KQ.order"]),
        RuleCase("XML3", ["MA_PTTT": "0"], ["XML3.MA_PTTT.code"]),
        RuleCase("XML3", ["VET_THUONG_TP": "0"], ["XML3.VET_THUONG_TP.code"]),
        RuleCase("XML3", ["TAI_SU_DUNG": "2"], ["XML3.TAI_SU_DUNG.code"]),
        RuleCase("XML4", ["NGAY_KQ": ""], ["XML4.NGAY_KQ.required"]),
    ]

    /// Tables the fixtures lack, built here.
    static let otherTableCases: [RuleCase] = {
        let checkIn = ["NGAY_VAO": "202403100915", "MA_THUOC": "40.212", "TEN_THUOC": "Ceftriaxon"]
        let card = ["MA_THE_BHYT": "HT2797998765432", "MA_DKBD": "79024", "GT_THE_TU": "20240101",
                    "GT_THE_DEN": "20241231"]
        let hiv = ["LOAI_DTRI_LAO": "0", "MA_TINH_TRANG_DK": "0", "MA_XU_TRI": "0", "MA_PHAC_DO_DIEU_TRI": "1a"]
        let treatment = ["MA_XU_TRI": "1", "NGAY_BAT_DAU_XU_TRI": "20240301", "NGAY_KET_THUC_XU_TRI": "20240331"]
        let appointment = ["NGAY_RA": "202403151400", "NGAY_HEN_KL": "20240322", "NGAY_VAO": "202403100915",
                           "NGAY_CT": "20240315"]
        return [
            RuleCase(adding: "XML0", checkIn, ["SO_CCCD": "1234"], ["XML0.SO_CCCD.pattern"]),
            RuleCase(adding: "XML0", checkIn, ["GIOI_TINH": "0"], ["XML0.GIOI_TINH.code"]),
            RuleCase(adding: "XML0", checkIn, card.merging(["MA_THE_BHYT": "H2797998765432"]) { $1 },
                     ["XML0.MA_THE_BHYT.structure"]),
            RuleCase(adding: "XML0", checkIn, card.merging(["MA_THE_BHYT": "HT0797998765432"]) { $1 },
                     ["XML0.MA_THE_BHYT.benefitLevel"]),
            RuleCase(adding: "XML0", checkIn, card, []),
            RuleCase(adding: "XML0", checkIn, card.merging(["MA_DKBD": "7902"]) { $1 }, ["XML0.MA_DKBD.cards"]),
            RuleCase(adding: "XML0", checkIn, card.merging(["GT_THE_TU": "2024"]) { $1 }, ["XML0.GT_THE_TU.cards"]),
            RuleCase(adding: "XML0", checkIn, card.merging(["GT_THE_DEN": "20231231"]) { $1 },
                     ["XML0.GT_THE_DEN.cards"]),
            RuleCase(adding: "XML0", checkIn, ["NGAY_VAO_NOI_TRU": "202403100900", "LY_DO_VNT": "x"],
                     ["XML0.NGAY_VAO_NOI_TRU.order"]),
            RuleCase(adding: "XML0", checkIn, ["NGAY_VAO_NOI_TRU": "202403101000"], ["XML0.LY_DO_VNT.required"]),
            RuleCase(adding: "XML0", checkIn, ["MA_LOAI_KCB": "10"], ["XML0.MA_LOAI_KCB.code"]),
            RuleCase(adding: "XML0", checkIn, ["MA_THUOC": "", "TEN_THUOC": ""],
                     ["XML0.MA_DICH_VU.required", "XML0.MA_THUOC.required", "XML0.MA_VAT_TU.required"]),
            RuleCase(adding: "XML0", checkIn, ["TEN_THUOC": ""], ["XML0.TEN_THUOC.required"]),
            RuleCase(adding: "XML0", checkIn, ["MA_DICH_VU": "K02.1906"], ["XML0.TEN_DICH_VU.required"]),
            RuleCase(adding: "XML0", checkIn, ["MA_VAT_TU": "N03.05.070"], ["XML0.TEN_VAT_TU.required"]),
            RuleCase(adding: "XML6", hiv, ["LOAI_DTRI_LAO": "1"], [
                "XML6.PHACDO_DTRI_LAO.required", "XML6.NGAYBD_DTRI_LAO.required", "XML6.NGAYKT_DTRI_LAO.required",
            ]),
            RuleCase(adding: "XML6", hiv, ["MA_TINH_TRANG_DK": "1"], [
                "XML6.LAN_XN_PCR.required", "XML6.NGAY_XN_PCR.required", "XML6.NGAY_KQ_XN_PCR.required",
                "XML6.MA_KQ_XN_PCR.required",
            ]),
            RuleCase(adding: "XML6", hiv, ["MA_XU_TRI": "1"], [
                "XML6.NGAY_BAT_DAU_XU_TRI.required", "XML6.NGAY_KET_THUC_XU_TRI.required",
                "XML6.SO_NGAY_CAP_THUOC_ARV.required",
            ]),
            RuleCase(adding: "XML6", hiv, ["MA_PHAC_DO_DIEU_TRI": "KHAC"], ["XML6.MA_BAC_PHAC_DO.required"]),
            RuleCase(adding: "XML6", hiv, treatment.merging(["SO_NGAY_CAP_THUOC_ARV": "31"]) { $1 },
                     ["XML6.SO_NGAY_CAP_THUOC_ARV.days"]),
            RuleCase(adding: "XML6", hiv, treatment.merging(["SO_NGAY_CAP_THUOC_ARV": "30"]) { $1 }, []),
            RuleCase(adding: "XML6", hiv, ["GIOI_TINH": "2"], ["XML6.GIOI_TINH.matchesXML1"]),
            RuleCase(adding: "XML6", hiv, ["MA_LK": "79001.240310.000457"], ["XML6.MA_LK.link"]),
            RuleCase(adding: "XML7", [:], ["MA_DINH_CHI_THAI": "1"], [
                "XML7.NGUYENNHAN_DINHCHI.required", "XML7.THOIGIAN_DINHCHI.required", "XML7.TUOI_THAI.required",
            ]),
            RuleCase(adding: "XML7", [:], ["SO_NGAY_NGHI": "3"], ["XML7.SO_NGAY_NGHI.together"]),
            RuleCase(adding: "XML7", [:], ["SO_NGAY_NGHI": "3", "NGOAITRU_TUNGAY": "20240316",
                                           "NGOAITRU_DENNGAY": "20240318"], []),
            RuleCase(adding: "XML8", [:], summary: ["MA_LOAI_KCB": "02"], ["XML8.MA_LK.encounterType"]),
            RuleCase(adding: "XML9", [:], ["MA_BHXH_NND": "0000000000"], ["XML9.MA_BHXH_NND.digits"]),
            RuleCase(adding: "XML9", [:], ["GIOI_TINH_CON": "4"], ["XML9.GIOI_TINH_CON.code"]),
            RuleCase(adding: "XML11", [:], ["MA_BHXH": "0000000000"], ["XML11.MA_BHXH.digits"]),
            RuleCase(adding: "XML11", [:], ["MA_DINH_CHI_THAI": "1"], [
                "XML11.NGUYENNHAN_DINHCHI.required", "XML11.TUOI_THAI.required",
            ]),
            RuleCase(adding: "XML11", [:], ["MAU_SO": "CT08"], ["XML11.MAU_SO.code"]),
            RuleCase(adding: "XML12", [:], ["MA_BHXH": "000"], ["XML12.MA_BHXH.digits"]),
            RuleCase(adding: "XML13", ["HO_TEN": "Lê Văn Đức"], ["HO_TEN": "Lê Văn Đúc"], ["XML13.HO_TEN.matchesXML1"]),
            RuleCase(adding: "XML13", ["HO_TEN": "Lê Văn Đức"], ["MA_THE_BHYT": "CC1797998765432"], []),
            RuleCase(adding: "XML13", ["HO_TEN": "Lê Văn Đức"], ["MA_THE_BHYT": "CC1797998765439"],
                     ["XML13.MA_THE_BHYT.matchesXML1"]),
            RuleCase(adding: "XML13", ["HO_TEN": "Lê Văn Đức"], ["PP_DIEUTRI": "Kháng sinh"],
                     ["XML13.PP_DIEUTRI.matchesXML1"]),
            RuleCase(adding: "XML14", appointment, ["NGAY_HEN_KL": "20240314"], ["XML14.NGAY_HEN_KL.order"]),
            RuleCase(adding: "XML14", appointment, ["NGAY_HEN_KL": "20240315"], []),
            RuleCase(adding: "XML14", appointment, ["NGAY_CT": "20240309"], ["XML14.NGAY_CT.order"]),
            RuleCase(adding: "XML14", appointment, ["MA_DOITUONG_KCB": "2"], ["XML14.MA_DOITUONG_KCB.matchesXML1"]),
            RuleCase(adding: "XML15", [:], ["SO_CCCD": "079058004322"], ["XML15.SO_CCCD.matchesXML1"]),
        ]
    }()

    /// Every table's `MA_LK` must be XML1's.
    static let linkCases: [RuleCase] = ["XML2", "XML3", "XML4"].map {
        RuleCase($0, ["MA_LK": "79001.240310.000457"], ["\($0).MA_LK.link"])
    } + ["XML0", "XML5", "XML6", "XML7", "XML8", "XML9", "XML10", "XML11", "XML13", "XML14", "XML15"].map {
        RuleCase(adding: $0, [:], ["MA_LK": "79001.240310.000457"], ["\($0).MA_LK.link"])
    }

    /// Fields that, when given, must equal XML1's (rules rows "Nếu có dữ liệu thì phải giống …
    /// ở bảng 1"): each set to a value of the same shape that differs from the inpatient XML1.
    static let matchingCases: [RuleCase] = {
        let fields: [String: [String]] = [
            "XML6": ["NGAY_SINH", "GIOI_TINH", "DIA_CHI", "MATINH_CU_TRU", "MAHUYEN_CU_TRU", "MAXA_CU_TRU", "MA_CSKCB"],
            "XML13": ["MA_CSKCB", "MA_NOI_DEN", "HO_TEN", "NGAY_SINH", "GIOI_TINH", "MA_QUOCTICH", "MA_DANTOC",
                      "MA_NGHE_NGHIEP", "DIA_CHI", "MA_THE_BHYT", "GT_THE_DEN", "NGAY_VAO", "NGAY_VAO_NOI_TRU",
                      "NGAY_RA", "CHAN_DOAN_RV", "MA_BENH_CHINH", "MA_BENH_KT", "MA_BENH_YHCT", "MA_LOAI_RV"],
            "XML14": ["NGAY_SINH", "GIOI_TINH", "DIA_CHI", "MA_THE_BHYT", "GT_THE_DEN", "NGAY_VAO",
                      "NGAY_VAO_NOI_TRU", "NGAY_RA", "CHAN_DOAN_RV", "MA_BENH_CHINH", "MA_BENH_KT", "MA_BENH_YHCT",
                      "MA_DOITUONG_KCB"],
            "XML15": ["HO_TEN", "SO_CCCD", "MA_CSKCB"],
        ]
        let summary = try! ClaimValidatorTests.documents([("inpatient-xml1.xml", "XML1")])[0].records[0]
        return fields.sorted { $0.key < $1.key }.flatMap { table, names in
            names.map { name in
                let value = (summary[name] ?? "").split(separator: ";").first.map(String.init) ?? ""
                return RuleCase(adding: table, [:], [name: differing(value)], ["\(table).\(name).matchesXML1"])
            }
        }
    }()

    /// A text of the same shape as `value` that differs from it: the last character changed.
    static func differing(_ value: String) -> String {
        guard let last = value.last else { return "1" }
        let replacement: Character =
            if let digit = last.wholeNumberValue { Character(String((digit + 1) % 10)) } else { last == "a" ? "b" : "a" }
        return String(value.dropLast()) + String(replacement)
    }

    static let allCases =
        fieldCases + summaryCases + totalCases + lineCases + otherTableCases + linkCases + matchingCases

    /// The inpatient fixtures plus the case's built table, before its changes.
    static func base(_ ruleCase: RuleCase) throws -> [ClaimTableDocument] {
        var documents = try ClaimValidatorTests.documents(ClaimValidatorTests.inpatient)
        if let (name, fields) = ruleCase.added {
            let table = try #require(ClaimDefinitions.standard[name])
            var record = ClaimRecord(table: table)
            if table.index(of: "MA_LK") != nil { try record.setText(key, for: "MA_LK") }
            for (field, text) in fields { try record.setText(text, for: field) }
            documents.append(ClaimTableDocument(table: table, records: [record]))
        }
        return documents
    }

    @Test(arguments: fieldCases)
    func fieldChecks(_ ruleCase: RuleCase) throws { try check(ruleCase) }

    @Test(arguments: summaryCases)
    func summaryRules(_ ruleCase: RuleCase) throws { try check(ruleCase) }

    @Test(arguments: totalCases)
    func totals(_ ruleCase: RuleCase) throws { try check(ruleCase) }

    @Test(arguments: lineCases)
    func lineRules(_ ruleCase: RuleCase) throws { try check(ruleCase) }

    @Test(arguments: otherTableCases)
    func otherTableRules(_ ruleCase: RuleCase) throws { try check(ruleCase) }

    @Test(arguments: linkCases)
    func links(_ ruleCase: RuleCase) throws { try check(ruleCase) }

    @Test(arguments: matchingCases)
    func valuesMatchingSummary(_ ruleCase: RuleCase) throws { try check(ruleCase) }

    /// The changes add exactly the expected problems, each placed on the changed table and field.
    func check(_ ruleCase: RuleCase) throws {
        let base = try Self.base(ruleCase)
        var changed = base
        for change in ruleCase.changes {
            let document = try #require(changed.firstIndex { $0.table.name == change.table })
            let record = try #require(changed[document].records.firstIndex { $0.number == change.record })
            try changed[document].records[record].setText(change.text, for: change.field)
        }
        let before = Set(Self.validator.validate(base))
        let added = Self.validator.validate(changed).filter { !before.contains($0) }
        #expect(Set(added.map(\.rule)) == ruleCase.expected)
        #expect(added.count == ruleCase.expected.count)
        for problem in added {
            #expect(problem.rule == "\(problem.table).\(problem.field).\(problem.rule.split(separator: ".").last!)")
            #expect(!problem.vietnamese.isEmpty && !problem.english.isEmpty)
        }
    }
}
