/// An HL7 v2 date/time (DTM, DT, TS.1: `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][±ZZZZ]`) read with its
/// precision and offset, and written as a FHIR `date`, `dateTime` or `instant`.
///
/// FHIR cannot say everything v2 can, so the conversions follow the HL7 v2-to-FHIR
/// implementation guide:
/// - a `date` keeps at most the day (the time and offset are dropped);
/// - a `dateTime` with a time needs seconds and an offset: missing minutes and seconds become
///   `00`, a missing offset is the `defaultOffset` (the facility's time zone, e.g. +07:00);
/// - an `instant` needs a time to the second: a value less precise than that has none.
///
/// ```swift
/// let value = try HL7DateTime("200111111223")
/// value.fhirDateTime(defaultOffset: .minutes(7 * 60))   // "2001-11-11T12:23:00+07:00"
/// value.fhirDate                                       // "2001-11-11"
/// ```
public struct HL7DateTime: Sendable, Hashable {
    /// How much of the value is given.
    public enum Precision: Int, Sendable, Comparable {
        case year, month, day, hour, minute, second, fraction

        public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// A UTC offset in minutes (`+0700` is 420).
    public struct Offset: Sendable, Hashable {
        /// Minutes east of UTC.
        public var minutes: Int
        /// An offset of so many minutes.
        public static func minutes(_ minutes: Int) -> Offset { Offset(minutes: minutes) }
        /// UTC.
        public static let utc = Offset(minutes: 0)
        /// Vietnam (ICT, +07:00).
        public static let vietnam = Offset(minutes: 420)

        /// `+07:00`, `-03:30`, `+00:00`.
        public var fhir: String {
            let sign = minutes < 0 ? "-" : "+"
            return sign + Self.twoDigits(abs(minutes) / 60) + ":" + Self.twoDigits(abs(minutes) % 60)
        }

        static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    }

    public var year: Int
    public var month: Int?
    public var day: Int?
    public var hour: Int?
    public var minute: Int?
    public var second: Int?
    /// The digits after the decimal point of the seconds, as written (1 to 4).
    public var fraction: String?
    /// The offset, when the value has one.
    public var offset: Offset?

    /// The most precise part given.
    public var precision: Precision {
        if fraction != nil { return .fraction }
        if second != nil { return .second }
        if minute != nil { return .minute }
        if hour != nil { return .hour }
        if day != nil { return .day }
        if month != nil { return .month }
        return .year
    }

    /// Reads a v2 date/time; surrounding spaces are ignored.
    ///
    /// - Throws: ``ConversionError`` when the text is not a date/time or a part is out of range.
    public init(_ text: some StringProtocol) throws(ConversionError) {
        var bytes = Array(text.utf8)
        while bytes.last == 0x20 { bytes.removeLast() }
        while bytes.first == 0x20 { bytes.removeFirst() }
        // The offset: a sign and four digits at the end.
        var offset: Offset?
        if let sign = bytes.lastIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }) {
            let digits = bytes[(sign + 1)...]
            guard digits.count == 4, let value = Self.number(digits) else {
                throw ConversionError(.invalidDateTime, "the offset is not ±HHMM")
            }
            let hours = value / 100, minutes = value % 100
            guard hours <= 14, minutes < 60 else { throw ConversionError(.dateTimeOutOfRange, "the offset is beyond ±14:00 or its minutes beyond 59") }
            offset = Offset(minutes: (hours * 60 + minutes) * (bytes[sign] == UInt8(ascii: "-") ? -1 : 1))
            bytes.removeSubrange(sign...)
        }
        // The fraction of seconds.
        var fraction: String?
        if let point = bytes.firstIndex(of: UInt8(ascii: ".")) {
            let digits = bytes[(point + 1)...]
            guard point == 14, (1...4).contains(digits.count), Self.number(digits) != nil else {
                throw ConversionError(.invalidDateTime, "a fraction of seconds needs all of YYYYMMDDHHMMSS before it and 1 to 4 digits")
            }
            fraction = String(decoding: digits, as: UTF8.self)
            bytes.removeSubrange(point...)
        }
        guard [4, 6, 8, 10, 12, 14].contains(bytes.count), Self.number(bytes[...]) != nil else {
            throw ConversionError(.invalidDateTime, "expected YYYY[MM[DD[HH[MM[SS[.S…]]]]]][±ZZZZ]")
        }
        func part(_ start: Int, _ length: Int) -> Int? {
            bytes.count >= start + length ? Self.number(bytes[start..<(start + length)]) : nil
        }
        year = part(0, 4)!
        month = part(4, 2)
        day = part(6, 2)
        hour = part(8, 2)
        minute = part(10, 2)
        second = part(12, 2)
        self.fraction = fraction
        self.offset = offset
        if let month, !(1...12).contains(month) { throw ConversionError(.dateTimeOutOfRange, "the month is not 01–12") }
        if let month, let day, !(1...Self.days(inMonth: month, year: year)).contains(day) {
            throw ConversionError(.dateTimeOutOfRange, "the day is not in the month")
        }
        if let hour, hour > 23 { throw ConversionError(.dateTimeOutOfRange, "the hour is not 00–23") }
        if let minute, minute > 59 { throw ConversionError(.dateTimeOutOfRange, "the minutes are not 00–59") }
        if let second, second > 59 { throw ConversionError(.dateTimeOutOfRange, "the seconds are not 00–59") }
    }

    /// A FHIR `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a time and offset are dropped).
    public var fhirDate: String {
        guard hasUsualParts else { return Self.joined(dateParts) }
        // Written straight into the string's bytes: every mapped date and time comes here.
        return String(unsafeUninitializedCapacity: 10) { buffer in
            var writer = DigitWriter(buffer: buffer)
            writeDate(to: &writer)
            return writer.position
        }
    }

    /// A FHIR `dateTime`: the date as ``fhirDate`` when there is no time; with a time, to the
    /// second (missing minutes and seconds are `00`), with the fraction, and with the value's
    /// offset or else `defaultOffset`.
    public func fhirDateTime(defaultOffset: Offset) -> String {
        guard let hour else { return fhirDate }
        let offset = offset ?? defaultOffset
        guard hasUsualParts, (0...23).contains(hour), (0...59).contains(minute ?? 0), (0...59).contains(second ?? 0), abs(offset.minutes) < 100 * 60 else {
            var parts = dateParts + ["T", Offset.twoDigits(hour), ":", Offset.twoDigits(minute ?? 0), ":", Offset.twoDigits(second ?? 0)]
            if let fraction { parts += [".", fraction] }
            return Self.joined(parts + [offset.fhir])
        }
        let fraction = fraction?.utf8
        return String(unsafeUninitializedCapacity: 26 + (fraction?.count ?? 0)) { buffer in
            var writer = DigitWriter(buffer: buffer)
            writeDate(to: &writer)
            writer.put(UInt8(ascii: "T"))
            writer.twoDigits(hour)
            writer.put(UInt8(ascii: ":"))
            writer.twoDigits(minute ?? 0)
            writer.put(UInt8(ascii: ":"))
            writer.twoDigits(second ?? 0)
            if let fraction {
                writer.put(UInt8(ascii: "."))
                for byte in fraction { writer.put(byte) }
            }
            writer.put(offset.minutes < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            writer.twoDigits(abs(offset.minutes) / 60)
            writer.put(UInt8(ascii: ":"))
            writer.twoDigits(abs(offset.minutes) % 60)
            return writer.position
        }
    }

    /// Whether the date's parts have their usual widths (a year of four digits, a month and a
    /// day of two), so that they can be written digit by digit.
    private var hasUsualParts: Bool {
        (0...9999).contains(year) && (0...99).contains(month ?? 0) && (0...99).contains(day ?? 0)
    }

    /// `YYYY`, `-MM`, `-DD`, for values of unusual widths.
    private var dateParts: [String] {
        var parts = [Self.fourDigits(year)]
        if let month { parts += ["-", Offset.twoDigits(month)] }
        if let day { parts += ["-", Offset.twoDigits(day)] }
        return parts
    }

    private static func joined(_ parts: [String]) -> String { parts.joined() }

    private func writeDate(to writer: inout DigitWriter) {
        writer.twoDigits(year / 100)
        writer.twoDigits(year % 100)
        if let month {
            writer.put(UInt8(ascii: "-"))
            writer.twoDigits(month)
        }
        if let day {
            writer.put(UInt8(ascii: "-"))
            writer.twoDigits(day)
        }
    }

    /// Writes ASCII bytes into a string's buffer.
    private struct DigitWriter {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var position = 0

        mutating func put(_ byte: UInt8) {
            buffer[position] = byte
            position += 1
        }

        /// `value` (0–99) as two digits.
        mutating func twoDigits(_ value: Int) {
            put(UInt8(truncatingIfNeeded: 0x30 + value / 10))
            put(UInt8(truncatingIfNeeded: 0x30 + value % 10))
        }
    }

    /// A FHIR `instant` (to the second at least), or `nil` when the value is less precise.
    public func fhirInstant(defaultOffset: Offset) -> String? {
        precision >= .second ? fhirDateTime(defaultOffset: defaultOffset) : nil
    }

    static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    static func fourDigits(_ value: Int) -> String {
        let text = "\(value)"
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
