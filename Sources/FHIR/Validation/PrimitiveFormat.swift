import Foundation

/// The lexical rules of FHIR R4 primitive types (the regexes of the specification, plus the
/// ranges and calendar checks the regexes leave out).
enum PrimitiveFormat {
    private static let year = "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)"
    private static let month = "(0[1-9]|1[0-2])"
    private static let day = "(0[1-9]|[1-2][0-9]|3[0-1])"
    private static let time = "([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?"
    private static let zone = "(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"

    /// The pattern of each type whose values are constrained.
    static let patterns: [String: String] = [
        "integer": "-?([0]|([1-9][0-9]*))",
        "unsignedInt": "[0]|([1-9][0-9]*)",
        "positiveInt": "\\+?[1-9][0-9]*",
        "decimal": "-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?",
        "date": "\(year)(-\(month)(-\(day))?)?",
        "dateTime": "\(year)(-\(month)(-\(day)(T\(time)\(zone))?)?)?",
        "instant": "\(year)-\(month)-\(day)T\(time)\(zone)",
        "time": time,
        "code": "[^\\s]+( [^\\s]+)*",
        "id": "[A-Za-z0-9\\-\\.]{1,64}",
        "oid": "urn:oid:[0-2](\\.(0|[1-9][0-9]*))+",
        "uuid": "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "uri": "\\S*",
        "url": "\\S*",
        "canonical": "\\S*",
        "base64Binary": "(\\s*([0-9a-zA-Z\\+/=]){4}\\s*)+",
    ]

    private static let compiled: [String: NSRegularExpression] = patterns.compactMapValues {
        try? NSRegularExpression(pattern: "^(?:\($0))$")
    }

    /// Why `text` is not a valid `type` value, or `nil` when it is.
    static func problem(with text: String, type: String) -> String? {
        if let regex = compiled[type],
            regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
        {
            return "not a valid \(type)"
        }
        switch type {
        case "integer":
            guard let value = Int64(text), (Int64(Int32.min)...Int64(Int32.max)).contains(value) else {
                return "an integer must be between -2147483648 and 2147483647"
            }
        case "unsignedInt", "positiveInt":
            guard let value = Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text), value <= Int64(Int32.max) else {
                return "a \(type) must be at most 2147483647"
            }
        case "date", "dateTime", "instant":
            if !hasRealDay(text) { return "not a calendar date" }
        case "string", "markdown":
            if text.unicodeScalars.contains(where: { $0.value < 32 && $0 != "\t" && $0 != "\r" && $0 != "\n" }) {
                return "a \(type) must not hold control characters"
            }
            if type == "string", text.allSatisfy(\.isWhitespace) { return "a string must not be only whitespace" }
        default:
            break
        }
        return nil
    }

    /// `YYYY-MM-DD…`: the day exists in that month (29 February only in leap years).
    private static func hasRealDay(_ text: String) -> Bool {
        let parts = text.prefix(10).split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return true }
        let days = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...12).contains(month) && day <= days[month - 1]
    }
}
