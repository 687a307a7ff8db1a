import Foundation
import InsuranceVN
import Testing

@Suite struct ClaimValueTests {
    @Test func dateTimesReadAndWriteYyyyMMddHHmm() throws {
        let value = try #require(ClaimDateTime("202403150830"))
        #expect((value.year, value.month, value.day, value.hour, value.minute) == (2024, 3, 15, 8, 30))
        #expect(value.description == "202403150830")
        #expect(ClaimDateTime(year: 2024, month: 1, day: 5, hour: 7, minute: 3)?.description == "202401050703")
    }

    @Test(arguments: ["20240315083", "2024031508300", "202413150830", "202402300830", "202403152460", "2024-03-15T08", "２０２４０３１５０８３０"])
    func badDateTimesAreRejected(_ text: String) {
        #expect(ClaimDateTime(text) == nil)
    }

    @Test func unknownBirthDatePartsAreZero() {
        #expect(ClaimDateTime("199000000000")?.month == 0)
        #expect(ClaimDate("19900000")?.day == 0)
        #expect(ClaimDate("19900015") == nil)
    }

    @Test func datesReadAndWriteYyyyMMdd() {
        #expect(ClaimDate("20240229")?.day == 29)
        #expect(ClaimDate("20230229") == nil)
        #expect(ClaimDate("21000229") == nil)
        #expect(ClaimDate(year: 2000, month: 2, day: 29)?.description == "20000229")
        // Every part zero-padded to its width.
        #expect(ClaimDate(year: 958, month: 0, day: 0)?.description == "09580000")
        #expect(ClaimDateTime(year: 7, month: 10, day: 1, hour: 0, minute: 59)?.description == "000710010059")
        #expect(ClaimDate("2024031") == nil)
    }

    @Test func decimalsKeepTheirTextAndCompareByValue() throws {
        let amount = try #require(ClaimDecimal("320.50"))
        #expect(amount.description == "320.50")
        #expect(amount == ClaimDecimal("320.5"))
        #expect(ClaimDecimal("01") == ClaimDecimal(1))
        #expect(ClaimDecimal("-0.0") == ClaimDecimal("0"))
        #expect(ClaimDecimal("2.5") != ClaimDecimal("25"))
        #expect(Set([ClaimDecimal("1.10")!, ClaimDecimal("1.1")!]).count == 1)
        #expect(amount.decimalValue == Decimal(string: "320.5"))
    }

    @Test(arguments: ["", "1,5", "1e3", " 1", "1.", ".5", "1.2.3", "+1", "--1", "1 000"])
    func badDecimalsAreRejected(_ text: String) {
        #expect(ClaimDecimal(text) == nil)
    }

    @Test func typedAccessorsOnARecord() throws {
        var record = ClaimRecord(table: try #require(ClaimDefinitions.standard["XML1"]))
        try record.setDateTime(try #require(ClaimDateTime("202403100915")), for: "NGAY_VAO")
        try record.setList(["HT2797998765432", "CC1797998765432"], for: "MA_THE_BHYT")
        try record.setDecimal(try #require(ClaimDecimal("1310806")), for: "T_TONGCHI_BV")
        try record.setDate(try #require(ClaimDate("20241231")), for: "GT_THE_DEN")

        #expect(try record.dateTime(for: "NGAY_VAO")?.hour == 9)
        #expect(try record.list(for: "MA_THE_BHYT").count == 2)
        #expect(try record.list(for: "MA_BENH_KT") == [])
        #expect(try record.decimal(for: "T_TONGCHI_BV") == ClaimDecimal(1_310_806))
        #expect(try record.date(for: "GT_THE_DEN")?.year == 2024)
        #expect(try record.dateTime(for: "NGAY_RA") == nil)
        #expect(record["MA_THE_BHYT"] == "HT2797998765432;CC1797998765432")
    }

    @Test func badTextsThrowNamingTheFieldNotTheValue() throws {
        var record = ClaimRecord(table: try #require(ClaimDefinitions.standard["XML1"]), number: 1)
        try record.setText("15/03/2024 08:30", for: "NGAY_VAO")
        #expect {
            try record.dateTime(for: "NGAY_VAO")
        } throws: { error in
            guard let error = error as? ClaimError else { return false }
            return error.code == .invalidValue && error.path == "NGAY_VAO" && error.table == "XML1"
                && !error.description.contains("15/03")
        }
        #expect {
            try record.setText("x", for: "NOT_A_FIELD")
        } throws: { ($0 as? ClaimError)?.code == .unknownField }
    }

    @Test func formerNumbersGetTheirLeadingZerosBack() throws {
        var record = ClaimRecord(table: try #require(ClaimDefinitions.standard["XML1"]))
        try record.setText("1", for: "MA_DANTOC")
        try record.setText("5", for: "MA_LOAI_KCB")
        #expect(try record.value(for: "MA_DANTOC") == "01")
        #expect(record["MA_DANTOC"] == "1")
        // MA_LOAI_KCB was a string in the gateway sheet too: left as written.
        #expect(try record.value(for: "MA_LOAI_KCB") == "5")
        var certificate = ClaimRecord(table: try #require(ClaimDefinitions.standard["XML11"]))
        try certificate.setText("123456789", for: "MA_BHXH")
        #expect(try certificate.value(for: "MA_BHXH") == "0123456789")
    }
}
