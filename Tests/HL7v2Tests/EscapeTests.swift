import Foundation
import Testing
@testable import HL7v2

/// Escape sequences against the vectors of python-hl7, Microsoft FHIR-Converter and HAPI.
@Suite("Escape") struct EscapeTests {
    static func unescape(_ text: String, _ encoding: EncodingCharacters = .standard, _ characterSet: HL7v2.CharacterSet = .utf8, options: EscapeSequence.Options = .default) -> String {
        Array(text.utf8).withUnsafeBufferPointer { EscapeSequence.unescape($0, encoding: encoding, characterSet: characterSet, options: options) }
    }

    static func escape(_ text: String, _ encoding: EncodingCharacters = .standard, _ characterSet: HL7v2.CharacterSet = .utf8) -> String {
        String(decoding: EscapeSequence.escape(text, encoding: encoding, characterSet: characterSet), as: UTF8.self)
    }

    // MARK: python-hl7 escape_vectors.json

    struct Vector: Sendable, CustomTestStringConvertible {
        var op: String
        var input: String
        var expected: String
        var hasExtraMap: Bool
        var line: Int
        var testDescription: String { "\(op) \(input.debugDescription) (test_parse.py:\(line))" }
    }

    static let pythonVectors: [Vector] = {
        guard let data = try? Data(contentsOf: Corpus.root.appendingPathComponent("hl7v2/python-hl7/escape_vectors.json")),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let vectors = object["vectors"] as? [[String: Any]]
        else { return [] }
        return vectors.map {
            Vector(op: $0["op"] as? String ?? "", input: $0["input"] as? String ?? "", expected: $0["expected"] as? String ?? "",
                hasExtraMap: !($0["extra_map"] is NSNull), line: $0["line"] as? Int ?? 0)
        }
    }()

    @Test func pythonVectorsAreThere() {
        #expect(Self.pythonVectors.count == 17)
    }

    /// Where we differ from python-hl7, on purpose:
    /// - `\H\text\N\` → python-hl7 renders highlighting as `_text_` (or with its `extra_map`);
    ///   the standard leaves rendering to the display. By default we drop `\H\` and `\N\`
    ///   (`text`); with `.keepingFormatting` we keep them as written.
    /// - escaping `áéíóú`: python-hl7 writes `\Xe1\…` (Latin-1 code points). In a UTF-8 message
    ///   we keep the characters as they are; in an ASCII message we write their UTF-8 bytes in
    ///   hex (`\XC3A1\…`). Both read back as `áéíóú`, and so does python-hl7's form: in an ASCII or
    ///   UTF-8 message, hex bytes that are not valid UTF-8 are read as Latin-1.
    @Test(arguments: pythonVectors)
    func pythonVector(_ vector: Vector) {
        switch (vector.op, vector.input) {
        case ("unescape", #"\H\text\N\"#):
            #expect(vector.expected == (vector.hasExtraMap ? "*text*" : "_text_"))
            #expect(Self.unescape(vector.input) == "text")
            #expect(Self.unescape(vector.input, options: .keepingFormatting) == vector.input)
        case ("unescape", _):
            #expect(Self.unescape(vector.input) == vector.expected)
            #expect(Self.unescape(vector.input, .standard, .ascii) == vector.expected)
        case ("escape", _) where vector.input.unicodeScalars.allSatisfy(\.isASCII):
            #expect(Self.escape(vector.input) == vector.expected)
        case ("escape", _):
            // python-hl7's Latin-1 hex form reads back to the input in an ASCII or UTF-8 message.
            #expect(Self.unescape(vector.expected) == vector.input)
            #expect(Self.unescape(vector.expected, .standard, .ascii) == vector.input)
            // Ours: raw in UTF-8, UTF-8 hex in ASCII, raw bytes in Latin-1.
            #expect(Self.escape(vector.input) == vector.input)
            let hex = vector.input.unicodeScalars.map { scalar in
                scalar.isASCII ? String(scalar) : "\\X" + String(scalar).utf8.map { String(format: "%02X", $0) }.joined() + "\\"
            }.joined()
            #expect(Self.escape(vector.input, .standard, .ascii) == hex)
            #expect(Self.unescape(hex, .standard, .ascii) == vector.input)
            let latin1 = EscapeSequence.escape(vector.input, encoding: .standard, characterSet: .latin1)
            #expect(latin1 == vector.input.unicodeScalars.map { UInt8($0.value) })
        default:
            Testing.Issue.record("unknown op \(vector.op)")
        }
    }

    // MARK: Microsoft FHIR-Converter escape vectors

    /// The converter's test uses the delimiters A (field), B (component), C (subcomponent) and
    /// D (repetition) with `\` as escape character.
    static let microsoftEncoding = EncodingCharacters(
        field: UInt8(ascii: "A"), component: UInt8(ascii: "B"), repetition: UInt8(ascii: "D"),
        escape: UInt8(ascii: "\\"), subcomponent: UInt8(ascii: "C"))

    @Test func microsoftVectors() throws {
        let data = try Data(contentsOf: Corpus.root.appendingPathComponent("hl7v2/microsoft-fhir-converter/escape_and_datetime_vectors.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let vectors = try #require(object["vectors"] as? [[String: String]])
        #expect(vectors.count == 9)
        for vector in vectors {
            let input = try #require(vector["input"])
            switch input {
            case #"\.br\n"#:
                // The converter writes a JSON newline escape (backslash, n); we give the line break
                // itself, which the JSON view then writes as \n.
                #expect(vector["expected"] == #"\nn"#)
                #expect(Self.unescape(input, Self.microsoftEncoding) == "\nn")
            case #"\X656\n"#:
                // The converter throws; we keep the odd-length hex escape literally (and the
                // parser reports it, see oddHexEscapeIsAWarningInTheMessage).
                #expect(vector["expected_error"]?.hasPrefix("InvalidHexadecimalNumber") == true)
                #expect(Self.unescape(input, Self.microsoftEncoding) == input)
            default:
                #expect(Self.unescape(input, Self.microsoftEncoding) == vector["expected"], "\(input)")
            }
        }
        // `\X\`: an empty hex escape is kept as written.
        #expect(Self.unescape(#"\X\n"#, Self.microsoftEncoding) == #"\X\n"#)
    }

    @Test func oddHexEscapeIsAWarningInTheMessage() throws {
        let text = "MSH|^~\\&|A|B|C|D|1||ORU^R01|E1|P|2.5\rOBX|1|ST|||\\X656\\n|\rOBX|2|ST|||a\\.br\\b\r"
        let message = try Message(text)
        #expect(message["OBX-5"] == #"\X656\n"#)
        #expect(!message.isMalformed)
        let warnings = message.issues.filter { $0.code == .invalidEscape }
        #expect(!warnings.isEmpty && warnings.allSatisfy { $0.severity == .warning })
        #expect(warnings.first?.location.path == "OBX-5")
        #expect(warnings.first?.location.byteOffset == text.utf8.count - "\\X656\\n|\rOBX|2|ST|||a\\.br\\b\r".utf8.count)
        // A valid \.br\ in the same message is no issue; in the JSON view it is a newline escape.
        #expect(!message.issues.contains { $0.location.segmentIndex == 3 })
        #expect(message["OBX[2]-5"] == "a\nb")
        #expect(message.json().contains(#"["a\nb"]"#))
        #expect(message.json(options: .keepingFormatting).contains(#"["a\\.br\\b"]"#))
    }

    @Test func otherInvalidEscapesStayLiteralWithAWarning() throws {
        for (value, expected) in [(#"\Q\"#, #"\Q\"#), (#"\\"#, #"\\"#), (#"a\b"#, #"a\b"#), (#"\XZZ\"#, #"\XZZ\"#), (#"\.zz\"#, #"\.zz\"#), (#"\C12\"#, #"\C12\"#)] {
            let message = try Message("MSH|^~\\&|A|B|C|D|1||ORU^R01|E2|P|2.5\rNTE|1||\(value)\r")
            #expect(message["NTE-3"] == expected, "\(value)")
            #expect(message.issues.contains { $0.code == .invalidEscape && $0.location.path == "NTE-3" }, "\(value)")
            #expect(!message.isMalformed)
        }
    }

    // MARK: Standard sequences

    @Test func standardSequences() {
        #expect(Self.unescape(#"a\F\b\S\c\T\d\R\e\E\f"#) == "a|b^c&d~e\\f")
        #expect(Self.unescape(#"\P\"#, EncodingCharacters(truncation: UInt8(ascii: "#"))) == "#")
        #expect(Self.unescape(#"\P\"#) == #"\P\"#)  // no truncation character before v2.7
        #expect(Self.unescape(#"\X0D0A\\X41\"#) == "\r\nA")
        #expect(Self.unescape(#"x\.sp3\y"#) == "x\n\n\ny")
        #expect(Self.unescape(#"x\.sp\y"#) == "x\ny")
        #expect(Self.unescape(#"x\.in+4\\.ti-2\\.sk2\\.ce\\.fi\\.nf\y"#) == "xy")
        #expect(Self.unescape(#"x\.in+4\y"#, options: .keepingFormatting) == #"x\.in+4\y"#)
        #expect(Self.unescape(#"\Zlocal\"#) == #"\Zlocal\"#)
        #expect(Self.unescape(#"a\C2842\b\M2442\c"#) == "abc")  // charset switches carry no text
        #expect(Self.escape("a|b^c&d~e\\f\rg\nh") == #"a\F\b\S\c\T\d\R\e\E\f\X0D\g\X0A\h"#)
        #expect(Self.escape("a#b", EncodingCharacters(truncation: UInt8(ascii: "#"))) == #"a\P\b"#)
        // Custom delimiters: the message's own escape character writes and reads the sequences.
        let custom = EncodingCharacters(field: UInt8(ascii: "$"), component: UInt8(ascii: "%"), repetition: UInt8(ascii: "~"), escape: UInt8(ascii: "!"), subcomponent: UInt8(ascii: "&"))
        #expect(Self.escape("5$ 10% !", custom) == "5!F! 10!S! !E!")
        #expect(Self.unescape("5!F! 10!S! !E! \\", custom) == "5$ 10% ! \\")
    }

    @Test func characterSetsForHexEscapes() {
        // In Latin-1 or Latin-9, hex bytes are characters of that set …
        #expect(Self.unescape(#"\XE9\"#, .standard, .latin1) == "é")
        #expect(Self.unescape(#"\XA4\"#, .standard, .latin9) == "€")
        // … unless they form multi-byte UTF-8, which is how escape() writes what the set lacks.
        #expect(Self.escape("Đặng", .standard, .latin1) == #"\XC490\\XE1BAB7\ng"#)
        #expect(Self.unescape(#"\XC490\\XE1BAB7\ng"#, .standard, .latin1) == "Đặng")
        #expect(Self.unescape(#"\XC490E1BAB7\ng"#, .standard, .latin1) == "Đặng")
        #expect(Self.escape("€", .standard, .latin1) == #"\XE282AC\"#)
        #expect(EscapeSequence.escape("€", encoding: .standard, characterSet: .latin9) == [0xA4])
        // In UTF-8 or ASCII, invalid UTF-8 hex bytes are read as Latin-1.
        #expect(Self.unescape(#"\XFC\"#) == "ü")
        #expect(Self.unescape(#"\XC3BC\"#) == "ü")
    }

    // MARK: HAPI

    static let hapiRoundTrip = [
        "hl7v2/hapi-hl7v2/escape-roundtrip/EscapeTest-testFormattingCharacters-ORU_R01-v23.hl7",
        "hl7v2/hapi-hl7v2/escape-roundtrip/EscapeTest-testFormattingCharacters2-ORU_R01-v24.hl7",
    ]

    /// HAPI's testFormattingCharacters: `encode(parse(msg)) == msg`. The files end without a
    /// segment terminator (and the v2.4 one with a space, which is kept); encoding adds the CR.
    /// testFormattingCharacters2 also removes OBR-16 repetition 1 before comparing: that needs
    /// message editing, which is not part of this suite.
    @Test(arguments: hapiRoundTrip)
    func hapiFormattingRoundTrip(_ path: String) throws {
        let bytes = try Corpus.bytes(path)
        let message = try Message(bytes)
        #expect(message.issues.isEmpty)
        #expect(message.encoded() == bytes + [0x0D])
        #expect(message.er7().hasSuffix(path.contains("v24") ? "|||A|||F \r" : "|STP\r"))
    }

    @Test func hapiFormattedValuesKeepTheirEscapesOnRequest() throws {
        let v23 = try Message(try Corpus.bytes(Self.hapiRoundTrip[0]))
        let note = try #require(v23.element(at: "NTE-3"))
        let kept = note.text(options: .keepingFormatting)
        #expect(kept.hasPrefix(#"\.br\                  Lipid - Target Levels for Treatment \.br\\.br\"#))
        #expect(kept.contains(#"\.br\  |  Risk   |"#))  // \F\ is a delimiter escape, always resolved
        #expect(!kept.contains(#"\F\"#))
        let rendered = note.text()
        #expect(rendered.hasPrefix("\n                  Lipid - Target Levels for Treatment \n\n"))
        #expect(!rendered.contains("\\"))
        #expect(rendered.split(separator: "\n", omittingEmptySubsequences: false).count == note.bytes.occurrences(of: Array(#"\.br\"#.utf8)) + 1)

        let v24 = try Message(try Corpus.bytes(Self.hapiRoundTrip[1]))
        let result = try #require(v24.element(at: "OBX-5"))
        #expect(result.text(options: .keepingFormatting).contains(#"pH : \H\ 7.28\N\ (7.38-7.43) *\.br\"#))
        #expect(result.text().contains("pH :  7.28 (7.38-7.43) *\n"))
        #expect(result.text().contains("Calculated (37 ^o C) :"))
        #expect(v24.json().contains(#"pH :  7.28 (7.38-7.43) *\n"#))
    }

    /// uuencoded_escaped.txt is uuencoded.txt HL7-escaped as one value: its lines joined with
    /// `\X0D\\X0A\` (CRLF), where uuencoded.txt (as stored) ends its lines with LF only, and
    /// `\T\ \S\ \E\ \F\ \R\` for the delimiters. So unescaping it gives uuencoded.txt with every LF
    /// written as CRLF; escaping that gives the escaped file back, byte for byte.
    @Test func hapiUuencodedPayload() throws {
        let escaped = try Corpus.bytes("hl7v2/hapi-hl7v2/parser/uuencoded_escaped.txt")
        let raw = try Corpus.bytes("hl7v2/hapi-hl7v2/parser/uuencoded.txt")
        #expect(!raw.contains(0x0D) && !escaped.contains(0x0D) && !escaped.contains(0x0A))
        let payload = String(decoding: raw, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n")
        let unescaped = escaped.withUnsafeBufferPointer { EscapeSequence.unescape($0, encoding: .standard) }
        #expect(unescaped == payload)
        #expect(EscapeSequence.escape(payload, encoding: .standard) == escaped)
        // As a value in a message, read back through a path.
        let message = try Message(Array("MSH|^~\\&|A|B|C|D|1||ORU^R01|U1|P|2.5\rOBX|1|ED|||".utf8) + escaped + [0x0D])
        #expect(message.issues.isEmpty)
        #expect(message["OBX-5"] == payload)
    }
}

extension ArraySlice where Element == UInt8 {
    /// How many times `needle` occurs (non-overlapping).
    fileprivate func occurrences(of needle: [UInt8]) -> Int {
        var count = 0
        var i = startIndex
        while i + needle.count <= endIndex {
            if self[i..<(i + needle.count)].elementsEqual(needle) {
                count += 1
                i += needle.count
            } else {
                i += 1
            }
        }
        return count
    }
}
