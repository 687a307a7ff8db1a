// The rules across the tables of one encounter: the same MA_LK everywhere, values that must
// equal XML1's, which encounters may have XML8, and XML1's totals against the XML2/XML3 lines.
// Each cites its row of `gateway-rules/XMLn.csv`.

extension ClaimValidator {
    /// Fields whose rules row says "Nếu có dữ liệu thì phải giống thông tin này ở bảng 1" (when
    /// given, equal to XML1's): the table's field and XML1's field it must equal.
    static let fieldsMatchingSummary: [String: [(field: String, summaryField: String)]] = [
        "XML6": same(["NGAY_SINH", "GIOI_TINH", "DIA_CHI", "MATINH_CU_TRU", "MAHUYEN_CU_TRU", "MAXA_CU_TRU", "MA_CSKCB"]),
        "XML13": same([
            "MA_CSKCB", "MA_NOI_DEN", "HO_TEN", "NGAY_SINH", "GIOI_TINH", "MA_QUOCTICH", "MA_DANTOC",
            "MA_NGHE_NGHIEP", "DIA_CHI", "MA_THE_BHYT", "GT_THE_DEN", "NGAY_VAO", "NGAY_VAO_NOI_TRU", "NGAY_RA",
            "CHAN_DOAN_RV", "MA_BENH_CHINH", "MA_BENH_KT", "MA_BENH_YHCT", "MA_LOAI_RV",
        ]) + [("PP_DIEUTRI", "PP_DIEU_TRI")],
        "XML14": same([
            "NGAY_SINH", "GIOI_TINH", "DIA_CHI", "MA_THE_BHYT", "GT_THE_DEN", "NGAY_VAO", "NGAY_VAO_NOI_TRU",
            "NGAY_RA", "CHAN_DOAN_RV", "MA_BENH_CHINH", "MA_BENH_KT", "MA_BENH_YHCT", "MA_DOITUONG_KCB",
        ]),
        "XML15": same(["HO_TEN", "SO_CCCD", "MA_CSKCB"]),
    ]

    private static func same(_ fields: [String]) -> [(field: String, summaryField: String)] {
        fields.map { ($0, $0) }
    }

    /// Fields that may list several cards (`;`): a table's single value may be one of them.
    private static let cardFields: Set<String> = ["MA_THE_BHYT", "GT_THE_DEN"]

    /// XML1's totals: the field, the XML2/XML3 line field summed, and which lines count.
    static let totals: [(field: String, lineField: String, lines: Set<String>, groups: Set<String>?)] = [
        ("T_THUOC", "THANH_TIEN_BV", ["XML2"], nil),  // row 45
        ("T_VTYT", "THANH_TIEN_BV", ["XML3"], ["10", "11"]),  // row 46
        ("T_TONGCHI_BV", "THANH_TIEN_BV", ["XML2", "XML3"], nil),  // row 47
        ("T_TONGCHI_BH", "THANH_TIEN_BH", ["XML2", "XML3"], nil),  // row 48
        ("T_BNTT", "T_BNTT", ["XML2", "XML3"], nil),  // row 49
        ("T_BNCCT", "T_BNCCT", ["XML2", "XML3"], nil),  // row 50
        ("T_BHTT", "T_BHTT", ["XML2", "XML3"], nil),  // row 51
        ("T_NGUONKHAC", "T_NGUONKHAC", ["XML2", "XML3"], nil),  // row 52
    ]

    static func tableRules(_ documents: [ClaimTableDocument]) -> [ClaimProblem] {
        guard let summary = documents.first(where: { $0.table.name == "XML1" })?.records.first else { return [] }
        var problems: [ClaimProblem] = []
        func add(
            _ table: String, _ record: Int, _ field: String, _ check: String, _ vietnamese: String,
            _ english: String, severity: ClaimProblem.Severity = .error
        ) {
            problems.append(
                ClaimProblem(
                    table: table, record: record, field: field, rule: "\(table).\(field).\(check)", severity: severity,
                    vietnamese: vietnamese, english: english))
        }

        // Every table, row 1 (MA_LK): the key linking the encounter's tables.
        let key = summary.filled("MA_LK")
        for document in documents where document.table.name != "XML1" && document.table.index(of: "MA_LK") != nil {
            for record in document.records where key != nil && record.filled("MA_LK") != key {
                add(
                    document.table.name, record.number, "MA_LK", "link", "MA_LK phải giống MA_LK ở bảng XML1",
                    "MA_LK must equal XML1's MA_LK")
            }
        }

        for document in documents {
            let table = document.table.name
            for (field, summaryField) in fieldsMatchingSummary[table] ?? [] {
                for record in document.records {
                    guard let value = record.filled(field) else { continue }
                    let expected = summary.filled(summaryField) ?? ""
                    let matches =
                        value == expected
                        || (cardFields.contains(field) && expected.split(separator: ";").contains { $0 == value })
                    if !matches {
                        add(
                            table, record.number, field, "matchesXML1",
                            "Có dữ liệu thì phải giống \(summaryField) ở bảng XML1",
                            "When given, must equal XML1's \(summaryField)")
                    }
                }
            }
        }

        // XML8 row 1: only for MA_LOAI_KCB 03, 04, 06.
        if let type = summary.filled("MA_LOAI_KCB"), !["03", "04", "06"].contains(type) {
            for document in documents where document.table.name == "XML8" {
                for record in document.records {
                    add(
                        "XML8", record.number, "MA_LK", "encounterType",
                        "Bảng XML8 chỉ có khi MA_LOAI_KCB ở XML1 là 03, 04, 06",
                        "XML8 is only sent when XML1's MA_LOAI_KCB is 03, 04 or 06")
                }
            }
        }

        // XML1 totals, when the lines were given.
        let lines = documents.filter { ["XML2", "XML3"].contains($0.table.name) }
        if !lines.isEmpty {
            for total in totals {
                guard let value = summary.amount(total.field) else { continue }
                var sum = ClaimAmount.zero
                for document in lines where total.lines.contains(document.table.name) {
                    for record in document.records {
                        if let groups = total.groups {
                            guard let group = record.number("MA_NHOM"),
                                groups.contains(where: { ClaimDecimal($0) == group })
                            else { continue }
                        }
                        sum += record.amount(total.lineField) ?? .zero
                    }
                }
                if sum.rounded() != value.rounded() {
                    let source = total.lines.sorted().joined(separator: " + ")
                    add(
                        "XML1", summary.number, total.field, "total",
                        "Phải bằng tổng \(total.lineField) của \(source)",
                        "Must equal the sum of \(total.lineField) in \(source)",
                        severity: total.groups == nil ? .error : .warning)
                }
            }
        }
        return problems
    }
}
