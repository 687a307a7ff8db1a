/// Reads the plain XML that claim files are made of straight from the bytes: elements without
/// attributes, character data, the five predefined entities, character references and CDATA,
/// an optional UTF-8 declaration and byte order mark.
///
/// It returns `nil` for anything outside that subset (attributes, comments, processing
/// instructions, a DOCTYPE, a lone carriage return, another encoding) and for anything not
/// well-formed; ``XMLNode/parse(_:table:)`` then hands the document to Foundation's parser,
/// which reads the rest of XML and reports the errors. So for every document the scanner
/// accepts, the tree is the one Foundation's parser builds (line breaks normalized to LF, a
/// `&#13;` kept as CR, the line of each start tag), and every error comes from that parser.
struct XMLScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var line = 1

    /// Deeper documents are left to the full parser (libxml2 limits depth too).
    private static let maximumDepth = 256

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The document's root element, or `nil` when the document needs the full parser.
    static func tree(_ bytes: UnsafeBufferPointer<UInt8>) -> XMLNode? {
        var scanner = XMLScanner(bytes)
        return scanner.document()
    }

    private mutating func document() -> XMLNode? {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        if starts(with: "<?") {
            guard declaration() else { return nil }
        }
        var open: [XMLNode] = []
        var root: XMLNode?
        let end = bytes.count
        while position < end {
            let byte = bytes[position]
            if open.isEmpty {
                // Outside the root element: white space only.
                switch byte {
                case 0x20, 0x09: position += 1
                case 0x0A: position += 1; line += 1
                case 0x0D:
                    guard position + 1 < end, bytes[position + 1] == 0x0A else { return nil }
                    position += 1
                case UInt8(ascii: "<") where root == nil:
                    guard let (node, isEmpty) = startTag() else { return nil }
                    if isEmpty { root = node } else { open.append(node) }
                default: return nil
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "<"):
                guard position + 1 < end else { return nil }
                switch bytes[position + 1] {
                case UInt8(ascii: "/"):
                    guard endTag(matching: open[open.count - 1].name) else { return nil }
                    let node = open.removeLast()
                    if open.isEmpty { root = node } else { open[open.count - 1].children.append(node) }
                case UInt8(ascii: "!"):
                    guard cdata(into: &open[open.count - 1].text) else { return nil }
                case UInt8(ascii: "?"):
                    return nil
                default:
                    guard open.count < Self.maximumDepth, let (node, isEmpty) = startTag() else { return nil }
                    if isEmpty { open[open.count - 1].children.append(node) } else { open.append(node) }
                }
            case UInt8(ascii: "&"):
                guard reference(into: &open[open.count - 1].text) else { return nil }
            default:
                guard characters(into: &open[open.count - 1].text) else { return nil }
            }
        }
        guard open.isEmpty else { return nil }
        return root
    }

    private func starts(with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        let start = prefix.utf8Start
        for offset in 0..<count where bytes[position + offset] != start[offset] { return false }
        return true
    }

    /// The declarations the fast path takes; any other goes to the full parser.
    private mutating func declaration() -> Bool {
        for accepted: StaticString in [
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<?xml version=\"1.0\"?>",
        ] where starts(with: accepted) {
            position += accepted.utf8CodeUnitCount
            return true
        }
        return false
    }

    private static func isNameStart(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_")
    }

    private static func isName(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".")
    }

    /// An ASCII name at `position` (no namespace prefix), as a range of bytes.
    private mutating func name() -> Range<Int>? {
        let start = position
        guard position < bytes.count, Self.isNameStart(bytes[position]) else { return nil }
        position += 1
        while position < bytes.count, Self.isName(bytes[position]) { position += 1 }
        guard position - start <= 1000 else { return nil }
        return start..<position
    }

    private mutating func skipSpaces() {
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
    }

    /// `<NAME>` or `<NAME/>`, spaces allowed before the end, no attributes.
    private mutating func startTag() -> (XMLNode, isEmpty: Bool)? {
        position += 1
        guard let range = name() else { return nil }
        skipSpaces()
        guard position < bytes.count else { return nil }
        let node = XMLNode(name: String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self), line: line)
        if bytes[position] == UInt8(ascii: ">") {
            position += 1
            return (node, false)
        }
        guard bytes[position] == UInt8(ascii: "/"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: ">")
        else { return nil }
        position += 2
        return (node, true)
    }

    /// `</NAME>` closing the element named `open`.
    private mutating func endTag(matching open: String) -> Bool {
        position += 2
        guard let range = name() else { return false }
        var open = open
        let matches = open.withUTF8 { $0.elementsEqual(bytes[range]) }
        guard matches else { return false }
        skipSpaces()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ">") else { return false }
        position += 1
        return true
    }

    /// The bytes character data takes as they are: printable ASCII but `<`, `&`, `>` and tab.
    private static let isPlain: [Bool] = (0..<256).map { byte in
        (byte >= 0x20 && byte < 0x80 && byte != 0x3C && byte != 0x26 && byte != 0x3E) || byte == 0x09
    }

    /// A run of character data up to the next `<` or `&`, appended with CR LF made LF.
    private mutating func characters(into text: inout String) -> Bool {
        var start = position
        let end = bytes.count
        let isPlain = Self.isPlain  // read once: a static's every access costs a call
        while position < end {
            // Most bytes are plain ASCII text: skip them in a tight loop.
            while position < end, isPlain[Int(bytes[position])] { position += 1 }
            guard position < end else { break }
            let byte = bytes[position]
            if byte >= 0x80 {
                guard let length = Self.scalarLength(bytes, at: position) else { return false }
                position += length
                continue
            }
            switch byte {
            case UInt8(ascii: "<"), UInt8(ascii: "&"):
                append(start..<position, to: &text)
                return true
            case 0x0A:
                line += 1
            case 0x0D:
                guard position + 1 < end, bytes[position + 1] == 0x0A else { return false }
                append(start..<position, to: &text)
                start = position + 1
            case UInt8(ascii: ">"):
                // `]]>` may not appear in character data.
                if position >= 2, bytes[position - 1] == UInt8(ascii: "]"), bytes[position - 2] == UInt8(ascii: "]") {
                    return false
                }
            case 0x09:
                break
            case ..<0x20:
                return false
            default:
                break
            }
            position += 1
        }
        // The document ended inside an element: not well-formed, which the full parser reports.
        return false
    }

    /// `<![CDATA[…]]>`, its text appended as it is; anything else starting `<!` is left to the
    /// full parser (comments, a DOCTYPE).
    private mutating func cdata(into text: inout String) -> Bool {
        guard starts(with: "<![CDATA[") else { return false }
        position += 9
        let start = position
        let end = bytes.count
        while position < end {
            let byte = bytes[position]
            if byte >= 0x80 {
                guard let length = Self.scalarLength(bytes, at: position) else { return false }
                position += length
                continue
            }
            switch byte {
            case UInt8(ascii: "]"):
                if position + 2 < end, bytes[position + 1] == UInt8(ascii: "]"), bytes[position + 2] == UInt8(ascii: ">") {
                    append(start..<position, to: &text)
                    position += 3
                    return true
                }
            case 0x0A: line += 1
            case 0x09: break
            case ..<0x20: return false  // CR included: its normalization is left to the full parser
            default: break
            }
            position += 1
        }
        return false
    }

    private static let entities: [(StaticString, Unicode.Scalar)] = [
        ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"), ("&quot;", "\""), ("&apos;", "'"),
    ]

    /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` or a character reference to an XML character.
    private mutating func reference(into text: inout String) -> Bool {
        for (entity, scalar) in Self.entities where starts(with: entity) {
            text.unicodeScalars.append(scalar)
            position += entity.utf8CodeUnitCount
            return true
        }
        guard starts(with: "&#") else { return false }
        position += 2
        let hexadecimal = position < bytes.count && bytes[position] == UInt8(ascii: "x")
        if hexadecimal { position += 1 }
        var value: UInt32 = 0
        var digits = 0
        while position < bytes.count, bytes[position] != UInt8(ascii: ";") {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where hexadecimal: digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where hexadecimal: digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return false
            }
            value = value * (hexadecimal ? 16 : 10) + digit
            digits += 1
            guard digits <= 8 else { return false }
            position += 1
        }
        guard position < bytes.count, digits > 0, Self.isCharacter(value), let scalar = Unicode.Scalar(value) else {
            return false
        }
        position += 1
        text.unicodeScalars.append(scalar)
        return true
    }

    /// XML 1.0's `Char`.
    private static func isCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// The length of the well-formed UTF-8 sequence of an XML character at `index`; `nil` for a
    /// malformed one or a non-character (U+FFFE, U+FFFF).
    private static func scalarLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let lead = bytes[index]
        let length: Int
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(lead & 0x07)
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        switch length {
        case 3: guard value >= 0x800, isCharacter(value) else { return nil }
        case 4: guard value >= 0x10000, value <= 0x10FFFF else { return nil }
        default: break
        }
        return length
    }

    private func append(_ range: Range<Int>, to text: inout String) {
        guard !range.isEmpty else { return }
        let piece = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        if text.isEmpty { text = piece } else { text += piece }
    }
}
