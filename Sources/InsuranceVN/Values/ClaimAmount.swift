import Foundation

/// A number in the validator's arithmetic (line amounts, totals, ranges): an exact fixed-point
/// integer (`Int128` significand, decimal scale) while the values fit, Foundation `Decimal`
/// beyond.
///
/// Both are exact over the numbers claims carry, so the fixed-point path gives what `Decimal`
/// gives, without its cost. An operation whose result would not fit in 127 bits switches to
/// `Decimal` (from exact operands), so results beyond that range are `Decimal`'s, as before.
struct ClaimAmount: Sendable {
    private enum Storage: Sendable {
        case fixed(Int128, scale: Int)
        case decimal(Decimal)
    }

    private let storage: Storage

    private init(_ storage: Storage) { self.storage = storage }

    init(_ value: ClaimDecimal) {
        switch value.value {
        case .fixed(let significand, let scale): storage = .fixed(Int128(significand), scale: scale)
        case .canonical: storage = .decimal(value.decimalValue)
        }
    }

    init(_ value: Int) { storage = .fixed(Int128(value), scale: 0) }

    static let zero = ClaimAmount(0)
    static let hundred = ClaimAmount(100)

    /// The value as a `Decimal` (exact).
    var decimalValue: Decimal {
        switch storage {
        case .decimal(let value): return value
        case .fixed(let significand, let scale):
            let magnitude = significand.magnitude
            var value = Decimal(UInt64(truncatingIfNeeded: magnitude))
            let high = UInt64(truncatingIfNeeded: magnitude >> 64)
            if high != 0 { value += Decimal(high) * Self.twoToThe64 }
            return Decimal(sign: significand < 0 ? .minus : .plus, exponent: -scale, significand: value)
        }
    }

    private static let twoToThe64 = Decimal(UInt64.max) + 1

    /// 10^0 … 10^38, the powers an `Int128` holds.
    private static let powersOfTen: [Int128] = {
        var powers: [Int128] = [1]
        for _ in 1...38 { powers.append(powers[powers.count - 1] * 10) }
        return powers
    }()

    /// Both values at one scale, or `nil` when that does not fit.
    private static func aligned(_ lhs: (Int128, Int), _ rhs: (Int128, Int)) -> (Int128, Int128, scale: Int)? {
        let scale = max(lhs.1, rhs.1)
        func scaled(_ value: (Int128, Int)) -> Int128? {
            let shift = scale - value.1
            guard shift > 0 else { return value.0 }
            guard shift <= 38 else { return value.0 == 0 ? 0 : nil }
            let (result, overflow) = value.0.multipliedReportingOverflow(by: powersOfTen[shift])
            return overflow ? nil : result
        }
        guard let left = scaled(lhs), let right = scaled(rhs) else { return nil }
        return (left, right, scale)
    }

    static func * (lhs: ClaimAmount, rhs: ClaimAmount) -> ClaimAmount {
        if case .fixed(let left, let leftScale) = lhs.storage, case .fixed(let right, let rightScale) = rhs.storage {
            let (product, overflow) = left.multipliedReportingOverflow(by: right)
            if !overflow { return ClaimAmount(.fixed(product, scale: leftScale + rightScale)) }
        }
        return ClaimAmount(.decimal(lhs.decimalValue * rhs.decimalValue))
    }

    static func + (lhs: ClaimAmount, rhs: ClaimAmount) -> ClaimAmount {
        if case .fixed(let left, let leftScale) = lhs.storage, case .fixed(let right, let rightScale) = rhs.storage,
            let (left, right, scale) = aligned((left, leftScale), (right, rightScale))
        {
            let (sum, overflow) = left.addingReportingOverflow(right)
            if !overflow { return ClaimAmount(.fixed(sum, scale: scale)) }
        }
        return ClaimAmount(.decimal(lhs.decimalValue + rhs.decimalValue))
    }

    static func - (lhs: ClaimAmount, rhs: ClaimAmount) -> ClaimAmount {
        if case .fixed(let left, let leftScale) = lhs.storage, case .fixed(let right, let rightScale) = rhs.storage,
            let (left, right, scale) = aligned((left, leftScale), (right, rightScale))
        {
            let (difference, overflow) = left.subtractingReportingOverflow(right)
            if !overflow { return ClaimAmount(.fixed(difference, scale: scale)) }
        }
        return ClaimAmount(.decimal(lhs.decimalValue - rhs.decimalValue))
    }

    static func += (lhs: inout ClaimAmount, rhs: ClaimAmount) { lhs = lhs + rhs }

    /// The value divided by 100 (a percentage rate applied).
    var percent: ClaimAmount {
        switch storage {
        case .fixed(let significand, let scale): ClaimAmount(.fixed(significand, scale: scale + 2))
        case .decimal(let value): ClaimAmount(.decimal(value / 100))
        }
    }

    /// Rounded to `scale` decimals, halves away from zero (`NSDecimalRound` with `.plain`).
    func rounded(scale: Int = 2) -> ClaimAmount {
        switch storage {
        case .fixed(let significand, let current):
            guard current > scale else { return self }
            let shift = current - scale
            // |significand| < 2^127 < 10^39 / 2: a shift beyond 38 digits rounds to zero.
            guard shift <= 38 else { return ClaimAmount(.fixed(0, scale: scale)) }
            let divisor = Self.powersOfTen[shift]
            var (quotient, remainder) = significand.quotientAndRemainder(dividingBy: divisor)
            if remainder.magnitude >= divisor.magnitude - remainder.magnitude {
                quotient += significand < 0 ? -1 : 1
            }
            return ClaimAmount(.fixed(quotient, scale: scale))
        case .decimal(var value):
            var result = Decimal()
            NSDecimalRound(&result, &value, scale, .plain)
            return ClaimAmount(.decimal(result))
        }
    }

    /// The value as claims write it, as `Decimal`'s `description` writes it: `-` when negative,
    /// the digits, and a `.` fraction without trailing zeros (`17850`, `1048644.8`, `-0.05`, `0`).
    var text: String {
        switch storage {
        case .decimal(let value):
            return value.description
        case .fixed(let significand, let scale):
            var magnitude = significand.magnitude
            var scale = scale
            while scale > 0, magnitude % 10 == 0 {
                magnitude /= 10
                scale -= 1
            }
            guard magnitude != 0 else { return "0" }
            var digits = String(magnitude)
            if scale > 0 {
                if digits.utf8.count <= scale { digits = String(repeating: "0", count: scale + 1 - digits.utf8.count) + digits }
                digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
            }
            return significand < 0 ? "-" + digits : digits
        }
    }

    /// -1, 0 or 1 as `lhs` is below, equal to or above `rhs`; `nil` when `Decimal` says neither
    /// (a NaN).
    private static func order(_ lhs: ClaimAmount, _ rhs: ClaimAmount) -> Int? {
        if case .fixed(let left, let leftScale) = lhs.storage, case .fixed(let right, let rightScale) = rhs.storage,
            let (left, right, _) = aligned((left, leftScale), (right, rightScale))
        {
            return left < right ? -1 : left == right ? 0 : 1
        }
        let left = lhs.decimalValue
        let right = rhs.decimalValue
        if left < right { return -1 }
        if left == right { return 0 }
        if left > right { return 1 }
        return nil
    }

    static func == (lhs: ClaimAmount, rhs: ClaimAmount) -> Bool { order(lhs, rhs) == 0 }
    static func != (lhs: ClaimAmount, rhs: ClaimAmount) -> Bool { !(lhs == rhs) }
    static func < (lhs: ClaimAmount, rhs: ClaimAmount) -> Bool { order(lhs, rhs) == -1 }
    static func > (lhs: ClaimAmount, rhs: ClaimAmount) -> Bool { order(lhs, rhs) == 1 }
}

extension ClaimValidator {
    /// A `Decimal` rounded to `scale` decimals, halves away from zero (the rounding the
    /// validator's amount and total rules apply, which a builder matches).
    static func rounded(_ value: Decimal, scale: Int = 2) -> Decimal {
        var value = value
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, .plain)
        return result
    }
}
