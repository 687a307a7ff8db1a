/// A JSON text parsed into a flat list of values over its bytes (a tape): nothing is copied or
/// decoded while parsing; a string is decoded and a number's text made only when asked for.
///
/// Values are numbered in document order. An object is followed by its members, each a key
/// (a string value) and then the member's value with its own subtree; an array by its items.
/// ``Value/next`` skips a whole subtree.
struct JSONDocument: Sendable {
    /// What a value is.
    enum Kind: UInt8, Sendable {
        case object, array, string, number, `true`, `false`, null
    }

    /// One value of the tape.
    struct Value: Sendable {
        var kind: Kind
        /// Whether a string holds escapes (so it must be unescaped, not just copied).
        var hasEscapes = false
        /// Byte range of the value's text: inside the quotes for a string, the whole value
        /// (brackets included) for objects and arrays.
        var start: Int32
        var end: Int32
        /// Members of an object, items of an array.
        var count: Int32 = 0
        /// The index just after this value's subtree.
        var next: Int32 = 0
    }

    /// The most nested objects and arrays accepted.
    static let maximumDepth = 256

    /// The text.
    let bytes: [UInt8]
    /// The values, in document order; the root is at index 0.
    private(set) var values: [Value] = []
    /// Offsets where lines start, for positions.
    private let lineStarts: [Int]

    /// Parses a JSON text (UTF-8, an optional byte order mark is skipped).
    ///
    /// - Throws: ``FormatError`` with a JSON code (``FormatError/Code/invalidJSON`` and friends)
    ///   and the position.
    init(parsing bytes: [UInt8]) throws(FormatError) {
        self.bytes = bytes
        self.lineStarts = Self.lineStarts(of: bytes)
        var parser = Parser(bytes: bytes)
        parser.values.reserveCapacity(bytes.count / 12)
        do {
            try parser.parseDocument()
        } catch {
            throw FormatError(error.code, at: position(ofOffset: error.offset), error.message)
        }
        values = parser.values
    }

    /// Where each line starts: 0, and after each line feed (found with `memchr`).
    private static func lineStarts(of bytes: [UInt8]) -> [Int] {
        var starts = [0]
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count, let found = memchr(base + offset, 0x0A, buffer.count - offset) {
                offset = UnsafeRawPointer(found) - UnsafeRawPointer(base) + 1
                starts.append(offset)
            }
        }
        return starts
    }

    // MARK: Reading

    /// The kind of value `index`.
    func kind(_ index: Int) -> Kind { values[index].kind }

    /// The decoded text of string `index`.
    func string(_ index: Int) -> String {
        let value = values[index]
        let range = Int(value.start)..<Int(value.end)
        guard value.hasEscapes else {
            return String(decoding: bytes[range], as: UTF8.self)
        }
        return Self.unescape(bytes[range])
    }

    /// Calls `body` with the bytes of string `index` when it has no escapes (then they are its
    /// text); `nil` when it has.
    func withUnescapedBytes<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        let value = values[index]
        guard !value.hasEscapes else { return nil }
        return bytes.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[Int(value.start)..<Int(value.end)]))
        }
    }

    /// The exact text of value `index` (a number as written, `true`, `null`, …).
    func text(_ index: Int) -> String {
        let value = values[index]
        return String(decoding: bytes[Int(value.start)..<Int(value.end)], as: UTF8.self)
    }

    /// Whether string `index` equals `key`, without decoding it when it has no escapes.
    func string(_ index: Int, equals key: String) -> Bool {
        let value = values[index]
        guard !value.hasEscapes else { return string(index) == key }
        var key = key
        return key.withUTF8 { utf8 in
            utf8.count == Int(value.end - value.start) && bytes.withUnsafeBufferPointer { all in
                memcmp(all.baseAddress! + Int(value.start), utf8.baseAddress!, utf8.count) == 0
            }
        }
    }

    /// The members of object `index`: the index of each key and of its value.
    func members(_ index: Int) -> [(key: Int, value: Int)] {
        var result: [(key: Int, value: Int)] = []
        result.reserveCapacity(Int(values[index].count))
        var cursor = index + 1
        for _ in 0..<values[index].count {
            result.append((cursor, cursor + 1))
            cursor = Int(values[cursor + 1].next)
        }
        return result
    }

    /// The items of array `index`.
    func items(_ index: Int) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(Int(values[index].count))
        var cursor = index + 1
        for _ in 0..<values[index].count {
            result.append(cursor)
            cursor = Int(values[cursor].next)
        }
        return result
    }

    /// Where value `index` starts (for a string, its opening quote).
    func position(_ index: Int) -> TextPosition {
        let value = values[index]
        return position(ofOffset: Int(value.start) - (value.kind == .string ? 1 : 0))
    }

    /// ``position(_:)``, looking from line `lineHint` (0-based) first and leaving there the line
    /// found: a reader going through the values in document order steps a line or two at a time
    /// rather than searching all lines.
    func position(_ index: Int, lineHint: inout Int) -> TextPosition {
        let value = values[index]
        let offset = Int(value.start) - (value.kind == .string ? 1 : 0)
        var line = min(max(lineHint, 0), lineStarts.count - 1)
        if lineStarts[line] <= offset {
            var steps = 0
            while line + 1 < lineStarts.count, lineStarts[line + 1] <= offset {
                line += 1
                steps += 1
                if steps == 8 {
                    line = Self.lastLine(in: lineStarts, atOrBefore: offset, from: line)
                    break
                }
            }
        } else {
            line = Self.lastLine(in: lineStarts, atOrBefore: offset, from: 0)
        }
        lineHint = line
        return TextPosition(line: line + 1, column: offset - lineStarts[line] + 1)
    }

    /// The index of the last line start at or before `offset`, searching from line `low`
    /// (whose start is at or before it).
    private static func lastLine(in lineStarts: [Int], atOrBefore offset: Int, from low: Int) -> Int {
        var low = low
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    func position(ofOffset offset: Int) -> TextPosition {
        // The last line start at or before the offset.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return TextPosition(line: low + 1, column: offset - lineStarts[low] + 1)
    }

    // MARK: Unescaping

    static func unescape(_ bytes: ArraySlice<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            // The text up to the next backslash, in one copy.
            let backslash = bytes[index...].firstIndex(of: UInt8(ascii: "\\")) ?? bytes.endIndex
            output.append(contentsOf: bytes[index..<backslash])
            index = backslash
            guard index < bytes.endIndex else { break }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(bytes, at: index)
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 6 <= bytes.endIndex,
                    bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                {
                    let low = hex4(bytes, at: index + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                output.append(contentsOf: Array(String(character).utf8))
            default: output.append(escape)  // \" \\ \/
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hex4(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 {
            value = value << 4 | UInt32(hexValue(bytes[index + offset]) ?? 0)
        }
        return value
    }

    fileprivate static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension JSONDocument {
    /// The recursive-descent parser that fills the tape.
    struct Parser {
        struct Failure: Error {
            var code: FormatError.Code
            var offset: Int
            var message: String
        }

        let bytes: [UInt8]
        var values: [Value] = []
        var offset = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func parseDocument() throws(Failure) {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
            skipWhitespace()
            guard offset < bytes.count else { throw Failure(code: .invalidJSON, offset: offset, message: "the document is empty") }
            try parseValue(depth: 0)
            skipWhitespace()
            guard offset == bytes.count else {
                throw Failure(code: .invalidJSON, offset: offset, message: "unexpected text after the JSON value")
            }
        }

        mutating func skipWhitespace() {
            offset = Self.whitespaceEnd(in: bytes, from: offset)
        }

        /// Where the whitespace from `start` ends: indentation eight spaces at a time, then byte
        /// by byte.
        static func whitespaceEnd(in bytes: [UInt8], from start: Int) -> Int {
            bytes.withUnsafeBufferPointer { buffer in
                var offset = start
                if let base = buffer.baseAddress {
                    let raw = UnsafeRawPointer(base)
                    while offset + 8 <= buffer.count, raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == 0x2020_2020_2020_2020 {
                        offset += 8
                    }
                }
                while offset < buffer.count {
                    switch buffer[offset] {
                    case 0x20, 0x09, 0x0A, 0x0D: offset += 1
                    default: return offset
                    }
                }
                return offset
            }
        }

        mutating func parseValue(depth: Int) throws(Failure) {
            guard offset < bytes.count else { throw Failure(code: .invalidJSON, offset: offset, message: "the document ends where a value was expected") }
            switch bytes[offset] {
            case UInt8(ascii: "{"): try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): try parseString()
            case UInt8(ascii: "t"): try parseLiteral("true", kind: .true)
            case UInt8(ascii: "f"): try parseLiteral("false", kind: .false)
            case UInt8(ascii: "n"): try parseLiteral("null", kind: .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
            default:
                throw Failure(code: .invalidJSON, offset: offset, message: "unexpected character '\(Self.show(bytes[offset]))' where a value was expected")
            }
        }

        mutating func parseObject(depth: Int) throws(Failure) {
            guard depth <= JSONDocument.maximumDepth else { throw Failure(code: .invalidJSON, offset: offset, message: "objects and arrays nested too deep") }
            let index = values.count
            values.append(Value(kind: .object, start: Int32(offset), end: 0))
            offset += 1
            skipWhitespace()
            var count: Int32 = 0
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                offset += 1
            } else {
                while true {
                    skipWhitespace()
                    guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                        throw Failure(code: .invalidJSON, offset: offset, message: "a property name in quotes was expected")
                    }
                    try parseString()
                    skipWhitespace()
                    guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
                        throw Failure(code: .invalidJSON, offset: offset, message: "':' was expected after the property name")
                    }
                    offset += 1
                    skipWhitespace()
                    try parseValue(depth: depth)
                    count += 1
                    skipWhitespace()
                    guard offset < bytes.count else { throw Failure(code: .invalidJSON, offset: offset, message: "the document ends inside an object") }
                    if bytes[offset] == UInt8(ascii: ",") {
                        offset += 1
                        continue
                    }
                    guard bytes[offset] == UInt8(ascii: "}") else {
                        throw Failure(code: .invalidJSON, offset: offset, message: "',' or '}' was expected in an object")
                    }
                    offset += 1
                    break
                }
            }
            values[index].count = count
            values[index].end = Int32(offset)
            values[index].next = Int32(values.count)
        }

        mutating func parseArray(depth: Int) throws(Failure) {
            guard depth <= JSONDocument.maximumDepth else { throw Failure(code: .invalidJSON, offset: offset, message: "objects and arrays nested too deep") }
            let index = values.count
            values.append(Value(kind: .array, start: Int32(offset), end: 0))
            offset += 1
            skipWhitespace()
            var count: Int32 = 0
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                offset += 1
            } else {
                while true {
                    skipWhitespace()
                    try parseValue(depth: depth)
                    count += 1
                    skipWhitespace()
                    guard offset < bytes.count else { throw Failure(code: .invalidJSON, offset: offset, message: "the document ends inside an array") }
                    if bytes[offset] == UInt8(ascii: ",") {
                        offset += 1
                        continue
                    }
                    guard bytes[offset] == UInt8(ascii: "]") else {
                        throw Failure(code: .invalidJSON, offset: offset, message: "',' or ']' was expected in an array")
                    }
                    offset += 1
                    break
                }
            }
            values[index].count = count
            values[index].end = Int32(offset)
            values[index].next = Int32(values.count)
        }

        mutating func parseString() throws(Failure) {
            let open = offset
            offset += 1
            let start = offset
            var hasEscapes = false
            var isASCII = true
            while true {
                // Plain characters, the most of a string, on the raw bytes.
                let (end, plainASCII) = Self.plainRun(in: bytes, from: offset)
                offset = end
                isASCII = isASCII && plainASCII
                guard offset < bytes.count else { throw Failure(code: .invalidJSON, offset: open, message: "a string is not closed") }
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") { break }
                if byte == UInt8(ascii: "\\") {
                    hasEscapes = true
                    guard offset + 1 < bytes.count else { throw Failure(code: .invalidJSON, offset: offset, message: "a string is not closed") }
                    switch bytes[offset + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        offset += 2
                    case UInt8(ascii: "u"):
                        guard offset + 6 <= bytes.count, (2..<6).allSatisfy({ JSONDocument.hexValue(bytes[offset + $0]) != nil }) else {
                            throw Failure(code: .invalidJSON, offset: offset, message: "\\u must be followed by four hexadecimal digits")
                        }
                        offset += 6
                    default:
                        throw Failure(code: .invalidJSON, offset: offset, message: "unknown escape '\\\(Self.show(bytes[offset + 1]))' in a string")
                    }
                    continue
                }
                if byte < 0x20 {
                    throw Failure(code: .invalidJSON, offset: offset, message: "a control character (\(byte)) must be escaped in a string")
                }
                if byte >= 0x80 { isASCII = false }
                offset += 1
            }
            if !isASCII, String(validating: bytes[start..<offset], as: UTF8.self) == nil {
                throw Failure(code: .invalidJSON, offset: start, message: "a string is not valid UTF-8")
            }
            values.append(Value(kind: .string, hasEscapes: hasEscapes, start: Int32(start), end: Int32(offset), next: Int32(values.count + 1)))
            offset += 1
        }

        /// Where the run of bytes from `start` that need no attention in a string (no quote,
        /// backslash or control character) ends, and whether it is all ASCII.
        static func plainRun(in bytes: [UInt8], from start: Int) -> (end: Int, isASCII: Bool) {
            bytes.withUnsafeBufferPointer { buffer in
                var offset = start
                // Eight bytes at a time while none is a quote, a backslash or a control
                // character (each test exact for "some byte of the word"); then byte by byte.
                var highWords: UInt64 = 0
                if let base = buffer.baseAddress {
                    let raw = UnsafeRawPointer(base)
                    let ones: UInt64 = 0x0101_0101_0101_0101
                    let highBits: UInt64 = 0x8080_8080_8080_8080
                    while offset + 8 <= buffer.count {
                        // Byte i of memory is bits 8i… of the word on any platform.
                        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                        let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
                        let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
                        let special = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)) & highBits
                        if special != 0 {
                            // The lowest byte flagged is a special one (a test can flag a byte
                            // above a special one, never one below): the run ends there.
                            let plain = special.trailingZeroBitCount / 8
                            if plain > 0 { highWords |= word & (UInt64.max >> (64 - 8 * plain)) }
                            offset += plain
                            return (offset, highWords & highBits == 0)
                        }
                        highWords |= word
                        offset += 8
                    }
                    highWords &= highBits
                }
                var high: UInt8 = highWords == 0 ? 0 : 0x80
                while offset < buffer.count {
                    let byte = buffer[offset]
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                    high |= byte
                    offset += 1
                }
                return (offset, high < 0x80)
            }
        }

        mutating func parseNumber() throws(Failure) {
            let start = offset
            func digits() -> Int {
                let first = offset
                while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
                return offset - first
            }
            if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            let integerStart = offset
            let integerDigits = digits()
            guard integerDigits > 0 else { throw Failure(code: .invalidJSON, offset: start, message: "a number needs digits") }
            if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") {
                throw Failure(code: .invalidJSON, offset: start, message: "a number must not start with 0 (leading zeros)")
            }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
                offset += 1
                guard digits() > 0 else { throw Failure(code: .invalidJSON, offset: start, message: "a number needs digits after '.'") }
            }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
                offset += 1
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
                guard digits() > 0 else { throw Failure(code: .invalidJSON, offset: start, message: "a number needs digits in its exponent") }
            }
            values.append(Value(kind: .number, start: Int32(start), end: Int32(offset), next: Int32(values.count + 1)))
        }

        mutating func parseLiteral(_ literal: String, kind: Kind) throws(Failure) {
            let utf8 = Array(literal.utf8)
            let count = utf8.count
            let matches = offset + count <= bytes.count && bytes[offset..<offset + count].elementsEqual(utf8)
            guard matches else {
                throw Failure(code: .invalidJSON, offset: offset, message: "unexpected character '\(Self.show(bytes[offset]))' where a value was expected")
            }
            values.append(Value(kind: kind, start: Int32(offset), end: Int32(offset + count), next: Int32(values.count + 1)))
            offset += count
        }

        static func show(_ byte: UInt8) -> String {
            (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\u{\(String(byte, radix: 16))}"
        }
    }
}
