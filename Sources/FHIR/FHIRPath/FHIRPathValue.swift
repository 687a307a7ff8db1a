public import Foundation

/// One item of a FHIRPath collection: an element of the tree the expression was evaluated on, or
/// a value of a FHIRPath system type.
///
/// FHIR primitives stay elements (with their id and extensions) until an operator or function
/// needs their value; then they convert to the system type: `boolean` to `Boolean`, `integer`,
/// `positiveInt` and `unsignedInt` to `Integer`, `decimal` to `Decimal`, `date` to `Date`,
/// `dateTime` and `instant` to `DateTime`, `time` to `Time`, every other primitive to `String`;
/// `Quantity` (and `Age`, `Duration`, …) to `Quantity` where a quantity is compared.
///
/// ```swift
/// let values = try FHIRPath("Patient.birthDate").evaluate(patient)
/// values.first?.systemValue   // .date(1974-12-25)
/// ```
public enum FHIRPathValue: Sendable, Hashable, CustomStringConvertible {
    // The large payloads (a date is eight optional parts) are boxed: most values are elements
    // and strings, and collections of them are copied all the time, so a value is kept to the
    // size of a string (24 bytes; 128 without the boxes).

    /// An element (or resource) of the tree.
    case element(Element)
    /// `System.Boolean`.
    case boolean(Bool)
    /// `System.String`.
    case string(String)
    /// `System.Integer`.
    case integer(Int)
    /// `System.Decimal`, exact (never through `Double`).
    indirect case decimal(Decimal)
    /// `System.Date`, to its precision.
    indirect case date(FHIRPathTemporal)
    /// `System.DateTime`, to its precision.
    indirect case dateTime(FHIRPathTemporal)
    /// `System.Time`, to its precision.
    indirect case time(FHIRPathTemporal)
    /// `System.Quantity`.
    indirect case quantity(FHIRPathQuantity)

    /// This value as a system value: a FHIR primitive converted to its system type, a system
    /// value itself; `nil` for other elements and primitives without a value.
    public var systemValue: FHIRPathValue? {
        guard case .element(let element) = self else { return self }
        return Self.system(of: element)
    }

    /// The type's qualified name: `System.Integer`, `FHIR.Patient`, `FHIR.date`.
    public var typeName: String {
        switch self {
        case .element(let element): "FHIR." + element.type
        case .boolean: "System.Boolean"
        case .string: "System.String"
        case .integer: "System.Integer"
        case .decimal: "System.Decimal"
        case .date: "System.Date"
        case .dateTime: "System.DateTime"
        case .time: "System.Time"
        case .quantity: "System.Quantity"
        }
    }

    /// The value as `toString()` gives it (`true`, `1.5`, `2020-03-14`, `4 'mg'`); for an
    /// element that is not a primitive, its type (`FHIR.HumanName`).
    public var description: String {
        switch self {
        case .element(let element):
            if let value = element.value { return value.text }
            return "FHIR." + element.type
        case .boolean(let value): return value ? "true" : "false"
        case .string(let value): return value
        case .integer(let value): return String(value)
        case .decimal(let value): return value.description
        case .date(let value), .dateTime(let value): return value.description
        case .time(let value): return value.description
        case .quantity(let value): return value.description
        }
    }

    /// The system value of a FHIR primitive element.
    static func system(of element: Element) -> FHIRPathValue? {
        guard let value = element.value else { return nil }
        // Most primitives are strings (`code`, `uri`, `string`, …), told by their first byte
        // before any name is compared.
        switch element.type.utf8.first {
        case UInt8(ascii: "b"), UInt8(ascii: "i"), UInt8(ascii: "p"), UInt8(ascii: "u"), UInt8(ascii: "d"), UInt8(ascii: "t"): break
        default: return Self.system(of: value)
        }
        switch element.type {
        case "boolean":
            return .boolean(value.text == "true")
        case "integer", "positiveInt", "unsignedInt", "integer64":
            if let integer = Int(value.text) { return .integer(integer) }
            return Self.decimal(value.text).map { .decimal($0) } ?? .string(value.text)
        case "decimal":
            return Self.decimal(value.text).map { .decimal($0) } ?? .string(value.text)
        case "date":
            return FHIRPathTemporal.date(value.text).map { .date($0) } ?? .string(value.text)
        case "dateTime", "instant":
            return FHIRPathTemporal.dateTime(value.text).map { .dateTime($0) } ?? .string(value.text)
        case "time":
            return FHIRPathTemporal.time(value.text).map { .time($0) } ?? .string(value.text)
        default:
            return Self.system(of: value)
        }
    }

    /// The system value of a primitive of a type with no conversion of its own, by how it is
    /// written.
    private static func system(of value: Primitive) -> FHIRPathValue {
        switch value.kind {
        case .boolean: .boolean(value.text == "true")
        case .number: Self.decimal(value.text).map { .decimal($0) } ?? .string(value.text)
        case .string: .string(value.text)
        }
    }

    /// FHIR's quantity types, read as `System.Quantity` where quantities are compared.
    static let quantityTypes: Set<String> = ["Quantity", "Age", "Count", "Distance", "Duration", "MoneyQuantity", "SimpleQuantity"]

    /// A FHIR `Quantity` (or `Age`, `Duration`, …) element as a system quantity: its value and
    /// its code (or unit when it has no code).
    static func quantity(of element: Element) -> FHIRPathQuantity? {
        guard quantityTypes.contains(element.type),
            let text = element.child(named: "value")?.value?.text, let value = decimal(text)
        else { return nil }
        let code = element.child(named: "code")?.value?.text
        let unit = element.child(named: "unit")?.value?.text
        return FHIRPathQuantity(value: value, unit: code ?? unit ?? "1")
    }

    /// The POSIX locale, for reading and writing numbers.
    static let posix = Locale(identifier: "en_US_POSIX")

    /// A decimal from its text (`-1.50`, `3e2`), exactly.
    static func decimal(_ text: some StringProtocol) -> Decimal? {
        guard !text.isEmpty else { return nil }
        var scanner = text.utf8.makeIterator()
        var sawDigit = false
        var first = true
        while let byte = scanner.next() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"): if !first { return Decimal(string: String(text), locale: posix) }
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): break
            default: return nil
            }
            first = false
        }
        guard sawDigit else { return nil }
        return Decimal(string: String(text), locale: posix)
    }
}
