import Foundation

/// A FHIRPath `System.Date`, `System.DateTime` or `System.Time` value, to the precision it was
/// written with: `2020`, `2020-03`, `2020-03-14T10:30+07:00`, `T12:00`.
///
/// A date has no time parts, a time has no date parts (``year`` is `nil`). Seconds and their
/// fraction are one precision, compared as a decimal; the fraction keeps its digits as written.
/// Two values compare precision by precision from the year (or the hour): a difference decides,
/// a precision one value has and the other lacks makes the answer unknown (`nil`).
public struct FHIRPathTemporal: Sendable, Hashable, CustomStringConvertible {
    /// The finest part a value has.
    public enum Precision: Int, Sendable, Hashable, Comparable {
        /// `2020`.
        case year
        /// `2020-03`.
        case month
        /// `2020-03-14`.
        case day
        /// `2020-03-14T10`, `T10`.
        case hour
        /// `T10:30`.
        case minute
        /// `T10:30:15`.
        case second
        /// `T10:30:15.5`: a fraction of the second, with any number of digits.
        case millisecond

        /// Coarser before finer.
        public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The year; `nil` for a time of day.
    public var year: Int?
    /// The month, 1 to 12.
    public var month: Int?
    /// The day of the month, from 1.
    public var day: Int?
    /// The hour, 0 to 23.
    public var hour: Int?
    /// The minute, 0 to 59.
    public var minute: Int?
    /// The second, 0 to 59.
    public var second: Int?
    /// The digits of the fraction of the second, as written (`"5"` for `.5`).
    public var fraction: String?
    /// The timezone offset in minutes east of UTC; `nil` when the value has none.
    public var offset: Int?

    /// Creates a value from its parts.
    public init(
        year: Int? = nil, month: Int? = nil, day: Int? = nil, hour: Int? = nil, minute: Int? = nil, second: Int? = nil,
        fraction: String? = nil, offset: Int? = nil
    ) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.fraction = fraction
        self.offset = offset
    }

    /// The finest part present.
    public var precision: Precision {
        if fraction != nil { return .millisecond }
        if second != nil { return .second }
        if minute != nil { return .minute }
        if hour != nil { return .hour }
        if day != nil { return .day }
        if month != nil { return .month }
        return .year
    }

    /// Whether the value has a time of day.
    public var hasTime: Bool { hour != nil }

    /// The text: `2020-03-14`, `2020-03-14T10:30:00.5+07:00`, `12:00` (without `@` or `T`
    /// before a time of day).
    public var description: String {
        var text = ""
        if let year {
            text += Self.padded(year, 4)
            if let month { text += "-" + Self.padded(month, 2) }
            if let day { text += "-" + Self.padded(day, 2) }
            if hour != nil { text += "T" }
        }
        if let hour {
            text += Self.padded(hour, 2)
            if let minute { text += ":" + Self.padded(minute, 2) }
            if let second { text += ":" + Self.padded(second, 2) }
            if let fraction { text += "." + fraction }
            if year != nil, let offset { text += Self.offsetText(offset) }
        }
        return text
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func offsetText(_ offset: Int) -> String {
        if offset == 0 { return "Z" }
        return (offset < 0 ? "-" : "+") + padded(abs(offset) / 60, 2) + ":" + padded(abs(offset) % 60, 2)
    }
}

// MARK: Reading

extension FHIRPathTemporal {
    /// Reads a date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    static func date(_ text: some StringProtocol) -> FHIRPathTemporal? {
        var scanner = Scanner(text)
        guard let value = scanner.date(), scanner.atEnd else { return nil }
        return value
    }

    /// Reads a date and time: a date, then optionally `T`, a time of day and an offset (a plain
    /// date is a date-time at its precision too).
    static func dateTime(_ text: some StringProtocol) -> FHIRPathTemporal? {
        var scanner = Scanner(text)
        guard var value = scanner.date() else { return nil }
        if scanner.take("T") {
            if let time = scanner.time() {
                guard value.day != nil else { return nil }
                value.hour = time.hour
                value.minute = time.minute
                value.second = time.second
                value.fraction = time.fraction
                if let offset = scanner.offset() {
                    guard let offset else { return nil }
                    value.offset = offset
                }
            }
        }
        guard scanner.atEnd else { return nil }
        return value
    }

    /// Reads a time of day: `hh`, `hh:mm`, `hh:mm:ss` or `hh:mm:ss.fff`.
    static func time(_ text: some StringProtocol) -> FHIRPathTemporal? {
        var scanner = Scanner(text)
        guard let value = scanner.time(), scanner.atEnd else { return nil }
        return value
    }

    /// A small scanner over the UTF-8 of a date/time text.
    struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ text: some StringProtocol) { bytes = Array(text.utf8) }

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ character: Character) -> Bool {
            guard index < bytes.count, let ascii = character.asciiValue, bytes[index] == ascii else { return false }
            index += 1
            return true
        }

        mutating func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += count
            return value
        }

        mutating func date() -> FHIRPathTemporal? {
            guard let year = digits(4) else { return nil }
            var value = FHIRPathTemporal(year: year)
            let mark = index
            if take("-") {
                guard let month = digits(2), (1...12).contains(month) else {
                    index = mark
                    return value
                }
                value.month = month
                if take("-") {
                    guard let day = digits(2), day >= 1, day <= FHIRPathTemporal.daysIn(month: month, year: year) else { return nil }
                    value.day = day
                }
            }
            return value
        }

        mutating func time() -> FHIRPathTemporal? {
            guard let hour = digits(2), hour < 24 else { return nil }
            var value = FHIRPathTemporal(hour: hour)
            if take(":") {
                guard let minute = digits(2), minute < 60 else { return nil }
                value.minute = minute
                if take(":") {
                    guard let second = digits(2), second < 60 else { return nil }
                    value.second = second
                    if take(".") {
                        let start = index
                        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                        guard index > start else { return nil }
                        value.fraction = String(decoding: bytes[start..<index], as: UTF8.self)
                    }
                }
            }
            return value
        }

        /// `Z` or `±hh:mm`: `nil` when there is none, `.some(nil)` when it is malformed.
        mutating func offset() -> Int?? {
            if take("Z") { return .some(0) }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = digits(2), take(":"), let minutes = digits(2), hours <= 14, minutes < 60 else { return .some(nil) }
            return .some(sign * (hours * 60 + minutes))
        }
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

// MARK: Comparing

extension FHIRPathTemporal {
    /// The seconds with their fraction.
    var seconds: Decimal? {
        guard let second else { return nil }
        guard let fraction else { return Decimal(second) }
        return Decimal(string: "\(second).\(fraction)", locale: Locale(identifier: "en_US_POSIX")) ?? Decimal(second)
    }

    /// This value moved to UTC, when it has a time of day and an offset.
    var inUTC: FHIRPathTemporal {
        guard let offset, offset != 0, hour != nil, year != nil else { return self }
        var moved = self
        let shifted = moved.adding(milliseconds: -offset * 60_000)
        moved = shifted
        moved.offset = 0
        return moved
    }

    /// Compares two values precision by precision: `nil` when one has a precision the other
    /// lacks before they differ.
    static func compare(_ lhs: FHIRPathTemporal, _ rhs: FHIRPathTemporal) -> ComparisonResult? {
        var left = lhs
        var right = rhs
        if lhs.offset != nil, rhs.offset != nil {
            left = lhs.inUTC
            right = rhs.inUTC
        }
        let parts: [(Int?, Int?)] = [
            (left.year, right.year), (left.month, right.month), (left.day, right.day),
            (left.hour, right.hour), (left.minute, right.minute),
        ]
        // A time of day against a date: not comparable.
        if (left.year == nil) != (right.year == nil) { return nil }
        for (a, b) in parts {
            switch (a, b) {
            case (nil, nil): continue
            case (let a?, let b?):
                if a != b { return a < b ? .orderedAscending : .orderedDescending }
            default: return nil
            }
        }
        switch (left.seconds, right.seconds) {
        case (nil, nil): return .orderedSame
        case (let a?, let b?): return a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
        default: return nil
        }
    }
}

// MARK: Arithmetic

extension FHIRPathTemporal {
    /// Days from 1970-01-01 to a civil date (proleptic Gregorian).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count from 1970-01-01.
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The fraction as milliseconds (first three digits).
    var milliseconds: Int {
        guard let fraction else { return 0 }
        let digits = Array(fraction.prefix(3)) + Array(repeating: Character("0"), count: max(0, 3 - fraction.count))
        return Int(String(digits)) ?? 0
    }

    /// This value with a number of calendar months added (the day clamped to the month's end);
    /// the precision is kept.
    func adding(months: Int) -> FHIRPathTemporal? {
        guard let year else { return self }
        var result = self
        let total = year * 12 + ((month ?? 1) - 1) + months
        let newYear = total >= 0 ? total / 12 : (total - 11) / 12
        let newMonth = total - newYear * 12 + 1
        guard (1...9999).contains(newYear) else { return nil }
        result.year = newYear
        if month != nil { result.month = newMonth }
        if let day { result.day = min(day, Self.daysIn(month: newMonth, year: newYear)) }
        return result
    }

    /// This value with a number of milliseconds added; parts finer than its precision are
    /// dropped again, so `@2014 + 1 day` stays `@2014`.
    func adding(milliseconds delta: Int) -> FHIRPathTemporal {
        let dayMilliseconds = 86_400_000
        let timeOfDay = (((hour ?? 0) * 60 + (minute ?? 0)) * 60 + (second ?? 0)) * 1000 + milliseconds
        var result = self
        var total = timeOfDay + delta
        if let year {
            var dayCount = Self.days(year: year, month: month ?? 1, day: day ?? 1)
            let carry = total >= 0 ? total / dayMilliseconds : (total - dayMilliseconds + 1) / dayMilliseconds
            dayCount += carry
            total -= carry * dayMilliseconds
            let civil = Self.civil(days: dayCount)
            result.year = civil.year
            if month != nil { result.month = civil.month }
            if day != nil { result.day = civil.day }
        } else {
            total = ((total % dayMilliseconds) + dayMilliseconds) % dayMilliseconds
        }
        if hour != nil { result.hour = total / 3_600_000 }
        if minute != nil { result.minute = total / 60_000 % 60 }
        if second != nil { result.second = total / 1000 % 60 }
        if fraction != nil {
            let millis = total % 1000
            result.fraction = Self.padded(millis, 3)
        }
        return result
    }
}
