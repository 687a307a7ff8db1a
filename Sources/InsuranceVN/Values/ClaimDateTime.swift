/// A date and time to the minute as claims write it: `yyyyMMddHHmm` (`NGAY_VAO`, `NGAY_YL`, …).
///
/// The date part follows ``ClaimDate`` (0 for an unknown month or day, as in a birth date
/// `199000000000`); hour 0–23, minute 0–59.
///
/// ```swift
/// ClaimDateTime("202403150830")?.hour   // 8
/// ```
public struct ClaimDateTime: Hashable, Sendable, CustomStringConvertible {
    /// The date part.
    public let date: ClaimDate
    /// The hour, 0–23.
    public let hour: Int
    /// The minute, 0–59.
    public let minute: Int

    /// Creates a date and time; `nil` when a part is out of range.
    public init?(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        guard let date = ClaimDate(year: year, month: month, day: day),
            (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        self.date = date
        self.hour = hour
        self.minute = minute
    }

    /// Reads `yyyyMMddHHmm`; `nil` for any other text.
    public init?(_ text: some StringProtocol) {
        guard let digits = ClaimDate.digits(text, count: 12) else { return nil }
        self.init(
            year: digits.number(0..<4),
            month: digits.number(4..<6),
            day: digits.number(6..<8),
            hour: digits.number(8..<10),
            minute: digits.number(10..<12)
        )
    }

    /// The year.
    public var year: Int { date.year }
    /// The month, 1–12, or 0 when unknown.
    public var month: Int { date.month }
    /// The day, or 0 when unknown.
    public var day: Int { date.day }

    /// The date and time as claims write it, `yyyyMMddHHmm`.
    public var description: String {
        ClaimDate.digits([(date.year, 4), (date.month, 2), (date.day, 2), (hour, 2), (minute, 2)])
    }
}
