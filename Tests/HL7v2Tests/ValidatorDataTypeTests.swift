import Testing
@testable import HL7v2

/// The primitive formats checked by the validator, value by value.
@Suite struct ValidatorDataTypeTests {
    static func problem(_ check: DataTypeCheck, _ text: String) -> String? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { check.problem($0, 0..<bytes.count) }
    }

    @Test(arguments: [
        "2024", "202402", "20240229", "2024022913", "202402291359", "20240229135959", "20240229135959.1",
        "20240229135959.1234", "20240229135959.1234+0700", "20240229-0500", "2024+0000", "20000229", "19991231235959",
        "202402291359+1400", "20240229135959-1200",
    ])
    func validDateTimes(_ value: String) {
        #expect(Self.problem(.dateTime, value) == nil, "\(value)")
    }

    @Test(arguments: [
        ("20241301", "month"), ("20240001", "month"), ("20230229", "day"), ("19000229", "day"), ("20240230", "day"),
        ("20240431", "day"), ("20240100", "day"), ("2024010124", "hour"), ("202401012360", "minute"),
        ("20240101235960", "second"), ("20240101+2500", "offset"), ("20240101+05", "offset"), ("20240101+0A00", "offset"),
        ("20240101+0560", "offset"), ("20240101Z", "unexpected"), ("202", "four-digit year"), ("2024011", "digits"),
        ("2024010112345", "digits"), ("2024010112.5", "fractions"), ("20240101123456.12345", "four digits"),
        ("20240101123456.", "four digits"), ("2024-01-01", "offset"), ("20240101 ", "unexpected"), ("", "four-digit year"),
        ("201102151030000000", "digits"),
    ])
    func invalidDateTimes(_ value: String, _ reason: String) throws {
        let problem = try #require(Self.problem(.dateTime, value), "\(value)")
        #expect(problem.contains(reason), "\(value): \(problem)")
        #expect(!problem.contains(value) || value.isEmpty)
    }

    @Test func dates() {
        for value in ["2024", "202412", "20241231", "20240229"] { #expect(Self.problem(.date, value) == nil, "\(value)") }
        for value in ["20241301", "20230229", "2024123", "202412311200", "2024-12-31", "24"] {
            #expect(Self.problem(.date, value) != nil, "\(value)")
        }
    }

    @Test func times() {
        for value in ["23", "2359", "235959", "235959.9999", "1200+0100", "000000.1-0330"] { #expect(Self.problem(.time, value) == nil, "\(value)") }
        for value in ["24", "2360", "235960", "11:30:05", "1", "12345", "1200.5", "1200+1", "120000.12345"] {
            #expect(Self.problem(.time, value) != nil, "\(value)")
        }
    }

    @Test func numbers() {
        for value in ["0", "01.20", "+1.20", "-1.2", "1.", ".5", "-.5", "123456789012345678901234567890"] {
            #expect(Self.problem(.number, value) == nil, "\(value)")
        }
        for value in ["", "+", "-", ".", "1,5", "1.2.3", "1e5", " 1", "1 ", "<5", "--1", "abc"] {
            #expect(Self.problem(.number, value) != nil, "\(value)")
        }
    }

    @Test func sequenceIDs() {
        for value in ["0", "1", "0001", "9999", "123456"] { #expect(Self.problem(.sequenceID, value) == nil, "\(value)") }
        for value in ["-1", "+1", "1.0", "a", " 1"] { #expect(Self.problem(.sequenceID, value) != nil, "\(value)") }
    }

    @Test func leapYears() {
        #expect(DataTypeCheck.isLeapYear(2024))
        #expect(DataTypeCheck.isLeapYear(2000))
        #expect(!DataTypeCheck.isLeapYear(1900))
        #expect(!DataTypeCheck.isLeapYear(2023))
        #expect(DataTypeCheck.daysIn(month: 2, year: 2024) == 29)
        #expect(DataTypeCheck.daysIn(month: 2, year: 2100) == 28)
        #expect(DataTypeCheck.daysIn(month: 9, year: 2024) == 30)
        #expect(DataTypeCheck.daysIn(month: 12, year: 2024) == 31)
    }
}
