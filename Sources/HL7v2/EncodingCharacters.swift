/// The delimiters of an ER7-encoded message, read from MSH-1 and MSH-2 (or FHS/BHS-1 and -2).
///
/// Any characters may be used as long as they are distinct; the standard set is `|^~\&`, and
/// v2.7 added a fifth, the truncation character (usually `#`).
public struct EncodingCharacters: Hashable, Sendable, CustomStringConvertible {
    /// Separates fields (MSH-1), usually `|`.
    public var field: UInt8
    /// Separates components, usually `^`.
    public var component: UInt8
    /// Separates repetitions, usually `~`.
    public var repetition: UInt8
    /// Starts and ends escape sequences, usually `\`.
    public var escape: UInt8
    /// Separates subcomponents, usually `&`.
    public var subcomponent: UInt8
    /// Marks a truncated value (v2.7+), usually `#`; `nil` when MSH-2 has only four characters.
    public var truncation: UInt8?

    /// Creates a set of delimiters.
    public init(
        field: UInt8 = UInt8(ascii: "|"),
        component: UInt8 = UInt8(ascii: "^"),
        repetition: UInt8 = UInt8(ascii: "~"),
        escape: UInt8 = UInt8(ascii: "\\"),
        subcomponent: UInt8 = UInt8(ascii: "&"),
        truncation: UInt8? = nil
    ) {
        self.field = field
        self.component = component
        self.repetition = repetition
        self.escape = escape
        self.subcomponent = subcomponent
        self.truncation = truncation
    }

    /// `|^~\&`, the delimiters almost every system uses.
    public static let standard = EncodingCharacters()

    /// The text of MSH-2: component, repetition, escape, subcomponent and, when present, truncation.
    public var msh2: [UInt8] {
        var bytes = [component, repetition, escape, subcomponent]
        if let truncation { bytes.append(truncation) }
        return bytes
    }

    public var description: String { String(decoding: [field] + msh2, as: UTF8.self) }

    /// The outcome of reading MSH-2: the delimiters and, for tolerated quirks, a warning.
    struct Reading {
        var characters: EncodingCharacters
        var warning: String?
    }

    /// Why MSH-2 could not be read.
    struct Rejection: Error {
        var reason: String
    }

    /// Reads delimiters from the field separator and the bytes of MSH-2.
    ///
    /// Rejects fewer than four or more than five characters, duplicates, digits, spaces, control
    /// characters and bytes outside ASCII; the field separator and the escape character must be
    /// punctuation. Two quirks are accepted with a warning: `^~\\&`, where a sender doubled the
    /// backslash (it is read as `^~\&`), and letters as component, repetition, subcomponent or
    /// truncation characters (hl7apy writes `MSH!$r?@!…`; every such letter in a value is then a
    /// delimiter), except the letters escape sequences are written with (A-F, P, R, S, T, X).
    static func read(field: UInt8, msh2: some Collection<UInt8>) -> Result<Reading, Rejection> {
        let bytes = Array(msh2)
        guard isUsableDelimiter(field), !isLetter(field) else {
            return .failure(Rejection(reason: "the field separator (MSH-1) must be a punctuation character"))
        }
        if bytes == Array(#"^~\\&"#.utf8), !bytes.contains(field) {
            return .success(Reading(characters: EncodingCharacters(field: field), warning: "MSH-2 has a doubled escape character; read as ^~\\&"))
        }
        guard bytes.count >= 4 else {
            return .failure(Rejection(reason: "MSH-2 must have 4 encoding characters (5 with the truncation character), found \(bytes.count)"))
        }
        guard bytes.count <= 5 else {
            return .failure(Rejection(reason: "MSH-2 must have at most 5 encoding characters, found \(bytes.count)"))
        }
        for byte in bytes where !isUsableDelimiter(byte) {
            return .failure(Rejection(reason: "MSH-2 may hold only punctuation characters"))
        }
        guard !isLetter(bytes[2]) else {
            // Escape sequences are letters between two escape characters (\F\, \X0D\, \.br\).
            return .failure(Rejection(reason: "the escape character (MSH-2, third character) must be a punctuation character"))
        }
        guard !bytes.contains(where: { Self.escapeLetters.contains($0) }) else {
            // A value written with such a delimiter would be split inside its escape sequences.
            return .failure(Rejection(reason: "MSH-2 may not use a letter that escape sequences are written with (A-F, P, R, S, T, X)"))
        }
        let all = [field] + bytes
        guard Set(all).count == all.count else {
            return .failure(Rejection(reason: "the field separator and the encoding characters must all differ"))
        }
        let characters = EncodingCharacters(
            field: field,
            component: bytes[0],
            repetition: bytes[1],
            escape: bytes[2],
            subcomponent: bytes[3],
            truncation: bytes.count == 5 ? bytes[4] : nil
        )
        let warning = bytes.contains(where: isLetter) ? "MSH-2 uses a letter as a delimiter" : nil
        return .success(Reading(characters: characters, warning: warning))
    }

    /// Printable ASCII other than digits and space.
    private static func isUsableDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): false
        case 0x21...0x7E: true
        default: false
        }
    }

    /// The letters ``EscapeSequence/escape(_:encoding:characterSet:)`` writes: `\F\ \S\ \T\
    /// \R\ \E\ \P\ \Xhh\` with upper-case hexadecimal digits.
    private static let escapeLetters = Set("ABCDEFPRSTX".utf8)

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    }
}
