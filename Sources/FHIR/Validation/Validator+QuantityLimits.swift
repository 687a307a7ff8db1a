import Foundation

extension Validator.Walk {
    /// A Quantity against a profile's `minValueQuantity`/`maxValueQuantity` (kept as `0 'kg'`,
    /// UCUM only): a UCUM quantity in the same unit is compared by its value, one in another unit
    /// of the same dimension after conversion (``UCUMUnit``). Quantities in other systems, in
    /// units not known here or of another dimension are not compared.
    mutating func checkQuantityLimits(_ element: Element, definition: ElementDefinition, path: ElementPath) {
        guard element.childText(named: "system") == "http://unitsofmeasure.org",
            let code = element.childText(named: "code"),
            let number = element.child(named: "value")?.value.flatMap({ Decimal(string: $0.text) })
        else { return }
        for (limit, isMinimum) in [(definition.minValue, true), (definition.maxValue, false)] {
            guard let limit, let (limitNumber, limitCode) = Self.quantityLiteral(limit) else { continue }
            let (value, bound): (Decimal, Decimal)
            if code == limitCode {
                (value, bound) = (number, limitNumber)
            } else {
                guard let unit = UCUMUnit(code: code), let limitUnit = UCUMUnit(code: limitCode), unit.dimension == limitUnit.dimension else { continue }
                (value, bound) = (number * unit.factor, limitNumber * limitUnit.factor)
            }
            if isMinimum, value < bound {
                report(.error, .value, path, "the value \(number) \(code) is less than the minimum \(limitNumber) \(limitCode) (after UCUM conversion)", element)
            } else if !isMinimum, value > bound {
                report(.error, .value, path, "the value \(number) \(code) is greater than the maximum \(limitNumber) \(limitCode) (after UCUM conversion)", element)
            }
        }
    }

    /// The number and unit of a FHIRPath quantity literal (`0 'kg'`).
    static func quantityLiteral(_ text: String) -> (Decimal, String)? {
        guard let space = text.firstIndex(of: " "), let number = Decimal(string: String(text[..<space])) else { return nil }
        let unit = text[text.index(after: space)...]
        guard unit.count >= 2, unit.hasPrefix("'"), unit.hasSuffix("'") else { return nil }
        return (number, String(unit.dropFirst().dropLast()))
    }
}
