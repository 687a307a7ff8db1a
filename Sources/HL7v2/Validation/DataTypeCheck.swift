/// A check of one primitive value: a date/time format, a number, or a table lookup.
///
/// Checks work on the raw ER7 bytes of a value (escape sequences intact): a date or a number
/// that holds an escape sequence is not valid anyway. Empty values and the null `""` are never
/// checked.
enum DataTypeCheck: Sendable, Hashable {
    /// DTM (and TS.1): `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`.
    case dateTime
    /// DT: `YYYY[MM[DD]]`.
    case date
    /// TM: `HH[MM[SS[.S[S[S[S]]]]]][+/-ZZZZ]`.
    case time
    /// NM: an optional sign, digits, an optional decimal point.
    case number
    /// SI: a non-negative integer.
    case sequenceID
    /// ID/IS (or the code of a coded type): one of the values of an HL7 table (an index into
    /// ``Definitions/tableIDs``).
    case table(Int32)

    /// The check for a primitive data type without a table, if there is one.
    init?(primitive type: String) {
        switch type {
        case "DTM": self = .dateTime
        case "DT": self = .date
        case "TM": self = .time
        case "NM": self = .number
        case "SI": self = .sequenceID
        default: return nil
        }
    }

    /// The data type named in issues.
    var typeName: String {
        switch self {
        case .dateTime: "DTM"
        case .date: "DT"
        case .time: "TM"
        case .number: "NM"
        case .sequenceID: "SI"
        case .table: "ID/IS"
        }
    }

    /// The format named in issues.
    var format: String {
        switch self {
        case .dateTime: "YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]"
        case .date: "YYYY[MM[DD]]"
        case .time: "HH[MM[SS[.S[S[S[S]]]]]][+/-ZZZZ]"
        case .number: "[+|-]digits[.digits]"
        case .sequenceID: "a non-negative integer"
        case .table: "a value of its table"
        }
    }

    /// Why the bytes are not a valid value of the format, or `nil` when they are.
    /// (Table checks are done by the caller, which has the tables.)
    func problem(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        switch self {
        case .dateTime: Self.dateTimeProblem(p, range)
        case .date: Self.dateProblem(p, range)
        case .time: Self.timeProblem(p, range)
        case .number: Self.numberProblem(p, range)
        case .sequenceID: Self.sequenceIDProblem(p, range)
        case .table: nil
        }
    }

    // MARK: Formats

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// The number of leading digits from `start`.
    private static func digits(_ p: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var i = start
        while i < end, isDigit(p[i]) { i += 1 }
        return i - start
    }

    private static func value(_ p: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int) -> Int {
        var v = 0
        for i in at..<(at + count) { v = v * 10 + Int(p[i] - 0x30) }
        return v
    }

    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Checks a `+/-ZZZZ` offset that starts at `i` and must end at `end`.
    private static func offsetProblem(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> String? {
        guard p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") else { return "unexpected characters after the time" }
        guard end - i == 5, digits(p, from: i + 1, to: end) == 4 else { return "the time zone offset must be +/-ZZZZ (four digits)" }
        let hours = value(p, i + 1, 2)
        let minutes = value(p, i + 3, 2)
        guard hours <= 14, minutes <= 59 else { return "the time zone offset is out of range" }
        return nil
    }

    /// Checks `.S[S[S[S]]]` from `i`; returns the index after it or a problem.
    private static func fraction(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Result<Int, Problem> {
        guard i < end, p[i] == UInt8(ascii: ".") else { return .success(i) }
        let count = digits(p, from: i + 1, to: end)
        guard count >= 1, count <= 4 else { return .failure(Problem("fractions of a second must have one to four digits")) }
        return .success(i + 1 + count)
    }

    private struct Problem: Error { let text: String; init(_ text: String) { self.text = text } }

    /// HH[MM[SS[.S…]]] digits already counted: checks their ranges.
    private static func clockProblem(_ p: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int) -> String? {
        if count >= 2, value(p, at, 2) > 23 { return "the hour is out of range" }
        if count >= 4, value(p, at + 2, 2) > 59 { return "the minute is out of range" }
        if count >= 6, value(p, at + 4, 2) > 59 { return "the second is out of range" }
        return nil
    }

    static func dateTimeProblem(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        let start = range.lowerBound
        let end = range.upperBound
        let count = digits(p, from: start, to: end)
        guard [4, 6, 8, 10, 12, 14].contains(count) else {
            return count < 4 ? "a date/time starts with a four-digit year" : "the date/time has an odd number of digits or too many"
        }
        if let problem = dateRangeProblem(p, start, min(count, 8)) { return problem }
        if count > 8, let problem = clockProblem(p, start + 8, count - 8) { return problem }
        var i = start + count
        if i < end, p[i] == UInt8(ascii: ".") {
            guard count == 14 else { return "fractions of a second need hours, minutes and seconds" }
            switch fraction(p, i, end) {
            case .success(let next): i = next
            case .failure(let problem): return problem.text
            }
        }
        if i < end { return offsetProblem(p, i, end) }
        return nil
    }

    /// YYYY[MM[DD]] ranges; `count` is 4, 6 or 8.
    private static func dateRangeProblem(_ p: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int) -> String? {
        let year = value(p, at, 4)
        if count >= 6 {
            let month = value(p, at + 4, 2)
            guard month >= 1, month <= 12 else { return "the month is out of range" }
            if count >= 8 {
                let day = value(p, at + 6, 2)
                guard day >= 1, day <= daysIn(month: month, year: year) else { return "the day is out of range for the month" }
            }
        }
        return nil
    }

    static func dateProblem(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        let count = digits(p, from: range.lowerBound, to: range.upperBound)
        guard count == range.count else { return "a date has digits only" }
        guard count == 4 || count == 6 || count == 8 else { return "a date has four, six or eight digits" }
        return dateRangeProblem(p, range.lowerBound, count)
    }

    static func timeProblem(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        let end = range.upperBound
        let count = digits(p, from: range.lowerBound, to: end)
        guard count == 2 || count == 4 || count == 6 else { return "a time has two, four or six digits" }
        if let problem = clockProblem(p, range.lowerBound, count) { return problem }
        var i = range.lowerBound + count
        if i < end, p[i] == UInt8(ascii: ".") {
            guard count == 6 else { return "fractions of a second need hours, minutes and seconds" }
            switch fraction(p, i, end) {
            case .success(let next): i = next
            case .failure(let problem): return problem.text
            }
        }
        if i < end { return offsetProblem(p, i, end) }
        return nil
    }

    static func numberProblem(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        var i = range.lowerBound
        let end = range.upperBound
        if i < end, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
        let whole = digits(p, from: i, to: end)
        i += whole
        var fraction = 0
        if i < end, p[i] == UInt8(ascii: ".") {
            i += 1
            fraction = digits(p, from: i, to: end)
            i += fraction
        }
        guard whole + fraction > 0, i == end else { return "a number is an optional sign, digits and an optional decimal point" }
        return nil
    }

    static func sequenceIDProblem(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        digits(p, from: range.lowerBound, to: range.upperBound) == range.count ? nil : "a sequence ID is a non-negative integer (digits only)"
    }
}
