// How a FHIRPath item becomes a claim field's text: by the field's type (dates as yyyyMMdd or
// yyyyMMddHHmm, numbers with '.' and a fixed precision) or the rule's conversion (a vocabulary).

import FHIR
import Foundation
import Mapping

extension ClaimBuilder.Run {
    // MARK: FHIRPath

    /// The values of an expression on an input (which keeps the values of the subexpressions
    /// the expressions of one record share, ``ClaimMap/sharingSubexpressions()``); `slot` (the
    /// expression's, from ``ClaimMapLibrary/numberingExpressions(_:)``) keeps the value of an
    /// expression that does not depend on the input, for the whole build.
    mutating func evaluate(
        _ expression: ClaimMap.Expression, slot: Int, on input: FHIRPathInput,
        place: @autoclosure () -> String, line: Int, file: String
    ) -> [FHIRPathValue] {
        let isKept = slot >= 0 && expression.path.isIndependentOfInput(in: environment)
        if isKept, let values = independentValues[slot] { return values }
        do throws(FHIRPathError) {
            let values = try expression.path.evaluate(input)
            if isKept { independentValues[slot] = values }
            return values
        } catch {
            issue(.warning, place(), "\(file):\(line)", "the FHIRPath expression cannot be evaluated here: \(error.message)")
            return []
        }
    }

    mutating func holds(
        _ condition: ClaimMap.Expression, slot: Int, on input: FHIRPathInput,
        place: @autoclosure () -> String, line: Int, file: String
    ) -> Bool {
        let values = evaluate(
            condition, slot: slot, on: input, place: "\(place()) (if \(condition))", line: line, file: file)
        switch values.count {
        case 0: return false
        case 1:
            if case .boolean(let value) = values[0].systemValue ?? values[0] { return value }
            return true
        default:
            issue(.warning, "\(place()) (if \(condition))", "\(file):\(line)", "the condition gives \(values.count) values, not one")
            return false
        }
    }

    /// `Bundle.entry[2].resource` for an entry's resource, else the item's type.
    func place(of item: FHIRPathValue) -> String { Self.place(of: item, in: entries) }

    /// Where an item is in the Bundle, for issues: its entry, or its type.
    static func place(of item: FHIRPathValue, in entries: [FHIR.Element]) -> String {
        guard case .element(let element) = item else { return item.typeName }
        let index = entries.firstIndex { entry in
            if let position = element.position, entry.position != nil { return entry.position == position && entry.type == element.type }
            return entry == element
        }
        return index.map { "Bundle.entry[\($0)].resource" } ?? "(\(element.type))"
    }

    mutating func issue(_ severity: ClaimProblem.Severity, _ input: String, _ rule: String, _ message: String) {
        issues.append(ClaimBuildIssue(severity: severity, input: input, rule: rule, message: message))
    }

    // MARK: Values

    /// The text of one item for a field, or `nil` (with an issue when the item had a value that
    /// could not be written).
    mutating func format(
        _ item: FHIRPathValue, for fieldIndex: Int, of table: ClaimTableDefinition, conversion: ClaimMap.Conversion?,
        place: @autoclosure () -> String, line: Int,
        file: String
    ) -> String? {
        guard let text = Self.text(of: item), !text.isEmpty else {
            if case .element(let element) = item, element.value == nil, !element.children.isEmpty {
                issue(.warning, place(), "\(file):\(line)", "is a \(element.type), not a value; name one of its elements")
            }
            return nil
        }
        if case .vocabulary(let name) = conversion {
            guard let target = builder.maps.vocabularies[name]?.target(of: text) else {
                issue(.warning, place(), "\(file):\(line)", "the code has no mapping in \(name)")
                return nil
            }
            return target.code
        }
        // (The date format of the field is looked up only for a text that may be a date.)
        if Self.isFHIRTemporal(text), let format: ClaimValidator.DateFormat = switch conversion {
            case .date: .date
            case .dateTime: .dateTime
            default: ClaimValidator.dateFormat(of: table.fields[fieldIndex])
            }
        {
            guard let converted = Self.claimText(ofFHIR: text, format: format, offset: builder.options.timeZoneOffset) else {
                issue(.warning, place(), "\(file):\(line)", "not a FHIR date or dateTime")
                return nil
            }
            return converted
        }
        // The definition is read in place (a copy is a dozen strings) and copied only for a number.
        if table.fields[fieldIndex].type == .number {
            let field = table.fields[fieldIndex]
            if let number = ClaimDecimal(text) { return ClaimBuilder.text(of: ClaimAmount(number), scale: ClaimBuilder.scale(of: field.name)) }
            // With an exponent (`1.5e3`): through Decimal.
            guard let value = Self.decimal(text) else {
                issue(.warning, place(), "\(file):\(line)", "not a number for \(field.name)")
                return nil
            }
            return ClaimBuilder.text(of: value, scale: ClaimBuilder.scale(of: field.name))
        }
        return text
    }

    /// The text of a primitive or system value; `nil` for an element without a value.
    static func text(of item: FHIRPathValue) -> String? {
        switch item {
        case .element(let element): element.value?.text
        case .date(let value), .dateTime(let value): value.description.hasPrefix("@") ? String(value.description.dropFirst()) : value.description
        case .quantity(let quantity): quantity.value.description
        default: item.description
        }
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    static func decimal(_ text: String) -> Decimal? {
        guard ClaimDecimal(text) != nil || text.contains(where: { $0 == "e" || $0 == "E" }) else { return nil }
        return Decimal(string: text, locale: posix)
    }

    /// Whether a text is a FHIR date or dateTime (`2024`, `2024-03`, `2024-03-10T09:15:00+07:00`).
    static func isFHIRTemporal(_ text: String) -> Bool {
        // The first five bytes, read in place.
        let utf8 = text.utf8
        var index = utf8.startIndex
        for _ in 0..<4 {
            guard index != utf8.endIndex, (0x30...0x39).contains(utf8[index]) else { return false }
            utf8.formIndex(after: &index)
        }
        return index == utf8.endIndex || utf8[index] == UInt8(ascii: "-")
    }

    /// A FHIR date or dateTime as claims write it. A dateTime with an offset is moved to
    /// `offset` (seconds east of UTC); one without is taken as local. Unknown parts are 0
    /// (`1958` → `195800000000`), a date without a time is at 00:00.
    static func claimText(ofFHIR text: String, format: ClaimValidator.DateFormat, offset: Int) -> String? {
        guard let temporal = FHIRTemporal(text) else { return nil }
        var parts = (year: temporal.year, month: temporal.month, day: temporal.day, hour: temporal.hour, minute: temporal.minute)
        if let given = temporal.offset, given != offset, parts.month > 0, parts.day > 0 {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(secondsFromGMT: given) ?? .gmt
            let components = DateComponents(year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute)
            guard let date = calendar.date(from: components) else { return nil }
            calendar.timeZone = TimeZone(secondsFromGMT: offset) ?? .gmt
            let local = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            parts = (local.year ?? parts.year, local.month ?? 0, local.day ?? 0, local.hour ?? 0, local.minute ?? 0)
        }
        switch format {
        case .date:
            return ClaimDate(year: parts.year, month: parts.month, day: parts.day)?.description
        case .dateTime:
            return ClaimDateTime(year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute)?.description
        }
    }
}

extension ClaimBuilder {
    /// The decimals a number field is written with: 3 for quantities (`SO_LUONG`), 2 for
    /// everything else (amounts, rates), as the standard says.
    static func scale(of field: String) -> Int {
        field.hasPrefix("SO_LUONG") ? 3 : 2
    }

    /// A decimal rounded half away from zero to `scale` decimals, written with `.` and no
    /// trailing zeros (`1048644.8`, `17850`).
    static func text(of value: Decimal, scale: Int) -> String {
        let rounded = ClaimValidator.rounded(value, scale: scale)
        return rounded.description
    }
}
