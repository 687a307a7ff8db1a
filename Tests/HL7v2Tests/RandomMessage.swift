import Foundation
@testable import HL7v2

/// SplitMix64: a tiny seedable generator, so a failing property run reproduces from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The seed for property tests: `HL7_PROPERTY_SEED` (decimal or 0x-hex) or a fixed default.
    static func propertySeed(default fallback: UInt64) -> UInt64 {
        guard let text = environment("HL7_PROPERTY_SEED") else { return fallback }
        if text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) { return value }
        return UInt64(text) ?? fallback
    }

    private static func environment(_ name: String) -> String? {
        guard let pointer = getenv(name) else { return nil }
        return String(cString: pointer)
    }
}

/// A random, valid HL7 v2 message kept as a model (unescaped values in a tree) from which the
/// ER7 bytes are built independently of the parser; only `EscapeSequence.escape` is shared.
struct RandomMessage: CustomStringConvertible {
    /// A segment: its ID and its fields. For MSH the fields start at MSH-3.
    struct Segment {
        var id: String
        /// fields → repetitions → components → subcomponents (unescaped text).
        var fields: [[[[String]]]]
    }

    var encoding: EncodingCharacters
    var characterSet: HL7v2.CharacterSet
    /// The text of MSH-18 (empty for the default, UTF-8).
    var characterSetName: String
    var terminator: SegmentTerminator
    /// Whether the last segment is followed by the terminator.
    var terminatesLastSegment: Bool
    /// Whether the input starts with a UTF-8 byte order mark.
    var hasByteOrderMark: Bool
    var segments: [Segment]

    var messageType: String { segments[0].fields[6][0][0][0] }
    var triggerEvent: String { segments[0].fields[6][0][1][0] }
    var controlID: String { segments[0].fields[7][0][0][0] }
    var version: String { segments[0].fields[9][0][0][0] }
    /// Whether MSH-2 holds a letter (accepted with a warning).
    var usesLetterDelimiter: Bool { encoding.msh2.contains { isLetter($0) } }

    var description: String {
        "RandomMessage(\(encoding), \(characterSet), \(terminator), \(segments.count) segments)"
    }

    // MARK: Encoding the model

    /// The bytes of one field as ER7.
    func fieldBytes(_ field: [[[String]]]) -> [UInt8] {
        var out: [UInt8] = []
        for (r, repetition) in field.enumerated() {
            if r > 0 { out.append(encoding.repetition) }
            for (c, component) in repetition.enumerated() {
                if c > 0 { out.append(encoding.component) }
                for (s, subcomponent) in component.enumerated() {
                    if s > 0 { out.append(encoding.subcomponent) }
                    out += EscapeSequence.escape(subcomponent, encoding: encoding, characterSet: characterSet)
                }
            }
        }
        return out
    }

    /// The bytes of one segment, without its terminator.
    func segmentBytes(_ index: Int) -> [UInt8] {
        let segment = segments[index]
        var out = Array(segment.id.utf8)
        if index == 0 {
            out.append(encoding.field)
            out += encoding.msh2
        }
        for (number, field) in segment.fields.enumerated() {
            out.append(encoding.field)
            // MSH-18 names the character set and is read raw, so it is written raw.
            if index == 0 && number == 15 {
                out += Array(characterSetName.utf8)
            } else {
                out += fieldBytes(field)
            }
        }
        return out
    }

    /// Every segment's bytes, without terminators.
    var encodedSegments: [[UInt8]] { segments.indices.map(segmentBytes) }

    /// The input given to the parser.
    var bytes: [UInt8] { input(encodedSegments) }

    /// What `encoded(terminator:)` must give back: the input without its byte order mark and
    /// with every segment terminated.
    var canonicalBytes: [UInt8] { canonical(encodedSegments) }

    func input(_ encoded: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = hasByteOrderMark ? [0xEF, 0xBB, 0xBF] : []
        for (index, segment) in encoded.enumerated() {
            out += segment
            if index < encoded.count - 1 || terminatesLastSegment { out += terminator.bytes }
        }
        return out
    }

    func canonical(_ encoded: [[UInt8]]) -> [UInt8] {
        encoded.flatMap { $0 + terminator.bytes }
    }

    /// The terminator the parser reports: the one written, or CR when none was written.
    var expectedTerminator: SegmentTerminator {
        segments.count == 1 && !terminatesLastSegment ? .cr : terminator
    }

    // MARK: Generating

    static let vietnamese = ["Nguyễn", "Thị", "Minh Khai", "Đặng", "Trần Hưng Đạo", "bệnh viện", "sốt xuất huyết", "Hà Nội", "ươ", "Ứng"]
    static let latin = ["é", "ß", "Ñ", "ø", "Ä", "ÿ", "¤", "µ", "\u{A0}"]
    static let wide = ["€", "Œ", "Š", "漢字", "👩‍⚕️", "\u{FEFF}", "𝄞"]
    static let controls = ["\r", "\n", "\r\n", "\t", "\u{0}", "\u{7F}", "\u{1B}"]
    static let punctuation = Array("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~").map { UInt8(ascii: $0.unicodeScalars.first!) }
    /// Letters no escape sequence written by `EscapeSequence.escape` contains, so one may be a delimiter.
    static let safeLetters = Array("GIJKLOQUVWYgjkqwz").map { UInt8(ascii: $0.unicodeScalars.first!) }

    static func make(using rng: inout SeededGenerator) -> RandomMessage {
        // Delimiters: five (or six with the truncation character) distinct bytes.
        var pool = punctuation
        pool.shuffle(using: &rng)
        let useLetter = Int.random(in: 0..<10, using: &rng) == 0
        var picked = Array(pool.prefix(6))
        if useLetter {
            // Not the escape character: segment IDs are scanned for it.
            picked[[1, 2, 4].randomElement(using: &rng)!] = safeLetters.randomElement(using: &rng)!
        }
        let hasTruncation = Bool.random(using: &rng)
        let encoding = EncodingCharacters(
            field: picked[0], component: picked[1], repetition: picked[2], escape: picked[3],
            subcomponent: picked[4], truncation: hasTruncation ? picked[5] : nil)

        // Character set: MSH-18 is read raw, so only names without a delimiter in them qualify.
        let delimiters = Set([encoding.field] + encoding.msh2)
        let choices: [(HL7v2.CharacterSet, [String])] = [
            (.utf8, ["", "UNICODE UTF-8", "UTF-8"]),
            (.ascii, ["ASCII"]),
            (.latin1, ["8859/1", "ISO-8859-1", "ISO IR100"]),
            (.latin9, ["8859/15", "ISO-8859-15"]),
        ]
        let choice = choices.randomElement(using: &rng)!
        let names = choice.1.filter { !$0.utf8.contains(where: delimiters.contains) }
        let characterSet = names.isEmpty ? HL7v2.CharacterSet.utf8 : choice.0
        let characterSetName = names.randomElement(using: &rng) ?? ""

        var segments: [Segment] = []
        // MSH-3 … MSH-18 (MSH-9 type^event^structure, MSH-10 control ID, MSH-12 version), then some more.
        var header: [[[[String]]]] = (3...8).map { _ in randomField(using: &rng) }
        let type = ["ADT", "ORU", "OML", "SIU", "ZZZ", "QBP"].randomElement(using: &rng)!
        let event = ["A01", "R01", "O21", "S12", "Z99", ""].randomElement(using: &rng)!
        header.append([[[type], [event], ["\(type)_\(event)"]]])  // MSH-9
        header.append([[[randomControlID(using: &rng)]]])  // MSH-10
        header.append([[["P"], ["T"]]])  // MSH-11
        header.append([[[["2.3", "2.5.1", "2.7", "2.8.2"].randomElement(using: &rng)!]]])  // MSH-12
        header += (13...17).map { _ in randomField(using: &rng) }
        header.append([[[characterSetName]]])  // MSH-18 (written raw)
        header += (0..<Int.random(in: 0...3, using: &rng)).map { _ in randomField(using: &rng) }
        segments.append(Segment(id: "MSH", fields: header))

        for _ in 0..<Int.random(in: 0...8, using: &rng) {
            let id = randomSegmentID(using: &rng)
            let fields = (0..<Int.random(in: 0...12, using: &rng)).map { _ in randomField(using: &rng) }
            segments.append(Segment(id: id, fields: fields))
        }
        let terminator = [SegmentTerminator.cr, .lf, .crlf].randomElement(using: &rng)!
        return RandomMessage(
            encoding: encoding,
            characterSet: characterSet,
            characterSetName: characterSetName,
            terminator: terminator,
            terminatesLastSegment: Int.random(in: 0..<5, using: &rng) != 0,
            hasByteOrderMark: characterSet == .utf8 && Int.random(in: 0..<10, using: &rng) == 0,
            segments: segments)
    }

    static func randomSegmentID(using rng: inout SeededGenerator) -> String {
        let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let alphanumeric = upper + Array("0123456789")
        while true {
            let first = Bool.random(using: &rng) ? "Z" : upper.randomElement(using: &rng)!
            let id = String([first, alphanumeric.randomElement(using: &rng)!, alphanumeric.randomElement(using: &rng)!])
            if !["MSH", "FHS", "BHS", "BTS", "FTS"].contains(id) { return id }
        }
    }

    static func randomControlID(using rng: inout SeededGenerator) -> String {
        let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<Int.random(in: 1...20, using: &rng)).map { _ in characters.randomElement(using: &rng)! })
    }

    static func randomField(using rng: inout SeededGenerator) -> [[[String]]] {
        func count(_ weights: [Int]) -> Int {
            var roll = Int.random(in: 0..<weights.reduce(0, +), using: &rng)
            for (index, weight) in weights.enumerated() {
                if roll < weight { return index + 1 }
                roll -= weight
            }
            return 1
        }
        return (0..<count([6, 2, 1])).map { _ in
            (0..<count([4, 2, 2, 1, 1])).map { _ in
                (0..<count([8, 2, 1])).map { _ in randomText(using: &rng) }
            }
        }
    }

    static func randomText(using rng: inout SeededGenerator) -> String {
        if Int.random(in: 0..<3, using: &rng) == 0 { return "" }
        var text = ""
        for _ in 0..<Int.random(in: 1...5, using: &rng) {
            switch Int.random(in: 0..<12, using: &rng) {
            case 0...3:
                let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ")
                text += String((0..<Int.random(in: 1...8, using: &rng)).map { _ in characters.randomElement(using: &rng)! })
            case 4, 5: text += String(UnicodeScalar(punctuation.randomElement(using: &rng)!))
            case 6: text += vietnamese.randomElement(using: &rng)!
            case 7: text += latin.randomElement(using: &rng)!
            case 8: text += wide.randomElement(using: &rng)!
            case 9: text += controls.randomElement(using: &rng)!
            case 10: text += "\"\""
            default: text += ["\\F\\", "\\.br\\", "\\X41\\", "#"].randomElement(using: &rng)!
            }
        }
        return text
    }
}

private func isLetter(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
}
