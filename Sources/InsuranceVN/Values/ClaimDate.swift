/// A calendar date as claims write it: `yyyyMMdd` (card validity `GT_THE_TU`, `NGAY_CT`, …).
///
/// Month and day may be 0 for a part that is unknown (a birth date known only by its year is
/// `19900000`); a known day must exist in its month.
///
/// ```swift
/// ClaimDate("20241231")?.month   // 12
/// ClaimDate(year: 2024, month: 2, day: 30)   // nil
/// ```
public struct ClaimDate: Hashable, Sendable, CustomStringConvertible {
    /// The year (four digits).
    public let year: Int
    /// The month, 1–12, or 0 when unknown.
    public let month: Int
    /// The day of the month, or 0 when unknown.
    public let day: Int

    /// Creates a date; `nil` when a part is out of range or the day is given without a month.
    public init?(year: Int, month: Int, day: Int) {
        guard (0...9999).contains(year), (0...12).contains(month) else { return nil }
        if month == 0 {
            guard day == 0 else { return nil }
        } else {
            guard (0...ClaimDate.days(inMonth: month, year: year)).contains(day) else { return nil }
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `yyyyMMdd`; `nil` for any other text.
    public init?(_ text: some StringProtocol) {
        guard let digits = ClaimDate.digits(text, count: 8) else { return nil }
        self.init(year: digits.number(0..<4), month: digits.number(4..<6), day: digits.number(6..<8))
    }

    /// The date as claims write it, `yyyyMMdd`.
    public var description: String {
        ClaimDate.digits([(year, 4), (month, 2), (day, 2)])
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The text's ASCII digits, when it is exactly `count` (at most 12) ASCII digits.
    static func digits(_ text: some StringProtocol, count: Int) -> Digits? {
        text.utf8.withContiguousStorageIfAvailable { Digits($0, count: count) }
            ?? Array(text.utf8).withUnsafeBufferPointer { Digits($0, count: count) }
    }

    /// Up to 12 ASCII digits read from a text without allocating, as dates and times need.
    struct Digits {
        private var values: (UInt64, UInt64) = (0, 0)

        init?(_ bytes: UnsafeBufferPointer<UInt8>, count: Int) {
            guard bytes.count == count, count <= 12 else { return nil }
            for (position, byte) in bytes.enumerated() {
                let digit = byte &- 0x30
                guard digit < 10 else { return nil }
                if position < 8 {
                    values.0 |= UInt64(digit) << (position * 8)
                } else {
                    values.1 |= UInt64(digit) << ((position - 8) * 8)
                }
            }
        }

        subscript(position: Int) -> Int {
            Int(truncatingIfNeeded: (position < 8 ? values.0 >> (position * 8) : values.1 >> ((position - 8) * 8)) & 0xFF)
        }

        /// The digits in `range` read as a decimal number.
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + self[$1] } }
    }

    /// The values written one after the other, each zero-padded to its width: `yyyyMMdd` and
    /// `yyyyMMddHHmm` made in one string, without a string per part (a claim writes a hundred
    /// dates). A value that does not fit its width is written whole, as ``pad(_:_:)`` writes it.
    static func digits(_ parts: [(value: Int, width: Int)]) -> String {
        var capacity = 0
        for (value, width) in parts {
            guard value >= 0, value < power(width) else { return parts.map { pad($0.value, $0.width) }.joined() }
            capacity += width
        }
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var end = 0
            for (value, width) in parts {
                var rest = value
                for position in stride(from: end + width - 1, through: end, by: -1) {
                    buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                end += width
            }
            return end
        }
    }

    /// 10 to the power `width`.
    private static func power(_ width: Int) -> Int {
        var result = 1
        for _ in 0..<width { result *= 10 }
        return result
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
