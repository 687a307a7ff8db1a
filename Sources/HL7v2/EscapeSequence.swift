/// HL7 escape sequences: `\F\ \S\ \T\ \R\ \E\ \P\ \Xhh…\ \H\ \N\ \.br\ \.sp\ …` and `\Z…\`,
/// written with the message's own escape character.
public enum EscapeSequence {
    /// How values are unescaped.
    public struct Options: Hashable, Sendable {
        /// Keep formatting escapes (`\H\`, `\N\`, `\.br\`, `\.sp\`, `\.in\`, …) as written
        /// instead of rendering them (line breaks for `.br`/`.sp`, nothing for the others).
        public var keepFormatting: Bool

        /// Creates options.
        public init(keepFormatting: Bool = false) {
            self.keepFormatting = keepFormatting
        }

        /// Render formatting escapes: `\.br\` becomes a line break, highlighting is dropped.
        public static let `default` = Options()
        /// Keep formatting escapes as written, for formatted text (FT) that is passed on.
        public static let keepingFormatting = Options(keepFormatting: true)
    }

    /// Why the content of an escape sequence (between the two escape characters) is not valid,
    /// or `nil` when it is.
    static func problem(in content: UnsafeBufferPointer<UInt8>, encoding: EncodingCharacters) -> String? {
        guard let first = content.first else {
            return "an empty escape sequence is kept as literal text"
        }
        let rest = UnsafeBufferPointer(rebasing: content[1...])
        switch first {
        case UInt8(ascii: "F"), UInt8(ascii: "S"), UInt8(ascii: "T"), UInt8(ascii: "R"), UInt8(ascii: "E"),
            UInt8(ascii: "H"), UInt8(ascii: "N"):
            return rest.isEmpty ? nil : "unknown escape sequence is kept as literal text"
        case UInt8(ascii: "P"):
            return rest.isEmpty ? nil : "unknown escape sequence is kept as literal text"
        case UInt8(ascii: "X"):
            if rest.isEmpty { return "an empty hexadecimal escape is kept as literal text" }
            if rest.count % 2 != 0 { return "a hexadecimal escape needs an even number of digits; kept as literal text" }
            return rest.allSatisfy(isHex) ? nil : "a hexadecimal escape may hold only 0-9 and A-F; kept as literal text"
        case UInt8(ascii: "C"):
            return rest.count == 4 && rest.allSatisfy(isHex) ? nil : "a character set escape (C) needs 4 hexadecimal digits; kept as literal text"
        case UInt8(ascii: "M"):
            return (rest.count == 4 || rest.count == 6) && rest.allSatisfy(isHex) ? nil : "a multi-byte character set escape (M) needs 4 or 6 hexadecimal digits; kept as literal text"
        case UInt8(ascii: "Z"):
            return nil
        case UInt8(ascii: "."):
            return formatting(rest) == nil ? "unknown formatting command; kept as literal text" : nil
        default:
            return "unknown escape sequence is kept as literal text"
        }
    }

    /// A parsed formatting command (`.br`, `.sp n`, `.in ±n`, `.ti ±n`, `.sk n`, `.ce`, `.fi`, `.nf`).
    private enum Formatting {
        case lineBreak(count: Int)
        case other
    }

    private static func formatting(_ command: UnsafeBufferPointer<UInt8>) -> Formatting? {
        guard command.count >= 2 else { return nil }
        let name = String(decoding: UnsafeBufferPointer(rebasing: command[0..<2]), as: UTF8.self)
        let argument = UnsafeBufferPointer(rebasing: command[2...])
        let signed = argument.enumerated().allSatisfy { index, byte in
            isDigit(byte) || (index == 0 && (byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")))
        }
        switch name {
        case "br", "ce", "fi", "nf":
            guard argument.isEmpty else { return nil }
            return name == "br" ? .lineBreak(count: 1) : .other
        case "sp":
            guard signed, argument.first != UInt8(ascii: "-") else { return nil }
            let digits = argument.filter(isDigit)
            let count = digits.isEmpty ? 1 : Int(String(decoding: digits, as: UTF8.self)) ?? 1
            return .lineBreak(count: min(count, 100))
        case "in", "ti", "sk":
            return signed ? .other : nil
        default:
            return nil
        }
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
    }

    /// The upper-case hexadecimal digit of a value below 16.
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: byte - UInt8(ascii: "a") + 10
        }
    }

    /// Decodes the bytes of a value, resolving escape sequences.
    ///
    /// Hexadecimal escapes are read in the message's character set; bytes that are not valid
    /// UTF-8 in a UTF-8 or ASCII message are read as Latin-1, as most senders mean them, and in a
    /// Latin-1 or Latin-9 message a run of escaped bytes that is valid multi-byte UTF-8 is read as
    /// UTF-8 (that is how ``escape(_:encoding:characterSet:)`` writes characters the set lacks).
    /// Invalid sequences stay literal (the parser has reported them).
    public static func unescape(
        _ bytes: UnsafeBufferPointer<UInt8>,
        encoding: EncodingCharacters,
        characterSet: CharacterSet = .utf8,
        options: Options = .default
    ) -> String {
        let escape = encoding.escape
        guard bytes.contains(escape) else { return characterSet.decode(bytes) }
        var output = ""
        var plain: [UInt8] = []
        var hex: [UInt8] = []
        func flushPlain() {
            if plain.isEmpty { return }
            output += plain.withUnsafeBufferPointer { characterSet.decode($0) }
            plain.removeAll(keepingCapacity: true)
        }
        func flushHex() {
            if hex.isEmpty { return }
            output += hex.withUnsafeBufferPointer { buffer in
                switch characterSet.kind {
                case .utf8, .ascii:
                    UTF8Validation.firstInvalidByte(in: buffer) == nil
                        ? String(decoding: buffer, as: UTF8.self) : CharacterSet.latin1.decode(buffer)
                case .latin1, .latin9:
                    // `escape` writes a character the set cannot hold as its UTF-8 bytes; read
                    // those back as UTF-8 (Latin text almost never forms valid multi-byte UTF-8).
                    buffer.contains(where: { $0 >= 0x80 }) && UTF8Validation.firstInvalidByte(in: buffer) == nil
                        ? String(decoding: buffer, as: UTF8.self) : characterSet.decode(buffer)
                }
            }
            hex.removeAll(keepingCapacity: true)
        }
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            guard b == escape else {
                if !hex.isEmpty { flushHex() }
                plain.append(b)
                i += 1
                continue
            }
            var j = i + 1
            while j < n, bytes[j] != escape { j += 1 }
            let content = UnsafeBufferPointer(rebasing: bytes[(i + 1)..<min(j, n)])
            guard j < n, problem(in: content, encoding: encoding) == nil else {
                if !hex.isEmpty { flushHex() }
                plain.append(b)
                i += 1
                continue
            }
            let raw = UnsafeBufferPointer(rebasing: bytes[i...j])
            let first = content[0]
            if first == UInt8(ascii: "X") {
                flushPlain()
                var k = 1
                while k + 1 < content.count {
                    hex.append(hexValue(content[k]) << 4 | hexValue(content[k + 1]))
                    k += 2
                }
                i = j + 1
                continue
            }
            if !hex.isEmpty { flushHex() }
            switch first {
            case UInt8(ascii: "F"): plain.append(encoding.field)
            case UInt8(ascii: "S"): plain.append(encoding.component)
            case UInt8(ascii: "T"): plain.append(encoding.subcomponent)
            case UInt8(ascii: "R"): plain.append(encoding.repetition)
            case UInt8(ascii: "E"): plain.append(encoding.escape)
            case UInt8(ascii: "P"):
                if let truncation = encoding.truncation { plain.append(truncation) } else { plain.append(contentsOf: raw) }
            case UInt8(ascii: "H"), UInt8(ascii: "N"):
                if options.keepFormatting { plain.append(contentsOf: raw) }
            case UInt8(ascii: "."):
                if options.keepFormatting {
                    plain.append(contentsOf: raw)
                } else if case .lineBreak(let count) = formatting(UnsafeBufferPointer(rebasing: content[1...])) {
                    plain.append(contentsOf: repeatElement(0x0A, count: count))
                }
            case UInt8(ascii: "C"), UInt8(ascii: "M"):
                // Character set switches (ISO 2022) are not supported; the switch itself carries no text.
                break
            default:
                // \Z…\ and anything else locally defined: kept as written.
                plain.append(contentsOf: raw)
            }
            i = j + 1
        }
        flushHex()
        flushPlain()
        return output
    }

    /// Encodes text for an ER7 value: delimiters become `\F\ \S\ \T\ \R\ \E\` (and `\P\`), line
    /// breaks become `\X0D\`/`\X0A\`, and characters the character set cannot hold become
    /// `\Xhh…\` (their UTF-8 bytes).
    public static func escape(
        _ text: String,
        encoding: EncodingCharacters,
        characterSet: CharacterSet = .utf8
    ) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        let e = encoding.escape
        func sequence(_ letter: UInt8) { output.append(contentsOf: [e, letter, e]) }
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let b = UInt8(scalar.value)
                switch b {
                case encoding.field: sequence(UInt8(ascii: "F"))
                case encoding.component: sequence(UInt8(ascii: "S"))
                case encoding.subcomponent: sequence(UInt8(ascii: "T"))
                case encoding.repetition: sequence(UInt8(ascii: "R"))
                case encoding.escape: sequence(UInt8(ascii: "E"))
                case encoding.truncation: sequence(UInt8(ascii: "P"))
                case 0x0D, 0x0A:
                    output.append(contentsOf: [e, UInt8(ascii: "X"), UInt8(ascii: "0"), b == 0x0D ? UInt8(ascii: "D") : UInt8(ascii: "A"), e])
                default: output.append(b)
                }
                continue
            }
            if !characterSet.encode(scalar, into: &output) {
                output.append(e)
                output.append(UInt8(ascii: "X"))
                UTF8.encode(scalar) { byte in
                    output.append(hexDigit(byte >> 4))
                    output.append(hexDigit(byte & 0x0F))
                }
                output.append(e)
            }
        }
        return output
    }
}
