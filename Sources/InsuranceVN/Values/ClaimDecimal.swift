public import Foundation

/// A number as claims write it: digits with an optional `-` and an optional `.` fraction
/// (`1500000`, `2.5`, `0.125`); no exponent, no thousands separator, no comma.
///
/// The text is kept exactly as written (``description``), so amounts never pass through binary
/// floating point. Two decimals are equal when their values are: `2.50` equals `2.5`, and `01`
/// (as older files wrote some numbers) equals `1`.
public struct ClaimDecimal: Hashable, Sendable, CustomStringConvertible {
    /// The text as written.
    public let description: String

    /// The value's canonical text: no leading zeros, no trailing fraction zeros, `0` unsigned.
    private let canonical: String

    /// Reads a number; `nil` when the text is not one (`1,5`, `1e3`, ` 1`, `.5`, empty).
    public init?(_ text: some StringProtocol) {
        var bytes = Array(text.utf8)[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        let point = bytes.firstIndex(of: UInt8(ascii: "."))
        let integer = bytes[..<(point ?? bytes.endIndex)]
        var fraction = point.map { bytes[($0 + 1)...] } ?? []
        let isDigit = { (byte: UInt8) in (0x30...0x39).contains(byte) }
        guard !integer.isEmpty, integer.allSatisfy(isDigit) else { return nil }
        if point != nil { guard !fraction.isEmpty, fraction.allSatisfy(isDigit) else { return nil } }

        var whole = integer.drop { $0 == UInt8(ascii: "0") }
        if whole.isEmpty { whole = integer.suffix(1) }
        while fraction.last == UInt8(ascii: "0") { fraction = fraction.dropLast() }
        var canonical = String(decoding: whole, as: UTF8.self)
        if !fraction.isEmpty { canonical += "." + String(decoding: fraction, as: UTF8.self) }
        if negative && canonical != "0" { canonical = "-" + canonical }
        self.description = String(text)
        self.canonical = canonical
    }

    /// A whole number.
    public init(_ value: Int) {
        self.init(String(value))!
    }

    /// The value as a Foundation `Decimal`, for sums and products (exact for up to 38 digits).
    public var decimalValue: Decimal {
        Decimal(string: canonical, locale: Locale(identifier: "en_US_POSIX")) ?? .nan
    }

    public static func == (lhs: ClaimDecimal, rhs: ClaimDecimal) -> Bool { lhs.canonical == rhs.canonical }

    public func hash(into hasher: inout Hasher) { hasher.combine(canonical) }
}
