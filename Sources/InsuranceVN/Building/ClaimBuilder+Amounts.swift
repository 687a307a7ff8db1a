// The fields the standard computes from others, filled where the maps left them empty: the
// lines' MA_LK and STT, the line amounts of XML2 and XML3, XML1's totals (the sums ClaimValidator
// checks, with its rounding), SO_NGAY_DTRI, NAM_QT and THANG_QT. A value a map gave is kept.
// The arithmetic is the validator's (ClaimAmount: exact fixed point, Decimal beyond), so the
// amounts are those its rules expect.

import Foundation

extension ClaimBuilder {
    static func complete(_ documents: inout [ClaimTableDocument], issues: inout [ClaimBuildIssue]) {
        let summaryIndex = documents.firstIndex { $0.table.name == "XML1" }
        let key = summaryIndex.flatMap { documents[$0].records.first?.filled("MA_LK") }
        for index in documents.indices {
            let name = documents[index].table.name
            let isFlat = documents[index].table.isFlat
            // Each record completed in place: a copy taken out and put back would copy its texts.
            for recordIndex in documents[index].records.indices {
                completeRecord(&documents[index].records[recordIndex], table: name, isFlat: isFlat, key: key)
            }
        }
        guard let summaryIndex, var summary = documents[summaryIndex].records.first else { return }
        let lines = documents.filter { ["XML2", "XML3"].contains($0.table.name) }
        for total in ClaimValidator.totals where summary.filled(total.field) == nil {
            var sum = ClaimAmount.zero
            for document in lines where total.lines.contains(document.table.name) {
                for record in document.records {
                    if let groups = total.groups {
                        guard let group = record.number("MA_NHOM"), groups.contains(where: { ClaimDecimal($0) == group }) else { continue }
                    }
                    sum += record.amount(total.lineField) ?? .zero
                }
            }
            fill(&summary, total.field, text(of: sum, scale: 2))
        }
        treatmentDays(&summary)
        if let settled = summary.filled("NGAY_TTOAN").flatMap(ClaimDateTime.init) ?? summary.filled("NGAY_RA").flatMap(ClaimDateTime.init) {
            fill(&summary, "NAM_QT", String(settled.year))
            fill(&summary, "THANG_QT", String(settled.month))
        }
        documents[summaryIndex].records[0] = summary
    }

    /// The numbers, key and line amounts of one record of table `table`.
    private static func completeRecord(_ record: inout ClaimRecord, table: String, isFlat: Bool, key: String?) {
        fill(&record, "STT", isFlat ? "1" : String(record.number))
        if table != "XML1", let key { fill(&record, "MA_LK", key) }
        switch table {
        case "XML2": drugAmounts(&record)
        case "XML3": serviceAmounts(&record)
        default: break
        }
    }

    /// Sets a field when the table has it and it is empty.
    static func fill(_ record: inout ClaimRecord, _ field: String, _ text: String) {
        guard let index = record.table.index(of: field), !record.table.fields[index].isRemoved,
            record.texts[index]?.isEmpty ?? true
        else { return }
        record.setText(text, at: index)
    }

    static func value(_ record: ClaimRecord, _ field: String) -> ClaimAmount? {
        record.amount(field)
    }

    /// An amount rounded half away from zero to `scale` decimals, written with `.` and no
    /// trailing zeros (`1048644.8`, `17850`).
    static func text(of value: ClaimAmount, scale: Int) -> String {
        value.rounded(scale: scale).text
    }

    /// XML2: `THANH_TIEN_BV = SO_LUONG × DON_GIA`, `THANH_TIEN_BH = THANH_TIEN_BV × TYLE_TT_BH / 100`.
    static func drugAmounts(_ record: inout ClaimRecord) {
        guard let quantity = value(record, "SO_LUONG"), let price = value(record, "DON_GIA") else { return }
        let amount = quantity * price
        fill(&record, "THANH_TIEN_BV", text(of: amount, scale: 2))
        if let rate = value(record, "TYLE_TT_BH") {
            fill(&record, "THANH_TIEN_BH", text(of: (amount * rate).percent, scale: 2))
        }
        shares(&record)
    }

    /// XML3 (3176): `THANH_TIEN_BV = SO_LUONG × DON_GIA_BV × TYLE_TT_DV / 100`,
    /// `THANH_TIEN_BH = SO_LUONG × DON_GIA_BH × TYLE_TT_DV / 100 × TYLE_TT_BH / 100`.
    static func serviceAmounts(_ record: inout ClaimRecord) {
        guard let quantity = value(record, "SO_LUONG"), let price = value(record, "DON_GIA_BV") else { return }
        let serviceRate = value(record, "TYLE_TT_DV") ?? .hundred
        fill(&record, "THANH_TIEN_BV", text(of: (quantity * price * serviceRate).percent, scale: 2))
        if let insuredPrice = value(record, "DON_GIA_BH"), let rate = value(record, "TYLE_TT_BH") {
            fill(&record, "THANH_TIEN_BH", text(of: ((quantity * insuredPrice * serviceRate).percent * rate).percent, scale: 2))
        }
        shares(&record)
    }

    /// Who pays a line: other sources (`T_NGUONKHAC`, the sum of its four parts), the patient's
    /// co-payment `T_BNCCT = THANH_TIEN_BH × (100 − MUC_HUONG) / 100`, the fund
    /// `T_BHTT = THANH_TIEN_BH − T_BNCCT`, and what the fund does not cover
    /// `T_BNTT = THANH_TIEN_BV − THANH_TIEN_BH`.
    static func shares(_ record: inout ClaimRecord) {
        let parts = ["T_NGUONKHAC_NSNN", "T_NGUONKHAC_VTNN", "T_NGUONKHAC_VTTN", "T_NGUONKHAC_CL"]
        for part in parts { fill(&record, part, "0") }
        fill(&record, "T_NGUONKHAC", text(of: parts.reduce(ClaimAmount.zero) { $0 + (value(record, $1) ?? .zero) }, scale: 2))
        guard let total = value(record, "THANH_TIEN_BV"), let insured = value(record, "THANH_TIEN_BH") else { return }
        fill(&record, "T_BNTT", text(of: total - insured, scale: 2))
        guard let level = value(record, "MUC_HUONG") else { return }
        let copay = (insured * (.hundred - level)).percent.rounded()
        fill(&record, "T_BNCCT", text(of: copay, scale: 2))
        if let written = value(record, "T_BNCCT") {
            fill(&record, "T_BHTT", text(of: insured - written, scale: 2))
        }
    }

    /// XML1 row 39: 0 for `MA_LOAI_KCB` 01, 07, 09; `NGAY_RA − NGAY_VAO + 1` days for 02, 03, 04, 06.
    static func treatmentDays(_ summary: inout ClaimRecord) {
        guard let type = summary.filled("MA_LOAI_KCB") else { return }
        switch type {
        case "01", "07", "09":
            fill(&summary, "SO_NGAY_DTRI", "0")
        case "02", "03", "04", "06":
            guard let from = summary.filled("NGAY_VAO").flatMap(ClaimDateTime.init),
                let to = summary.filled("NGAY_RA").flatMap(ClaimDateTime.init),
                let span = ClaimValidator.dayCount(from: from.date, to: to.date)
            else { return }
            fill(&summary, "SO_NGAY_DTRI", String(span + 1))
        default:
            break
        }
    }
}
