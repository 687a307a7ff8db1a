public import Foundation

/// A FHIRPath `System.Quantity`: a decimal value and a unit, either a UCUM code (`mg`, `s`) or a
/// calendar duration (`year`, `days`).
///
/// Units are compared without a full UCUM engine: the same unit always compares; time units
/// (`ms s min h d wk` and the calendar durations `millisecond` … `week`) convert into each other,
/// `year`/`month` and `a`/`mo` likewise (`1 year = 1 'a'` is unknown, as the specification
/// says, but equivalent); simple metric prefixes of `g`, `m`, `L`, `mol`, `eq` and `U` convert
/// (`1 'cm' < 1 'm'`).
public struct FHIRPathQuantity: Sendable, Hashable, CustomStringConvertible {
    /// The value.
    public var value: Decimal
    /// The unit: a UCUM code or a calendar duration word; `1` for none.
    public var unit: String

    /// Creates a quantity.
    public init(value: Decimal, unit: String = "1") {
        self.value = value
        self.unit = unit
    }

    /// `4 'mg'`, `3 days`.
    public var description: String {
        let number = value.description
        return isCalendarDuration ? "\(number) \(unit)" : "\(number) '\(unit)'"
    }

    /// Whether the unit is a calendar duration word (`year`, `days`).
    public var isCalendarDuration: Bool { Self.calendarUnits[unit] != nil }

    /// Calendar duration words and their singular.
    static let calendarUnits: [String: String] = {
        var units: [String: String] = [:]
        for word in ["year", "month", "week", "day", "hour", "minute", "second", "millisecond"] {
            units[word] = word
            units[word + "s"] = word
        }
        return units
    }()

    /// What a unit measures and how big it is in the base unit of that dimension.
    struct UnitInfo {
        var dimension: String
        var factor: Decimal
        /// A calendar duration word, as opposed to a UCUM code.
        var isCalendar: Bool
    }

    static let timeFactors: [String: Decimal] = [
        "millisecond": Decimal(string: "0.001")!, "second": 1, "minute": 60, "hour": 3600, "day": 86_400, "week": 604_800,
        "ms": Decimal(string: "0.001")!, "s": 1, "min": 60, "h": 3600, "d": 86_400, "wk": 604_800,
    ]

    static let prefixes: [String: Decimal] = [
        "k": 1000, "h": 100, "da": 10, "d": Decimal(string: "0.1")!, "c": Decimal(string: "0.01")!,
        "m": Decimal(string: "0.001")!, "u": Decimal(string: "0.000001")!, "n": Decimal(string: "0.000000001")!,
        "p": Decimal(string: "0.000000000001")!,
    ]

    static let bases: Set<String> = ["g", "m", "L", "l", "mol", "eq", "U", "[IU]"]

    static func info(_ unit: String) -> UnitInfo {
        if let word = calendarUnits[unit] {
            switch word {
            case "year": return UnitInfo(dimension: "month", factor: 12, isCalendar: true)
            case "month": return UnitInfo(dimension: "month", factor: 1, isCalendar: true)
            default: return UnitInfo(dimension: "s", factor: timeFactors[word]!, isCalendar: true)
            }
        }
        switch unit {
        case "a": return UnitInfo(dimension: "month", factor: 12, isCalendar: false)
        case "mo": return UnitInfo(dimension: "month", factor: 1, isCalendar: false)
        default: break
        }
        if let factor = timeFactors[unit] { return UnitInfo(dimension: "s", factor: factor, isCalendar: false) }
        if bases.contains(unit) { return UnitInfo(dimension: unit == "l" ? "L" : unit, factor: 1, isCalendar: false) }
        for (prefix, factor) in prefixes where unit.hasPrefix(prefix) {
            let base = String(unit.dropFirst(prefix.count))
            if bases.contains(base) { return UnitInfo(dimension: base == "l" ? "L" : base, factor: factor, isCalendar: false) }
        }
        return UnitInfo(dimension: unit, factor: 1, isCalendar: false)
    }

    /// Both values in one unit: `nil` when the units do not convert. Year and month words
    /// against `a` and `mo` convert only for equivalence.
    static func aligned(_ lhs: FHIRPathQuantity, _ rhs: FHIRPathQuantity, forEquivalence: Bool = false) -> (Decimal, Decimal)? {
        if lhs.unit == rhs.unit { return (lhs.value, rhs.value) }
        let left = info(lhs.unit)
        let right = info(rhs.unit)
        guard left.dimension == right.dimension else { return nil }
        if left.dimension == "month", left.isCalendar != right.isCalendar, !forEquivalence { return nil }
        return (lhs.value * left.factor, rhs.value * right.factor)
    }

    /// This quantity in another unit, when they convert.
    func converted(to unit: String) -> FHIRPathQuantity? {
        if unit == self.unit { return self }
        let from = Self.info(self.unit)
        let to = Self.info(unit)
        guard from.dimension == to.dimension else { return nil }
        if from.dimension == "month", from.isCalendar != to.isCalendar { return nil }
        return FHIRPathQuantity(value: value * from.factor / to.factor, unit: unit)
    }
}
