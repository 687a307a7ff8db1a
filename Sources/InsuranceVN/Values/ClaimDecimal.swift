public import Foundation

/// A number as claims write it: digits with an optional `-` and an optional `.` fraction
/// (`1500000`, `2.5`, `0.125`); no exponent, no thousands separator, no comma.
///
/// The text is kept exactly as written (``description``), so amounts never pass through binary
/// floating point. Two decimals are equal when their values are: `2.50` equals `2.5`, and `01`
/// (as older files wrote some numbers) equals `1`.
///
/// The value is held as an exact fixed-point integer (significand and scale) when it has at most
/// 18 digits, which every number field of the standard has (at most 15 characters); a longer
/// one keeps its canonical text.
public struct ClaimDecimal: Hashable, Sendable, CustomStringConvertible {
    /// The text as written.
    public let description: String

    /// The value.
    let value: Value

    /// A value: `significand × 10^−scale` with no trailing zero in the fraction (`2.50` is 25,
    /// scale 1), or, beyond 18 digits, the canonical text (no leading zeros, no trailing fraction
    /// zeros, `0` unsigned). Each value has exactly one representation.
    enum Value: Hashable, Sendable {
        case fixed(significand: Int64, scale: Int)
        case canonical(String)
    }

    /// Reads a number; `nil` when the text is not one (`1,5`, `1e3`, ` 1`, `.5`, empty).
    public init?(_ text: some StringProtocol) {
        let parsed =
            text.utf8.withContiguousStorageIfAvailable(Self.parse)
            ?? Array(text.utf8).withUnsafeBufferPointer(Self.parse)
        guard let parsed else { return nil }
        self.description = String(text)
        self.value = parsed
    }

    /// A whole number.
    public init(_ value: Int) {
        self.init(String(value))!
    }

    /// The value as a Foundation `Decimal`, for sums and products (exact for up to 38 digits).
    public var decimalValue: Decimal {
        switch value {
        case .fixed(let significand, let scale):
            Decimal(
                sign: significand < 0 ? .minus : .plus, exponent: -scale,
                significand: Decimal(significand.magnitude))
        case .canonical(let canonical):
            Decimal(string: canonical, locale: Self.posix) ?? .nan
        }
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// The value of a number's text, `nil` when it is not one.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        let count = bytes.count
        var index = 0
        let negative = count > 0 && bytes[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        let integerStart = index
        while index < count, isDigit(bytes[index]) { index += 1 }
        let integerEnd = index
        guard integerEnd > integerStart else { return nil }
        var fractionStart = count
        if index < count {
            guard bytes[index] == UInt8(ascii: ".") else { return nil }
            index += 1
            fractionStart = index
            while index < count, isDigit(bytes[index]) { index += 1 }
            guard index == count, index > fractionStart else { return nil }
        }
        var wholeStart = integerStart
        while wholeStart < integerEnd, bytes[wholeStart] == UInt8(ascii: "0") { wholeStart += 1 }
        var fractionEnd = count
        while fractionEnd > fractionStart, bytes[fractionEnd - 1] == UInt8(ascii: "0") { fractionEnd -= 1 }
        let scale = max(0, fractionEnd - fractionStart)
        if integerEnd - wholeStart + scale <= 18 {
            var significand: Int64 = 0
            for position in wholeStart..<integerEnd { significand = significand * 10 + Int64(bytes[position] &- 0x30) }
            if scale > 0 {
                for position in fractionStart..<fractionEnd {
                    significand = significand * 10 + Int64(bytes[position] &- 0x30)
                }
            }
            return .fixed(significand: negative ? -significand : significand, scale: scale)
        }
        var canonical =
            wholeStart < integerEnd
            ? String(decoding: UnsafeBufferPointer(rebasing: bytes[wholeStart..<integerEnd]), as: UTF8.self) : "0"
        if scale > 0 {
            canonical += "." + String(decoding: UnsafeBufferPointer(rebasing: bytes[fractionStart..<fractionEnd]), as: UTF8.self)
        }
        return .canonical(negative && canonical != "0" ? "-" + canonical : canonical)
    }

    public static func == (lhs: ClaimDecimal, rhs: ClaimDecimal) -> Bool { lhs.value == rhs.value }

    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
