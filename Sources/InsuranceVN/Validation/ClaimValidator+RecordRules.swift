// The rules checked within one record, by table. Each cites its row of
// `../shared/specs/vn-xml130/gateway-rules/XMLn.csv` (row = `stt`, field); ClaimRuleInventory
// maps every row to these identifiers.

extension ClaimValidator {
    static let recordRules: [String: [ClaimRecordRule]] = [
        "XML0": [
            citizenID("SO_CCCD"),  // row 5
            sex("GIOI_TINH"),  // row 7 "Như 4210"
            cardNumber("MA_THE_BHYT"), cardBenefitLevel("MA_THE_BHYT"),  // row 8 "Như 4210"
            cardFacilities("MA_DKBD"),  // row 9
            cardDates("GT_THE_TU"), cardDates("GT_THE_DEN"),  // rows 10, 11
            notBefore("NGAY_VAO_NOI_TRU", "NGAY_VAO"),  // row 14
            code("MA_LOAI_KCB", encounterTypes),
            requiredWhen("LY_DO_VNT", filled: "NGAY_VAO_NOI_TRU"),  // row 15
            requiredWhenAllEmpty("MA_DICH_VU", ["MA_THUOC", "MA_VAT_TU"]),  // row 16
            requiredWhen("TEN_DICH_VU", filled: "MA_DICH_VU"),  // row 17
            requiredWhenAllEmpty("MA_THUOC", ["MA_DICH_VU", "MA_VAT_TU"]),  // row 21
            requiredWhen("TEN_THUOC", filled: "MA_THUOC"),  // row 22
            requiredWhenAllEmpty("MA_VAT_TU", ["MA_DICH_VU", "MA_THUOC"]),  // row 23
            requiredWhen("TEN_VAT_TU", filled: "MA_VAT_TU"),  // row 24
        ],
        "XML1": [
            citizenID("SO_CCCD"),  // row 5
            sex("GIOI_TINH"),  // row 7 "Như 4210"
            cardNumber("MA_THE_BHYT"), cardBenefitLevel("MA_THE_BHYT"),  // row 17 "Như 4210"
            cardFacilities("MA_DKBD"),  // row 18
            cardDates("GT_THE_TU"), cardDates("GT_THE_DEN"),  // rows 19, 20
            diagnosis("MA_BENH_CHINH", atMost: 1),  // row 27
            diagnosis("MA_BENH_KT", atMost: 12),  // row 28
            notBefore("NGAY_VAO_NOI_TRU", "NGAY_VAO"),  // row 36
            notBefore("NGAY_RA", "NGAY_VAO_NOI_TRU"), notBefore("NGAY_RA", "NGAY_VAO", check: "orderVao"),  // row 37
            treatmentDays,  // row 39
            code("KET_QUA_DTRI", ["1", "2", "3", "4", "5", "6", "7", "8"]),  // row 41 (3176 added 8)
            code("MA_LOAI_RV", ["1", "2", "3", "4", "5"]),  // row 42
            month("THANG_QT"),  // row 55 "Như 4210"
            code("MA_LOAI_KCB", encounterTypes),  // row 56
            code("MA_KHUVUC", ["K1", "K2", "K3"]),  // row 59 "Như 4210"
            positiveNumber("CAN_NANG"),  // row 60 "Như 4210"
            digits("MA_TTDV", atMost: 10),  // row 65
        ],
        "XML2": [
            requiredUnless("TT_THAU", group: ["7", "17"]),  // row 15
            code("PHAM_VI", ["1", "2", "3"]),  // row 16
            percentage("TYLE_TT_BH"),  // row 17
            drugAmount, drugInsuredAmount,  // rows 20, 21
            percentage("MUC_HUONG"),  // row 27
            notBefore("NGAY_TH_YL", "NGAY_YL"),  // row 35
            code("MA_PTTT", ["1", "2", "3"]),  // row 36
            code("NGUON_CTRA", ["1", "2", "3", "4"]),  // row 37
            code("VET_THUONG_TP", ["1"]),  // row 38
        ],
        "XML3": [
            requiredWhenAllEmpty("MA_DICH_VU", ["MA_VAT_TU"]),  // rows 3, 5 "Như QĐ 4210"
            code("GOI_VTYT", (1...999).map { "G\($0)" }),  // row 7
            requiredWhen("TEN_VAT_TU", filled: "MA_VAT_TU"),  // row 8
            requiredWhen("TEN_DICH_VU", filled: "MA_DICH_VU"),  // row 9
            requiredWhen("MA_XANG_DAU", group: ["12"]),  // row 10
            code("PHAM_VI", ["1", "2", "3"]),  // row 12
            requiredWhen("TT_THAU", group: ["10"]),  // row 16
            percentage("TYLE_TT_DV"), percentage("TYLE_TT_BH"),  // rows 17, 18
            serviceAmount, serviceInsuredAmount,  // rows 19, 20
            percentage("MUC_HUONG"),  // row 22
            requiredWhen("NGUOI_THUC_HIEN", group: ["1", "2", "3", "8", "18"]),  // row 34
            requiredWhen("NGAY_TH_YL", group: ["1", "2", "3", "8", "18"]),  // row 36
            notBefore("NGAY_TH_YL", "NGAY_YL"),  // row 36
            notBefore("NGAY_KQ", "NGAY_YL"),  // row 37
            code("MA_PTTT", ["1", "2", "3"]),  // row 38
            code("VET_THUONG_TP", ["1"]),  // row 39
            code("TAI_SU_DUNG", ["1"]),  // row 44
        ],
        "XML4": [
            requiredWhen("NGAY_KQ", filled: "GIA_TRI")  // row 10
        ],
        "XML6": [
            requiredUnless("PHACDO_DTRI_LAO", "LOAI_DTRI_LAO", is: "0"),  // row 10
            requiredUnless("NGAYBD_DTRI_LAO", "LOAI_DTRI_LAO", is: "0"),  // row 11
            requiredUnless("NGAYKT_DTRI_LAO", "LOAI_DTRI_LAO", is: "0"),  // row 12
            requiredWhen("LAN_XN_PCR", "MA_TINH_TRANG_DK", is: "1"),  // row 19
            requiredWhen("NGAY_XN_PCR", "MA_TINH_TRANG_DK", is: "1"),  // row 20
            requiredWhen("NGAY_KQ_XN_PCR", "MA_TINH_TRANG_DK", is: "1"),  // row 21
            requiredWhen("MA_KQ_XN_PCR", "MA_TINH_TRANG_DK", is: "1"),  // row 22
            requiredWhen("NGAY_BAT_DAU_XU_TRI", "MA_XU_TRI", is: "1"),  // row 26
            requiredWhen("NGAY_KET_THUC_XU_TRI", "MA_XU_TRI", is: "1"),  // row 27
            requiredWhen("MA_BAC_PHAC_DO", "MA_PHAC_DO_DIEU_TRI", is: "KHAC"),  // row 29
            requiredWhen("SO_NGAY_CAP_THUOC_ARV", "MA_XU_TRI", is: "1"),  // row 30
            arvDays,  // row 30
        ],
        "XML7": [
            requiredWhen("NGUYENNHAN_DINHCHI", "MA_DINH_CHI_THAI", is: "1"),  // row 8
            requiredWhen("THOIGIAN_DINHCHI", "MA_DINH_CHI_THAI", is: "1"),  // row 9
            requiredWhen("TUOI_THAI", "MA_DINH_CHI_THAI", is: "1"),  // row 10
            allOrNone("SO_NGAY_NGHI", ["SO_NGAY_NGHI", "NGOAITRU_TUNGAY", "NGOAITRU_DENNGAY"]),  // row 23
        ],
        "XML9": [
            socialInsuranceNumber("MA_BHXH_NND"),  // row 2
            sex("GIOI_TINH_CON"),  // row 18
        ],
        "XML11": [
            socialInsuranceNumber("MA_BHXH"),  // row 6
            requiredWhen("NGUYENNHAN_DINHCHI", "MA_DINH_CHI_THAI", is: "1"),  // row 11
            requiredWhen("TUOI_THAI", "MA_DINH_CHI_THAI", is: "1"),  // row 12
            code("MAU_SO", ["CT07"]),  // row 22
        ],
        "XML12": [
            socialInsuranceNumber("MA_BHXH")  // row 13
        ],
        "XML14": [
            notBefore("NGAY_HEN_KL", "NGAY_RA"),  // row 13
            notBefore("NGAY_CT", "NGAY_VAO"),  // row 22
        ],
    ]

    /// Encounter types (`MA_LOAI_KCB`): `source/ma_loai_kcb.md` lists 01–05, 07–09; the gateway
    /// rules for `SO_NGAY_DTRI` also name 06.
    static let encounterTypes = ["01", "02", "03", "04", "05", "06", "07", "08", "09"]

    // MARK: Rule constructors

    static func code(_ field: String, _ allowed: [String]) -> ClaimRecordRule {
        let allowed = Set(allowed)
        return ClaimRecordRule(
            field, "code", vietnamese: "Mã không nằm trong danh sách giá trị cho phép",
            english: "Not one of the allowed codes"
        ) { record in record.filled(field).map { !allowed.contains($0) } ?? false }
    }

    static func sex(_ field: String) -> ClaimRecordRule {
        code(field, ["1", "2", "3"])
    }

    static func requiredWhen(_ field: String, filled other: String) -> ClaimRecordRule {
        ClaimRecordRule(
            field, "required", vietnamese: "Bắt buộc khi \(other) có dữ liệu",
            english: "Required when \(other) is given"
        ) { record in record.filled(other) != nil && record.filled(field) == nil }
    }

    static func requiredWhen(_ field: String, _ other: String, is value: String) -> ClaimRecordRule {
        ClaimRecordRule(
            field, "required", vietnamese: "Bắt buộc khi \(other) = \(value)",
            english: "Required when \(other) is \(value)"
        ) { record in record.filled(other) == value && record.filled(field) == nil }
    }

    static func requiredUnless(_ field: String, _ other: String, is value: String) -> ClaimRecordRule {
        ClaimRecordRule(
            field, "required", vietnamese: "Bắt buộc trừ khi \(other) = \(value)",
            english: "Required unless \(other) is \(value)"
        ) { record in record.filled(other) != nil && record.filled(other) != value && record.filled(field) == nil }
    }

    static func requiredWhen(_ field: String, group: Set<String>) -> ClaimRecordRule {
        required(field, group: group, inGroup: true)
    }

    static func requiredUnless(_ field: String, group: Set<String>) -> ClaimRecordRule {
        required(field, group: group, inGroup: false)
    }

    /// `field` required when the record's `MA_NHOM` is (`inGroup`) or is not one of `group`; the
    /// codes are read once, when the rule is made.
    private static func required(_ field: String, group: Set<String>, inGroup: Bool) -> ClaimRecordRule {
        let groups = group.sorted { Int($0)! < Int($1)! }.joined(separator: ", ")
        let codes = group.compactMap { ClaimDecimal($0) }
        return ClaimRecordRule(
            field, "required", vietnamese: "Bắt buộc \(inGroup ? "khi" : "trừ khi") MA_NHOM là \(groups)",
            english: "Required \(inGroup ? "when" : "unless") MA_NHOM is \(groups)"
        ) { record in
            guard let nhom = record.number("MA_NHOM") else { return false }
            return codes.contains { $0 == nhom } == inGroup && record.filled(field) == nil
        }
    }

    static func requiredWhenAllEmpty(_ field: String, _ others: [String]) -> ClaimRecordRule {
        let names = others.joined(separator: ", ")
        return ClaimRecordRule(
            field, "required", vietnamese: "Bắt buộc khi \(names) không có dữ liệu",
            english: "Required when \(names) are empty"
        ) { record in record.filled(field) == nil && others.allSatisfy { record.filled($0) == nil } }
    }

    static func allOrNone(_ field: String, _ fields: [String]) -> ClaimRecordRule {
        let names = fields.joined(separator: ", ")
        return ClaimRecordRule(
            field, "together", vietnamese: "\(names) phải cùng có hoặc cùng không có dữ liệu",
            english: "\(names) must all be given or all be empty"
        ) { record in
            let given = fields.filter { record.filled($0) != nil }.count
            return given != 0 && given != fields.count
        }
    }

    /// `field` is not before `earlier` (dates compare by day when either is a date).
    static func notBefore(_ field: String, _ earlier: String, check: String = "order") -> ClaimRecordRule {
        ClaimRecordRule(
            field, check, vietnamese: "\(field) phải lớn hơn hoặc bằng \(earlier)",
            english: "\(field) must not be before \(earlier)"
        ) { record in
            guard let later = record.filled(field), let earlierText = record.filled(earlier) else { return false }
            return isBefore(later, earlierText) ?? false
        }
    }

    static func citizenID(_ field: String) -> ClaimRecordRule {
        ClaimRecordRule(
            field, "pattern",
            vietnamese: "Định dạng 9 hoặc 12 chữ số, hoặc 1 chữ in hoa và 7 chữ số (hộ chiếu)",
            english: "Must be 9 or 12 digits, or a capital letter and 7 digits (passport)"
        ) { record in record.filled(field).map { !isCitizenID($0) } ?? false }
    }

    static func cardNumber(_ field: String) -> ClaimRecordRule {
        ClaimRecordRule(
            field, "structure",
            vietnamese: "Mã thẻ gồm 2 chữ in hoa (nhóm đối tượng), 1 chữ số, 2 chữ số mã tỉnh và 10 chữ số",
            english: "A card number is 2 capital letters (group), a digit, a 2-digit province code and 10 digits"
        ) { record in
            guard let cards = record.filled(field) else { return false }
            return cards.split(separator: ";", omittingEmptySubsequences: false).contains { !isCardNumber($0) }
        }
    }

    /// The benefit level, the card's third character, is 1–5 (the gateway reports it apart).
    static func cardBenefitLevel(_ field: String) -> ClaimRecordRule {
        ClaimRecordRule(
            field, "benefitLevel", vietnamese: "Mức hưởng trên mã thẻ (ký tự thứ 3) phải từ 1 đến 5",
            english: "The card's benefit level (third character) must be 1 to 5"
        ) { record in
            guard let cards = record.filled(field) else { return false }
            return cards.split(separator: ";").contains { card in
                guard isCardNumber(card) else { return false }
                return !(UInt8(ascii: "1")...UInt8(ascii: "5")).contains(Array(card.utf8)[2])
            }
        }
    }

    /// One 5-character facility code per card.
    static func cardFacilities(_ field: String) -> ClaimRecordRule {
        ClaimRecordRule(
            field, "cards", vietnamese: "Mỗi thẻ một mã nơi đăng ký KCB ban đầu 5 ký tự",
            english: "One 5-character registered facility code per card"
        ) { record in
            guard let cards = record.filled("MA_THE_BHYT") else { return false }
            let codes = (record.filled(field) ?? "").split(separator: ";", omittingEmptySubsequences: false)
            return codes.count != cards.split(separator: ";", omittingEmptySubsequences: false).count
                || codes.contains { $0.count != 5 }
        }
    }

    /// One `yyyyMMdd` date per card; each card's `GT_THE_DEN` is not before its `GT_THE_TU`.
    static func cardDates(_ field: String) -> ClaimRecordRule {
        ClaimRecordRule(
            field, "cards", vietnamese: "Mỗi thẻ một ngày dạng yyyyMMdd; GT_THE_DEN không trước GT_THE_TU",
            english: "One yyyyMMdd date per card; GT_THE_DEN not before GT_THE_TU"
        ) { record in
            guard let cards = record.filled("MA_THE_BHYT") else { return false }
            let count = cards.split(separator: ";", omittingEmptySubsequences: false).count
            let dates = (record.filled(field) ?? "").split(separator: ";", omittingEmptySubsequences: false)
            guard dates.count == count, dates.allSatisfy({ ClaimDate($0) != nil }) else { return true }
            guard field == "GT_THE_DEN", let from = record.filled("GT_THE_TU") else { return false }
            return zip(dates, from.split(separator: ";", omittingEmptySubsequences: false)).contains {
                ClaimDate($1) != nil && $0 < $1
            }
        }
    }

    /// ICD-10 codes (`J18.1`, `I10`), `;`-separated, at most `atMost`.
    static func diagnosis(_ field: String, atMost limit: Int) -> ClaimRecordRule {
        ClaimRecordRule(
            field, "icd10",
            vietnamese: "Mã ICD-10 (chữ cái, 2 chữ số, phần sau dấu chấm), tối đa \(limit) mã cách nhau bằng ;",
            english: "ICD-10 codes (a letter, 2 digits, an optional '.' part), at most \(limit), ';'-separated"
        ) { record in
            guard let text = record.filled(field) else { return false }
            let codes = text.split(separator: ";", omittingEmptySubsequences: false)
            return codes.count > limit || codes.contains { !isICD10($0) }
        }
    }

    static func month(_ field: String) -> ClaimRecordRule {
        ClaimRecordRule(field, "range", vietnamese: "Tháng phải từ 1 đến 12", english: "A month is 1 to 12") {
            record in record.filled(field).map { Int($0).map { !(1...12).contains($0) } ?? false } ?? false
        }
    }

    static func percentage(_ field: String) -> ClaimRecordRule {
        ClaimRecordRule(field, "range", vietnamese: "Tỷ lệ phải từ 0 đến 100", english: "A percentage is 0 to 100") {
            record in
            guard let value = record.number(field).map(ClaimAmount.init) else { return false }
            return value < .zero || value > .hundred
        }
    }

    static func positiveNumber(_ field: String) -> ClaimRecordRule {
        ClaimRecordRule(field, "number", vietnamese: "Phải là số lớn hơn 0", english: "Must be a number above 0") {
            record in
            guard let text = record.filled(field) else { return false }
            return !((ClaimDecimal(text).map(ClaimAmount.init) ?? .zero) > .zero)
        }
    }

    /// Digits only, at most `limit`: the rules say "10 ký tự dạng số" for a field 3176 widened
    /// to 255; we read it as at most 10 digits, hence a warning.
    static func digits(_ field: String, atMost limit: Int) -> ClaimRecordRule {
        ClaimRecordRule(
            field, "pattern", severity: .warning, vietnamese: "Tối đa \(limit) ký tự dạng số",
            english: "At most \(limit) digits"
        ) { record in
            guard let text = record.filled(field) else { return false }
            return text.count > limit || !text.utf8.allSatisfy { (0x30...0x39).contains($0) }
        }
    }

    /// A social insurance number: digits, not all zero.
    static func socialInsuranceNumber(_ field: String) -> ClaimRecordRule {
        ClaimRecordRule(
            field, "digits", vietnamese: "Phải là số và không được toàn bộ là 0", english: "Must be digits, not all zero"
        ) { record in
            guard let text = record.filled(field) else { return false }
            return !text.utf8.allSatisfy { (0x30...0x39).contains($0) } || text.utf8.allSatisfy { $0 == 0x30 }
        }
    }

    // MARK: Specific rules

    /// XML1 row 39: `SO_NGAY_DTRI` is 0 for `MA_LOAI_KCB` 01, 07, 09 and `NGAY_RA − NGAY_VAO + 1`
    /// (in days) for 02, 03, 04, 06.
    static let treatmentDays = ClaimRecordRule(
        "SO_NGAY_DTRI", "days",
        vietnamese: "MA_LOAI_KCB 01, 07, 09: bằng 0; 02, 03, 04, 06: bằng ngày ra trừ ngày vào cộng 1",
        english: "MA_LOAI_KCB 01, 07, 09: 0; 02, 03, 04, 06: NGAY_RA − NGAY_VAO + 1 days"
    ) { record in
        guard let days = record.number("SO_NGAY_DTRI"), let type = record.filled("MA_LOAI_KCB") else { return false }
        switch type {
        case "01", "07", "09": return days != ClaimDecimal(0)
        case "02", "03", "04", "06":
            guard let from = record.filled("NGAY_VAO").flatMap(ClaimDateTime.init),
                let to = record.filled("NGAY_RA").flatMap(ClaimDateTime.init),
                let span = dayCount(from: from.date, to: to.date)
            else { return false }
            return days != ClaimDecimal(span + 1)
        default: return false
        }
    }

    /// XML6 row 30: `SO_NGAY_CAP_THUOC_ARV ≤ NGAY_KET_THUC_XU_TRI − NGAY_BAT_DAU_XU_TRI`.
    static let arvDays = ClaimRecordRule(
        "SO_NGAY_CAP_THUOC_ARV", "days",
        vietnamese: "Không lớn hơn NGAY_KET_THUC_XU_TRI trừ NGAY_BAT_DAU_XU_TRI",
        english: "Not more than NGAY_KET_THUC_XU_TRI − NGAY_BAT_DAU_XU_TRI days"
    ) { record in
        guard let days = record.number("SO_NGAY_CAP_THUOC_ARV").map(ClaimAmount.init),
            let from = record.filled("NGAY_BAT_DAU_XU_TRI").flatMap(ClaimDate.init),
            let to = record.filled("NGAY_KET_THUC_XU_TRI").flatMap(ClaimDate.init),
            let span = dayCount(from: from, to: to)
        else { return false }
        return days > ClaimAmount(span)
    }

    /// XML2 row 20 (spec table): `THANH_TIEN_BV = SO_LUONG × DON_GIA`, rounded to 2 decimals.
    static let drugAmount = amount("THANH_TIEN_BV", "SO_LUONG × DON_GIA") { record in
        guard let quantity = record.amount("SO_LUONG"), let price = record.amount("DON_GIA") else { return nil }
        return [quantity * price]
    }

    /// XML2 row 21: `THANH_TIEN_BH = THANH_TIEN_BV × TYLE_TT_BH / 100`, rounded to 2 decimals.
    static let drugInsuredAmount = amount("THANH_TIEN_BH", "SO_LUONG × DON_GIA × TYLE_TT_BH / 100") { record in
        guard let quantity = record.amount("SO_LUONG"), let price = record.amount("DON_GIA"),
            let rate = record.amount("TYLE_TT_BH")
        else { return nil }
        return [(quantity * price * rate).percent]
    }

    /// XML3 row 19 (3176): `SO_LUONG × DON_GIA_BV × TYLE_TT_DV / 100`, or, when the facility
    /// does not charge the difference, `SO_LUONG × DON_GIA_BV − SO_LUONG × DON_GIA_BH × (100 − TYLE_TT_DV) / 100`.
    static let serviceAmount = amount("THANH_TIEN_BV", "SO_LUONG × DON_GIA_BV × TYLE_TT_DV / 100") { record in
        guard let quantity = record.amount("SO_LUONG"), let price = record.amount("DON_GIA_BV"),
            let rate = record.amount("TYLE_TT_DV")
        else { return nil }
        var allowed = [(quantity * price * rate).percent]
        if let insured = record.amount("DON_GIA_BH") {
            allowed.append(quantity * price - (quantity * insured * (.hundred - rate)).percent)
        }
        return allowed
    }

    /// XML3 row 20 (3176): `SO_LUONG × DON_GIA_BH × TYLE_TT_DV / 100 × TYLE_TT_BH / 100`.
    static let serviceInsuredAmount = amount(
        "THANH_TIEN_BH", "SO_LUONG × DON_GIA_BH × TYLE_TT_DV / 100 × TYLE_TT_BH / 100"
    ) { record in
        guard let quantity = record.amount("SO_LUONG"), let price = record.amount("DON_GIA_BH"),
            let serviceRate = record.amount("TYLE_TT_DV"), let rate = record.amount("TYLE_TT_BH")
        else { return nil }
        return [((quantity * price * serviceRate).percent * rate).percent]
    }

    /// A line amount equal, after rounding both to 2 decimals, to one of the expected values.
    static func amount(
        _ field: String, _ formula: String, expected: @escaping @Sendable (ClaimRecord) -> [ClaimAmount]?
    ) -> ClaimRecordRule {
        ClaimRecordRule(
            field, "amount", vietnamese: "Phải bằng \(formula), làm tròn 2 chữ số thập phân",
            english: "Must equal \(formula), rounded to 2 decimals"
        ) { record in
            guard let value = record.amount(field), let expected = expected(record) else { return false }
            let rounded = value.rounded()
            return !expected.contains { $0.rounded() == rounded }
        }
    }

    // MARK: Shapes and arithmetic

    /// Whether `later` is before `earlier`; by day when either is a date; `nil` when either is
    /// not a date.
    static func isBefore(_ later: String, _ earlier: String) -> Bool? {
        // Lengths and order on the UTF-8: a date is ASCII digits only (counting characters and
        // comparing substrings as text cost some four thousand instructions a rule).
        let isDate = { (text: String) in text.utf8.count == 8 ? ClaimDate(text) != nil : ClaimDateTime(text) != nil }
        guard isDate(later), isDate(earlier) else { return nil }
        let length = min(later.utf8.count, earlier.utf8.count)
        return later.utf8.prefix(length).lexicographicallyPrecedes(earlier.utf8.prefix(length))
    }

    /// Days from one date to another (negative when `to` is earlier); `nil` for an unknown day.
    static func dayCount(from: ClaimDate, to: ClaimDate) -> Int? {
        guard from.month > 0, from.day > 0, to.month > 0, to.day > 0 else { return nil }
        return dayNumber(to) - dayNumber(from)
    }

    /// Days since a fixed epoch in the proleptic Gregorian calendar.
    private static func dayNumber(_ date: ClaimDate) -> Int {
        let year = date.month <= 2 ? date.year - 1 : date.year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (date.month + (date.month > 2 ? -3 : 9)) + 2) / 5 + date.day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra
    }

    static func isCitizenID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let isDigit = { (byte: UInt8) in (0x30...0x39).contains(byte) }
        if bytes.count == 9 || bytes.count == 12 { return bytes.allSatisfy(isDigit) }
        return bytes.count == 8 && (0x41...0x5A).contains(bytes[0]) && bytes.dropFirst().allSatisfy(isDigit)
    }

    static func isCardNumber(_ card: Substring) -> Bool {
        let bytes = Array(card.utf8)
        guard bytes.count == 15 else { return false }
        let isDigit = { (byte: UInt8) in (0x30...0x39).contains(byte) }
        return bytes[0..<2].allSatisfy { (0x41...0x5A).contains($0) } && bytes[2...].allSatisfy(isDigit)
    }

    static func isICD10(_ code: Substring) -> Bool {
        let bytes = Array(code.utf8)
        let isDigit = { (byte: UInt8) in (0x30...0x39).contains(byte) }
        let isAlphanumeric = { (byte: UInt8) in isDigit(byte) || (0x41...0x5A).contains(byte) }
        guard bytes.count >= 3, (0x41...0x5A).contains(bytes[0]), isDigit(bytes[1]), isAlphanumeric(bytes[2])
        else { return false }
        let rest = bytes.dropFirst(3)
        if rest.isEmpty { return true }
        return rest.first == UInt8(ascii: ".") && (2...5).contains(rest.count) && rest.dropFirst().allSatisfy(isAlphanumeric)
    }
}
