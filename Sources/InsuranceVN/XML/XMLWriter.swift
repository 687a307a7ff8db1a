import Foundation

/// Writes a small XML document as UTF-8: a declaration, one element per line, two-space indent.
/// Texts are escaped (`&`, `<`, `>`, and carriage return as `&#13;` so it survives reading).
///
/// The document is built as bytes in a buffer of its own: an envelope writes some ten thousand
/// pieces (a tag, a name, a value), most of them a few bytes long, and `Array.append(contentsOf:)`
/// cost some forty instructions each before copying a byte.
struct XMLWriter {
    private var output: Output
    private var open: [String] = []

    /// A writer whose buffer starts with room for `capacity` bytes.
    init(capacity: Int = 4096) {
        output = Output(capacity: capacity)
        append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" as StaticString)
    }

    mutating func start(_ name: String) {
        indent()
        output.append(UInt8(ascii: "<"))
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
        let mark = output.count
        indent()
        output.append(UInt8(ascii: "<"))
        append(name)
        output.append(UInt8(ascii: ">"))
        var value = value
        guard value.withUTF8({ output.appendEscaped($0) }) else {
            output.count = mark
            return false
        }
        closing(name)
        return true
    }

    /// ``leaf(_:escaping:)`` with the element's tags made beforehand (a table's fields,
    /// ``ClaimElementTags``).
    mutating func leaf(_ tags: ClaimElementTags.Tags, escaping value: String) -> Bool {
        indent()
        if value.isEmpty {
            output.append(tags.empty)
            return true
        }
        let mark = output.count
        output.append(tags.open)
        var value = value
        guard value.withUTF8({ output.appendEscaped($0) }) else {
            output.count = mark
            return false
        }
        output.append(tags.close)
        return true
    }

    /// An element holding text the module made itself (digits, a table name), which needs no
    /// escaping.
    mutating func leaf(_ name: String, plain value: String) {
        if value.isEmpty {
            empty(name)
            return
        }
        element(name) { output in
            var value = value
            value.withUTF8 { output.append(UnsafeRawBufferPointer($0)) }
        }
    }

    /// An element holding the base64 of `content` (standard alphabet, `=` padding, no line
    /// breaks, as `Data.base64EncodedString()` writes it), encoded straight into the document.
    mutating func leaf(_ name: String, base64 content: Data) {
        if content.isEmpty {
            empty(name)
            return
        }
        element(name) { output in content.withUnsafeBytes { output.appendBase64($0) } }
    }

    /// `<NAME>`, what `content` appends, `</NAME>`, on a line of its own.
    private mutating func element(_ name: String, _ content: (inout Output) -> Void) {
        indent()
        output.append(UInt8(ascii: "<"))
        append(name)
        output.append(UInt8(ascii: ">"))
        content(&output)
        closing(name)
    }

    var data: Data { output.data }

    private mutating func empty(_ name: String) {
        indent()
        output.append(UInt8(ascii: "<"))
        append(name)
        append("/>\n" as StaticString)
    }

    private mutating func closing(_ name: String) {
        append("</" as StaticString)
        append(name)
        append(">\n" as StaticString)
    }

    private mutating func indent() {
        output.appendSpaces(2 * open.count)
    }

    @inline(__always)
    private mutating func append(_ text: StaticString) {
        output.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends a text's UTF-8 (a small string's from a copy on the stack).
    @inline(__always)
    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { output.append(UnsafeRawBufferPointer($0)) }
    }
}

extension XMLWriter {
    /// The bytes written, in memory this writer owns (copied on write, as a value would be).
    struct Output {
        private final class Storage {
            var start: UnsafeMutablePointer<UInt8>
            var capacity: Int

            init(capacity: Int) {
                self.capacity = Swift.max(capacity, 16)
                start = .allocate(capacity: self.capacity)
            }

            deinit { start.deallocate() }
        }

        private var storage: Storage
        /// The number of bytes written; setting it lower drops the bytes after.
        var count = 0

        init(capacity: Int) {
            storage = Storage(capacity: capacity)
        }

        var data: Data { Data(bytes: storage.start, count: count) }

        /// Room for `more` bytes after `count`, in a buffer not shared with a copy.
        @inline(__always)
        private mutating func reserve(_ more: Int) -> UnsafeMutablePointer<UInt8> {
            if count + more > storage.capacity || !isKnownUniquelyReferenced(&storage) {
                let grown = Storage(capacity: Swift.max(2 * storage.capacity, count + more))
                grown.start.initialize(from: storage.start, count: count)
                storage = grown
            }
            return storage.start + count
        }

        @inline(__always)
        mutating func append(_ byte: UInt8) {
            reserve(1).pointee = byte
            count += 1
        }

        /// Appends bytes; the few bytes of a tag or a code are copied as two words that may
        /// overlap, not by `memcpy`.
        @inline(__always)
        mutating func append(_ bytes: UnsafeRawBufferPointer) {
            guard let source = bytes.baseAddress else { return }
            let length = bytes.count
            let target = UnsafeMutableRawPointer(reserve(length))
            if length >= 8 && length <= 16 {
                let head = source.loadUnaligned(as: UInt64.self)
                let tail = source.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
                target.storeBytes(of: head, as: UInt64.self)
                target.storeBytes(of: tail, toByteOffset: length - 8, as: UInt64.self)
            } else if length >= 4 && length < 8 {
                let head = source.loadUnaligned(as: UInt32.self)
                let tail = source.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
                target.storeBytes(of: head, as: UInt32.self)
                target.storeBytes(of: tail, toByteOffset: length - 4, as: UInt32.self)
            } else if length < 4 {
                for offset in 0..<length {
                    target.storeBytes(of: source.load(fromByteOffset: offset, as: UInt8.self), toByteOffset: offset, as: UInt8.self)
                }
            } else {
                target.copyMemory(from: source, byteCount: length)
            }
            count += length
        }

        mutating func appendSpaces(_ number: Int) {
            reserve(number).initialize(repeating: UInt8(ascii: " "), count: number)
            count += number
        }

        /// Appends UTF-8 with `&`, `<`, `>` and CR escaped; `false` (and what was appended is
        /// to be dropped) when it holds a character XML 1.0 cannot carry (a control other than
        /// tab and LF, U+FFFE, U+FFFF).
        mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
            var start = 0
            for index in utf8.indices {
                let byte = utf8[index]
                // Most bytes need nothing: printable ASCII but `&`, `<`, `>`, and non-ASCII but the
                // last bytes of U+FFFE and U+FFFF.
                if byte >= 0xC0 || (byte >= 0x20 && byte < 0xBE && byte != UInt8(ascii: "&") && byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">")) {
                    continue
                }
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
                append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[start..<index]))
                append(UnsafeRawBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                start = index + 1
            }
            append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[start...]))
            return true
        }

        /// Appends the base64 of `bytes` (standard alphabet, `=` padding).
        mutating func appendBase64(_ bytes: UnsafeRawBufferPointer) {
            let length = (bytes.count + 2) / 3 * 4
            let target = reserve(length)
            Base64.encode(bytes, into: target)
            count += length
        }
    }
}
