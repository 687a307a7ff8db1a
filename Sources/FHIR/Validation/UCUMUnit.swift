import Foundation

/// A few UCUM units — the base units of mass, length, time and volume with their metric
/// prefixes, and common customary ones — as a dimension and a factor to the base unit, enough to
/// compare quantities given in different units (`50 kg` with `10 [mi_i]`: not comparable;
/// `11000 g` with `10 kg`: greater). Compound units (`mg/dL`) are not parsed: `nil`.
struct UCUMUnit: Equatable {
    /// The dimension: `M` mass, `L` length, `T` time, `L3` volume.
    var dimension: String
    /// How many base units (g, m, s, m³) one of this unit is.
    var factor: Decimal

    /// The unit for a UCUM code, or `nil` when it is not one of these.
    init?(code: String) {
        if let atom = Self.atoms[code] {
            self = atom
            return
        }
        for (prefix, scale) in Self.prefixes where code.hasPrefix(prefix) {
            let rest = String(code.dropFirst(prefix.count))
            guard Self.metric.contains(rest), let atom = Self.atoms[rest] else { continue }
            self = UCUMUnit(dimension: atom.dimension, factor: atom.factor * scale)
            return
        }
        return nil
    }

    init(dimension: String, factor: Decimal) {
        self.dimension = dimension
        self.factor = factor
    }

    static let atoms: [String: UCUMUnit] = [
        "g": UCUMUnit(dimension: "M", factor: 1), "m": UCUMUnit(dimension: "L", factor: 1), "s": UCUMUnit(dimension: "T", factor: 1),
        "L": UCUMUnit(dimension: "L3", factor: Decimal(string: "0.001")!), "l": UCUMUnit(dimension: "L3", factor: Decimal(string: "0.001")!),
        "min": UCUMUnit(dimension: "T", factor: 60), "h": UCUMUnit(dimension: "T", factor: 3600), "d": UCUMUnit(dimension: "T", factor: 86400),
        "wk": UCUMUnit(dimension: "T", factor: 604800),
        "[in_i]": UCUMUnit(dimension: "L", factor: Decimal(string: "0.0254")!), "[ft_i]": UCUMUnit(dimension: "L", factor: Decimal(string: "0.3048")!),
        "[mi_i]": UCUMUnit(dimension: "L", factor: Decimal(string: "1609.344")!), "[lb_av]": UCUMUnit(dimension: "M", factor: Decimal(string: "453.59237")!),
        "[oz_av]": UCUMUnit(dimension: "M", factor: Decimal(string: "28.349523125")!),
    ]
    /// The atoms that take metric prefixes.
    static let metric: Set<String> = ["g", "m", "s", "L", "l"]
    /// Metric prefixes, longest first (`da` before `d`).
    static let prefixes: [(String, Decimal)] = [
        ("da", 10), ("k", 1000), ("h", 100), ("d", Decimal(string: "0.1")!), ("c", Decimal(string: "0.01")!),
        ("m", Decimal(string: "0.001")!), ("u", Decimal(string: "0.000001")!), ("n", Decimal(string: "0.000000001")!),
    ]
}
