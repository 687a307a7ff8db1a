/// A character set a message is written in, named as in MSH-18 (HL7 table 0211).
///
/// Delimiters are always single ASCII bytes, so every supported set is ASCII-compatible and the
/// parser works on bytes; text is decoded only when a value is read.
public struct CharacterSet: Hashable, Sendable, CustomStringConvertible {
    /// The kind of decoding this set needs.
    enum Kind: Hashable, Sendable {
        case utf8
        case ascii
        case latin1
        case latin9
    }

    /// The only stored property: every ``Element`` carries its message's set, and a stored name
    /// (a `String`) made each copy of an element retain and release it.
    let kind: Kind

    /// The canonical MSH-18 name of the set.
    public var name: String {
        switch kind {
        case .utf8: "UNICODE UTF-8"
        case .ascii: "ASCII"
        case .latin1: "8859/1"
        case .latin9: "8859/15"
        }
    }

    /// UTF-8, the default when MSH-18 is empty.
    public static let utf8 = CharacterSet(kind: .utf8)
    /// 7-bit ASCII.
    public static let ascii = CharacterSet(kind: .ascii)
    /// ISO 8859-1 (Latin-1).
    public static let latin1 = CharacterSet(kind: .latin1)
    /// ISO 8859-15 (Latin-9).
    public static let latin9 = CharacterSet(kind: .latin9)

    /// Looks up a character set by its MSH-18 name; an empty name means UTF-8.
    ///
    /// Returns `nil` for sets this engine cannot decode (UTF-16, the Asian multi-byte sets, the
    /// other 8859 parts), which the parser reports as ``ErrorCode/unsupportedCharacterSet``.
    public init?(named name: String) {
        let key = name.trimmingSpaces().uppercased()
        switch key {
        case "", "UNICODE UTF-8", "UTF-8", "UTF8", "UNICODE":
            self = .utf8
        case "ASCII", "US-ASCII":
            self = .ascii
        case "8859/1", "ISO-8859-1", "ISO IR100", "ISO-IR100":
            self = .latin1
        case "8859/15", "ISO-8859-15":
            self = .latin9
        default:
            return nil
        }
    }

    private init(kind: Kind) {
        self.kind = kind
    }

    public var description: String { name }

    /// Decodes bytes to a string. Invalid sequences become U+FFFD; the parser has already
    /// reported them as ``ErrorCode/invalidText``.
    public func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        switch kind {
        case .utf8, .ascii:
            return String(decoding: bytes, as: UTF8.self)
        case .latin1:
            if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            var scalars = String.UnicodeScalarView()
            for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
            return String(scalars)
        case .latin9:
            if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            var scalars = String.UnicodeScalarView()
            for byte in bytes { scalars.append(Self.latin9Scalar(byte)) }
            return String(scalars)
        }
    }

    /// Encodes a string into this set; characters it cannot represent are returned as `nil`
    /// so the caller can write them as `\Xhh\` escapes.
    func encode(_ scalar: Unicode.Scalar, into bytes: inout [UInt8]) -> Bool {
        switch kind {
        case .utf8:
            UTF8.encode(scalar) { bytes.append($0) }
            return true
        case .ascii:
            guard scalar.value < 0x80 else { return false }
            bytes.append(UInt8(scalar.value))
            return true
        case .latin1:
            guard scalar.value < 0x100 else { return false }
            bytes.append(UInt8(scalar.value))
            return true
        case .latin9:
            if scalar.value < 0x80 {
                bytes.append(UInt8(scalar.value))
                return true
            }
            let byte: UInt8? =
                switch scalar.value {
                case 0x20AC: 0xA4
                case 0x0160: 0xA6
                case 0x0161: 0xA8
                case 0x017D: 0xB4
                case 0x017E: 0xB8
                case 0x0152: 0xBC
                case 0x0153: 0xBD
                case 0x0178: 0xBE
                // The Latin-1 characters Latin-9 replaced with the ones above.
                case 0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE: nil
                case 0x80...0xFF: UInt8(scalar.value)
                default: nil
                }
            guard let byte else { return false }
            bytes.append(byte)
            return true
        }
    }

    /// Checks that `bytes` are valid in this set; returns the offset of the first invalid byte.
    func firstInvalidByte(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        switch kind {
        case .latin1, .latin9:
            return nil
        case .ascii:
            return bytes.firstIndex(where: { $0 >= 0x80 })
        case .utf8:
            return UTF8Validation.firstInvalidByte(in: bytes)
        }
    }

    private static func latin9Scalar(_ byte: UInt8) -> Unicode.Scalar {
        let value: UInt32 =
            switch byte {
            case 0xA4: 0x20AC
            case 0xA6: 0x0160
            case 0xA8: 0x0161
            case 0xB4: 0x017D
            case 0xB8: 0x017E
            case 0xBC: 0x0152
            case 0xBD: 0x0153
            case 0xBE: 0x0178
            default: UInt32(byte)
            }
        return Unicode.Scalar(value)!
    }
}

/// A strict UTF-8 validator (no overlongs, no surrogates, nothing above U+10FFFF).
enum UTF8Validation {
    static func firstInvalidByte(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            let b1 = bytes[i + 1]
            guard b1 >= lower && b1 <= upper else { return i }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 {
                return i
            }
            i += length
        }
        return nil
    }
}

extension String {
    func trimmingSpaces() -> Substring {
        var slice = Substring(self)
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return slice
    }
}
