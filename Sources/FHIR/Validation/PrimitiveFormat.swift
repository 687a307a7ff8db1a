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

    /// The primitive types with checks of their own, so that a type is matched by name once
    /// (per definition, by the validator), not for every value.
    enum Kind: Sendable {
        case date, dateTime, instant, code, id, uri, url, canonical, decimal, integer, unsignedInt, positiveInt, base64Binary
        case string, markdown, xhtml
        /// Any other type: checked by its pattern, when it has one.
        case other

        init(_ type: String) {
            switch type {
            case "date": self = .date
            case "dateTime": self = .dateTime
            case "instant": self = .instant
            case "code": self = .code
            case "id": self = .id
            case "uri": self = .uri
            case "url": self = .url
            case "canonical": self = .canonical
            case "decimal": self = .decimal
            case "integer": self = .integer
            case "unsignedInt": self = .unsignedInt
            case "positiveInt": self = .positiveInt
            case "base64Binary": self = .base64Binary
            case "string": self = .string
            case "markdown": self = .markdown
            case "xhtml": self = .xhtml
            default: self = .other
            }
        }
    }

    /// Why `text` is not a valid `type` value, or `nil` when it is.
    static func problem(with text: String, type: String) -> String? {
        problem(with: text, type: type, kind: Kind(type))
    }

    /// Why `text` is not a valid `type` value, or `nil` when it is; `kind` is `Kind(type)`.
    static func problem(with text: String, type: String, kind: Kind) -> String? {
        let matches: Bool
        switch kind {
        // The frequent types are checked on the bytes; the regexes are the definition (and the
        // tests check both agree).
        case .date, .dateTime, .instant:
            matches = text.utf8.withContiguousStorageIfAvailable { isTemporal($0, kind: kind) } ?? isTemporal(Array(text.utf8), kind: kind)
        case .code: matches = isCode(text.utf8)
        case .id: matches = text.utf8.count <= 64 && !text.isEmpty && text.utf8.allSatisfy { isIDByte($0) }
        case .uri, .url, .canonical: matches = !ByteScan.hasWhitespace(text)
        case .decimal, .integer, .unsignedInt, .positiveInt:
            matches = text.utf8.withContiguousStorageIfAvailable { isNumber($0, kind: kind) } ?? isNumber(Array(text.utf8), kind: kind)
        case .base64Binary: matches = isBase64(text.utf8)
        case .string, .markdown, .xhtml: matches = true  // no pattern
        case .other:
            if let regex = compiled[type] {
                matches = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            } else {
                matches = true
            }
        }
        if !matches {
            return "not a valid \(type)"
        }
        switch kind {
        case .integer:
            guard let value = Int64(text), (Int64(Int32.min)...Int64(Int32.max)).contains(value) else {
                return "an integer must be between -2147483648 and 2147483647"
            }
        case .unsignedInt, .positiveInt:
            guard let value = Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text), value <= Int64(Int32.max) else {
                return "a \(type) must be at most 2147483647"
            }
        case .date, .dateTime, .instant:
            if !hasRealDay(text.utf8) { return "not a calendar date" }
        case .string, .markdown:
            // Bytes under 32 in UTF-8 are those characters themselves.
            if ByteScan.hasControlCharacter(text) {
                return "a \(type) must not hold control characters"
            }
            if kind == .string, !startsWithASCIINonWhitespace(text), text.allSatisfy(\.isWhitespace) { return "a string must not be only whitespace" }
        default:
            break
        }
        return nil
    }

    /// Whether the first character of `text` is an ASCII character other than whitespace (then
    /// it is not all whitespace), found without looking Unicode properties up.
    private static func startsWithASCIINonWhitespace(_ text: String) -> Bool {
        guard let first = text.utf8.first, first < 0x80 else { return false }
        return !(first == 0x20 || (first >= 0x09 && first <= 0x0D))
    }

    /// Whether `text` matches the pattern of `type`, by the regular expression (for tests).
    static func matchesPattern(_ text: String, type: String) -> Bool {
        guard let regex = compiled[type] else { return true }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."):
            true
        default: false
        }
    }

    /// The number patterns: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` for decimals,
    /// without fraction and exponent for integers, unsigned (`+` allowed, no 0) for positiveInt.
    private static func isNumber<Bytes: RandomAccessCollection<UInt8>>(_ b: Bytes, kind: Kind) -> Bool where Bytes.Index == Int {
        var i = 0
        func isDigit(_ k: Int) -> Bool { k < b.count && b[k] >= 0x30 && b[k] <= 0x39 }
        switch kind {
        case .positiveInt:
            if i < b.count, b[i] == UInt8(ascii: "+") { i += 1 }
            guard isDigit(i), b[i] != 0x30 else { return false }
        case .unsignedInt:
            guard isDigit(i) else { return false }
        default:
            if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { return false }
        }
        let first = i
        while isDigit(i) { i += 1 }
        if b[first] == 0x30, i - first > 1 { return false }
        guard kind == .decimal else { return i == b.count }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { return false }
            while isDigit(i) { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { return false }
            while isDigit(i) { i += 1 }
        }
        return i == b.count
    }

    /// Groups of four characters of the base64 alphabet (`+`, `/`, `=` included), whitespace
    /// allowed around them.
    private static func isBase64(_ utf8: String.UTF8View) -> Bool {
        // Attachments can be large: scan the contiguous bytes when the string has them.
        utf8.withContiguousStorageIfAvailable { bytes in
            base64Classes.withUnsafeBufferPointer { classes in isBase64(bytes: bytes, classes: classes) }
        } ?? isBase64(bytes: utf8)
    }

    /// ``isBase64(bytes:)`` on contiguous bytes, with ``base64Classes`` in hand.
    private static func isBase64(bytes: UnsafeBufferPointer<UInt8>, classes: UnsafeBufferPointer<UInt8>) -> Bool {
        var count = 0
        var index = 0
        while index < bytes.count {
            // Eight alphabet bytes at a time: the classes' AND is 1 only when all are 1.
            while index + 8 <= bytes.count {
                let all = classes[Int(bytes[index])] & classes[Int(bytes[index + 1])] & classes[Int(bytes[index + 2])]
                    & classes[Int(bytes[index + 3])] & classes[Int(bytes[index + 4])] & classes[Int(bytes[index + 5])]
                    & classes[Int(bytes[index + 6])] & classes[Int(bytes[index + 7])]
                guard all == 1 else { break }
                count += 8
                index += 8
            }
            guard index < bytes.count else { break }
            switch classes[Int(bytes[index])] {
            case 1:
                count += 1
            case 2:
                // Whitespace only between groups of four.
                if count & 3 != 0 { return false }
            default:
                return false
            }
            index += 1
        }
        return count > 0 && count & 3 == 0
    }

    private static func isBase64(bytes: some Sequence<UInt8>) -> Bool {
        var count = 0
        for byte in bytes {
            switch base64Classes[Int(byte)] {
            case 1:
                count += 1
            case 2:
                // Whitespace only between groups of four.
                if count & 3 != 0 { return false }
            default:
                return false
            }
        }
        return count > 0 && count & 3 == 0
    }

    /// For each byte: 1 in the base64 alphabet (`+`, `/`, `=` included), 2 whitespace, 0 neither.
    private static let base64Classes: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            1
        case 0x20, 0x09, 0x0A, 0x0D: 2
        default: 0
        }
    }

    /// `[^\s]+( [^\s]+)*`: no leading, trailing or double spaces, no other whitespace.
    private static func isCode(_ utf8: String.UTF8View) -> Bool {
        var previousSpace = true
        for byte in utf8 {
            if byte == 0x09 || byte == 0x0A || byte == 0x0D { return false }
            if byte == 0x20 {
                if previousSpace { return false }
                previousSpace = true
            } else {
                previousSpace = false
            }
        }
        return !previousSpace
    }

    /// `date`, `dateTime` or `instant` by the R4 patterns, on the bytes.
    private static func isTemporal<Bytes: RandomAccessCollection<UInt8>>(_ b: Bytes, kind: Kind) -> Bool where Bytes.Index == Int {
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var value = 0
            for k in 0..<count {
                let byte = b[i + k]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            i += count
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard i < b.count, b[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), year > 0 else { return false }
        if i == b.count { return kind != .instant }
        guard take(UInt8(ascii: "-")), let month = digits(2), (1...12).contains(month) else { return false }
        if i == b.count { return kind != .instant }
        guard take(UInt8(ascii: "-")), let day = digits(2), (1...31).contains(day) else { return false }
        if i == b.count { return kind != .instant }
        guard kind != .date, take(UInt8(ascii: "T")) else { return false }
        guard let hour = digits(2), hour < 24, take(UInt8(ascii: ":")), let minute = digits(2), minute < 60,
            take(UInt8(ascii: ":")), let second = digits(2), second <= 60
        else { return false }
        if take(UInt8(ascii: ".")) {
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            guard i > start else { return false }
        }
        if take(UInt8(ascii: "Z")) { return i == b.count }
        guard take(UInt8(ascii: "+")) || take(UInt8(ascii: "-")) else { return false }
        guard let offsetHour = digits(2), take(UInt8(ascii: ":")), let offsetMinute = digits(2), offsetMinute < 60,
            offsetHour < 14 || (offsetHour == 14 && offsetMinute == 0)
        else { return false }
        return i == b.count
    }

    /// `YYYY-MM-DD…`: the day exists in that month (29 February only in leap years). For a
    /// text that matched the pattern, so the digits are where the pattern puts them; a year or
    /// a year and month has no day to check.
    private static func hasRealDay(_ utf8: String.UTF8View) -> Bool {
        guard utf8.count >= 10 else { return true }
        var bytes = utf8.makeIterator()
        func number(_ count: Int) -> Int {
            var value = 0
            for _ in 0..<count { value = value * 10 + Int((bytes.next() ?? 0x30) &- 0x30) }
            return value
        }
        let year = number(4)
        _ = bytes.next()
        let month = number(2)
        _ = bytes.next()
        let day = number(2)
        let february = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        return (1...12).contains(month) && day <= (month == 2 ? february : daysInMonth[month - 1])
    }

    /// The days of each month of a common year.
    private static let daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
}
