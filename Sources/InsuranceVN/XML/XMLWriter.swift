import Foundation

/// Writes a small XML document as UTF-8: a declaration, one element per line, two-space indent.
/// Texts are escaped (`&`, `<`, `>`, and carriage return as `&#13;` so it survives reading).
///
/// The document is built as bytes; texts are escaped on their UTF-8 bytes.
struct XMLWriter {
    private var bytes: [UInt8] = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n".utf8)
    private var open: [String] = []

    init() {
        bytes.reserveCapacity(4096)
    }

    mutating func start(_ name: String) {
        indent()
        bytes.append(UInt8(ascii: "<"))
        append(name)
        append(">\n" as StaticString)
        open.append(name)
    }

    mutating func end() {
        let name = open.removeLast()
        indent()
        closing(name)
    }

    /// An element holding text; empty text gives `<NAME/>`.
    /// - Throws: the error `invalid` makes when the text holds a character XML 1.0 cannot carry.
    mutating func leaf(_ name: String, _ value: String, invalid: () -> ClaimError) throws {
        guard leaf(name, escaping: value) else { throw invalid() }
    }

    /// An element holding text; empty text gives `<NAME/>`. `false`, with nothing written, when
    /// the text holds a character XML 1.0 cannot carry. (No closure: a table document writes
    /// one element per field, and a closure's captures were copied for each.)
    mutating func leaf(_ name: String, escaping value: String) -> Bool {
        if value.isEmpty {
            empty(name)
            return true
        }
        let mark = bytes.count
        indent()
        bytes.append(UInt8(ascii: "<"))
        append(name)
        bytes.append(UInt8(ascii: ">"))
        guard XMLWriter.appendEscaped(value, to: &bytes) else {
            bytes.removeSubrange(mark...)
            return false
        }
        closing(name)
        return true
    }

    /// An element holding text the module made itself (digits, base64, a table name), which
    /// needs no escaping.
    mutating func leaf(_ name: String, plain value: String) {
        if value.isEmpty {
            empty(name)
            return
        }
        indent()
        bytes.append(UInt8(ascii: "<"))
        append(name)
        bytes.append(UInt8(ascii: ">"))
        append(value)
        closing(name)
    }

    var data: Data { Data(bytes) }

    private mutating func empty(_ name: String) {
        indent()
        bytes.append(UInt8(ascii: "<"))
        append(name)
        append("/>\n" as StaticString)
    }

    private mutating func closing(_ name: String) {
        append("</" as StaticString)
        append(name)
        append(">\n" as StaticString)
    }

    private mutating func indent() {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * open.count))
    }

    /// Appends a literal's UTF-8 (a copy of its bytes; the generic `append(contentsOf:)` of a
    /// `UTF8View` costs more than the copy, and an envelope appends some ten thousand texts).
    @inline(__always)
    private mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends a text's UTF-8, copied from its storage.
    @inline(__always)
    private mutating func append(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: text.utf8)
        }
    }

    /// Appends the text's UTF-8 with `&`, `<`, `>` and CR escaped; `false` when it holds a
    /// character XML 1.0 cannot carry (a control other than tab and LF, U+FFFE, U+FFFF).
    private static func appendEscaped(_ value: String, to bytes: inout [UInt8]) -> Bool {
        var value = value
        return value.withUTF8 { utf8 in
            var start = 0
            for index in utf8.indices {
                let byte = utf8[index]
                let replacement: StaticString
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case 0x0D: replacement = "&#13;"
                case 0x09, 0x0A: continue
                case ..<0x20: return false
                case 0xBE, 0xBF:
                    // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
                    if index >= 2, utf8[index - 1] == 0xBF, utf8[index - 2] == 0xEF { return false }
                    continue
                default: continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                bytes.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
            return true
        }
    }
}
