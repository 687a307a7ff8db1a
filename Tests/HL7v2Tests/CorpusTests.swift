import Foundation
import Testing
@testable import HL7v2

/// Every well-formed HL7 v2 sample of the shared corpus (`../shared/corpus/hl7v2`, described in
/// its SOURCES.md) parses with no error-severity issue, encodes back byte for byte, and yields
/// the message type, event, version and control ID that an independent reading of its MSH lines
/// gives (``RawER7``: the test splits the bytes itself, never asking the parser).
@Suite("Corpus") struct CorpusTests {
    /// The folders that hold HL7 v2 samples, and the extensions of the samples in them.
    static let folders = [
        "hl7v2/python-hl7", "hl7v2/hl7apy", "hl7v2/linuxforhealth-hl7v2-fhir-converter",
        "hl7v2/hapi-hl7v2/parser", "hl7v2/hapi-hl7v2/util", "hl7v2/hapi-hl7v2/docs-examples",
        "hl7v2/hapi-hl7v2/escape-roundtrip", "hl7v2/microsoft-fhir-converter/input",
        "hl7v2/microsoft-fhir-converter/timezone", "hl7v2/microsoft-fhir-converter/fhir-to-hl7v2/expected",
    ]
    static let extensions: Set<String> = ["hl7", "txt", "hl7v2"]

    /// Samples that are not well-formed HL7 v2 on purpose (SOURCES.md), tested in
    /// MalformedInputTests and EscapeTests instead.
    static let notWellFormed: Set<String> = [
        "hl7v2/python-hl7/sample_bad_batch.hl7",  // segment before the header
        "hl7v2/python-hl7/sample_bad_batch1.hl7",  // two BHS
        "hl7v2/python-hl7/sample_bad_file.hl7",  // segment before the header
        "hl7v2/python-hl7/sample_bad_file1.hl7",  // two BHS
        "hl7v2/python-hl7/sample_bad_file2.hl7",  // two FHS
        "hl7v2/python-hl7/sample_bad_file3.hl7",  // segment before the header
        "hl7v2/hapi-hl7v2/util/messages.txt",  // comment lines between messages
        "hl7v2/hapi-hl7v2/parser/uuencoded.txt",  // a uuencoded payload, not a message
        "hl7v2/hapi-hl7v2/parser/uuencoded_escaped.txt",  // the same payload, HL7-escaped
    ]

    static let wellFormed: [String] = folders.flatMap { Corpus.files(in: $0, extensions: extensions) }
        .filter { !notWellFormed.contains($0) && !$0.contains("LICENSE") }

    @Test func theCorpusIsThereAndFullyListed() throws {
        // 99 Microsoft inputs + the timezone input + the reverse-direction expected output, 9 hapi,
        // 7 hl7apy, 4 LinuxForHealth, 16 python-hl7 (the malformed ones are left out).
        #expect(Self.wellFormed.count == 99 + 1 + 1 + 9 + 7 + 4 + 16, "\(Self.wellFormed.count) well-formed samples")
        // No HL7 v2 sample outside the listed folders escapes the test.
        let root = Corpus.root.appendingPathComponent("hl7v2")
        let all = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }
            .filter { Self.extensions.contains(($0 as NSString).pathExtension) && !$0.contains("LICENSE") }
            .map { "hl7v2/\($0)" }
        #expect(Set(all) == Set(Self.wellFormed).union(Self.notWellFormed))
    }

    @Test(arguments: wellFormed)
    func wellFormedSampleParsesAndRoundTrips(_ path: String) throws {
        let bytes = try Corpus.bytes(path)
        let interchange = Interchange(parsing: bytes)
        #expect(interchange.errors.isEmpty, "\(interchange.errors)")
        let messages = interchange.messages
        try #require(!messages.isEmpty)
        for message in messages {
            let errors = message.issues.filter { $0.severity == .error }
            #expect(errors.isEmpty, "\(errors)")
        }

        // The file uses one terminator throughout, so encoding with it is a fair comparison.
        let terminators = RawER7.terminators(in: bytes)
        #expect(terminators.count <= 1, "mixed terminators \(terminators)")
        let terminator = terminators.first ?? .cr
        for message in messages where message.segmentCount > 1 {
            #expect(message.segmentTerminator == terminator)
        }
        #expect(RawER7.encode(interchange, terminator: terminator) == RawER7.expectedEncoding(of: bytes, terminator: terminator))

        // Header facts against an independent split of every MSH line.
        let headers = RawER7.lines(of: bytes).filter { $0.bytes.starts(with: Array("MSH".utf8)) }
        #expect(messages.count == headers.count, "\(messages.count) messages for \(headers.count) MSH lines")
        for (message, line) in zip(messages, headers) {
            let msh = RawER7.headerFields(line.bytes)
            #expect(message.inputOffset == line.offset)
            #expect(message.encodingCharacters.field == line.bytes[line.bytes.startIndex + 3])
            #expect(Array(message.encodingCharacters.msh2) == Array(msh.field(2).utf8) || msh.field(2) == #"^~\\&"#)
            #expect(message.messageType == msh.component(9, 1))
            #expect(message.triggerEvent == msh.component(9, 2))
            #expect(message.structureID == msh.component(9, 3))
            #expect(message.controlID == msh.nonEmpty(10))
            #expect(message.version == msh.component(12, 1))
        }

        // A file of one message also parses with Message(_:), to the same bytes.
        if messages.count == 1, interchange.batches.allSatisfy({ $0.header == nil && $0.trailer == nil }),
            interchange.fileHeader == nil, interchange.fileTrailer == nil
        {
            let message = try Message(bytes)
            #expect(message.encoded(terminator: terminator) == messages[0].encoded(terminator: terminator))
        }
    }

    @Test func hapiConcatenatedFileHasThirteenMessages() throws {
        let interchange = Interchange(parsing: try Corpus.bytes("hl7v2/hapi-hl7v2/parser/example_oml_o21.hl7"))
        #expect(interchange.errors.isEmpty)
        #expect(interchange.batches.count == 1)
        #expect(interchange.batches[0].header == nil && interchange.batches[0].trailer == nil)
        #expect(interchange.messages.count == 13)
        #expect(interchange.messages.first?.controlID == "msgOP123")
        // The one non-ASCII name in the file is UTF-8 and survives.
        #expect(interchange.messages.contains { $0.er7().contains("SEBASTIÁN") })
    }

    @Test func olisSampleReadsItsCharacterSetAndZSegment() throws {
        let message = try Message(try Corpus.bytes("hl7v2/hapi-hl7v2/parser/cv.04_001_chem.hl7"))
        #expect(message.characterSet == .latin1)
        #expect(message.segmentTerminator == .lf)
        #expect(message["ZNT-1.2"] == "2.16.840.1.113883.3.59.1:4006")
        #expect(message["MSH-9"] == "ERP^Z99^ERP_R09")
        #expect(message["PID-3.9.2"] == "ONTARIO")
    }

    // MARK: Text and character sets

    static let vietnamese = """
        MSH|^~\\&|HIS|BV BACH MAI|LIS|KHOA XET NGHIEM|20260102083000||ADT^A01^ADT_A01|VN-0001|P|2.5|||AL|NE|VNM|UNICODE UTF-8\r\
        PID|1||079203001234^^^BYT^NI||Nguyễn^Thị Minh Khai^^^^^L~Đặng^Văn Ứng||19800101|F|||123 Trần Hưng Đạo^^Hà Nội^^100000^VNM\r\
        NTE|1||Bệnh nhân sốt cao \\T\\ đau đầu\\.br\\Chẩn đoán: sốt xuất huyết\r
        """

    @Test func vietnameseTextSurvives() throws {
        let message = try Message(Self.vietnamese)
        #expect(message.issues.isEmpty)
        #expect(message.characterSet == .utf8)
        #expect(message["PID-5.1"] == "Nguyễn")
        #expect(message["PID-5.2"] == "Thị Minh Khai")
        #expect(message["PID-5(2).1"] == "Đặng")
        #expect(message["PID-5(2).2"] == "Văn Ứng")
        #expect(message["PID-11.1"] == "123 Trần Hưng Đạo")
        #expect(message["PID-11.3"] == "Hà Nội")
        #expect(message["NTE-3"] == "Bệnh nhân sốt cao & đau đầu\nChẩn đoán: sốt xuất huyết")
        #expect(message.element(at: "NTE-3")?.text(options: .keepingFormatting) == "Bệnh nhân sốt cao & đau đầu\\.br\\Chẩn đoán: sốt xuất huyết")
        #expect(message.er7() == Self.vietnamese)
        #expect(message.encoded() == Array(Self.vietnamese.utf8))
        #expect(message.json().contains("\"Nguyễn\""))
        // Written back with escape(), the value is the same bytes as in the input.
        let escaped = EscapeSequence.escape("Bệnh nhân sốt cao & đau đầu", encoding: .standard)
        #expect(String(decoding: escaped, as: UTF8.self) == "Bệnh nhân sốt cao \\T\\ đau đầu")
    }

    @Test func latin1MessageDecodesLatin1Bytes() throws {
        // "Jörg" and "François" in ISO 8859-1 bytes, one byte per letter.
        var input = Array("MSH|^~\\&|A|B|C|D|20260101||ADT^A08|L1|P|2.5|||||DEU|8859/1\rPID|1||42||".utf8)
        input += [0x4A, 0xF6, 0x72, 0x67] + Array("^".utf8) + [0x46, 0x72, 0x61, 0x6E, 0xE7, 0x6F, 0x69, 0x73]
        input += Array("\r".utf8)
        let message = try Message(input)
        #expect(message.characterSet == .latin1)
        #expect(message.issues.isEmpty)
        #expect(message["PID-5.1"] == "Jörg")
        #expect(message["PID-5.2"] == "François")
        #expect(message.encoded() == input)  // bytes are kept, not transcoded
        #expect(message.json().contains("\"Jörg\""))
        // A hex escape in a Latin-1 message is a Latin-1 byte.
        let hex = try Message("MSH|^~\\&|A|B|C|D|20260101||ADT^A08|L2|P|2.5|||||DEU|8859/1\rPID|1||42||J\\XF6\\rg\r")
        #expect(hex["PID-5"] == "Jörg")
    }

    @Test func latin9AndOtherNamesOfTheSupportedSets() throws {
        var input = Array("MSH|^~\\&|A|B|C|D|20260101||ADT^A08|L9|P|2.5|||||FRA|8859/15\rNTE|1||".utf8)
        input += [0x31, 0x30, 0x20, 0xA4, 0x20, 0xBD, 0x75, 0x76, 0x72, 0x65]  // "10 € œuvre"
        let message = try Message(input)
        #expect(message.characterSet == .latin9)
        #expect(message["NTE-3"] == "10 € œuvre")
        for (name, expected) in [("ISO IR100", HL7v2.CharacterSet.latin1), ("ASCII", .ascii), ("UNICODE UTF-8", .utf8), ("", .utf8), ("UNICODE UTF-8~8859/1", .utf8)] {
            let named = try Message("MSH|^~\\&|A|B|C|D|20260101||ADT^A08|N|P|2.5|||||FRA|\(name)\r")
            #expect(named.characterSet == expected, "MSH-18 \(name)")
        }
    }

    @Test(arguments: ["UNICODE UTF-16", "ISO IR87", "8859/2", "BIG-5", "GB 18030-2000", "KLINGON"])
    func unknownCharacterSetIsReportedAtMSH18(_ name: String) throws {
        let text = "MSH|^~\\&|A|B|C|D|20260101||ADT^A08|U1|P|2.5|||||VNM|\(name)\rPID|1||42\r"
        let offset = try #require(RawER7.offset(ofField: 18, inHeader: Array(text.utf8)))
        let error = try #require(#expect(throws: ParseError.self) { try Message(text) })
        #expect(error.code == .unsupportedCharacterSet)
        #expect(error.location.segment == "MSH" && error.location.field == 18 && error.location.path == "MSH-18")
        #expect(error.location.byteOffset == offset)
        #expect(!error.description.contains(name))  // no message text in descriptions
        // In an interchange the message is dropped with a located error and the next one is read.
        let interchange = Interchange(parsing: Array((text + "MSH|^~\\&|A|B|C|D|20260101||ADT^A08|U2|P|2.5\r").utf8))
        #expect(interchange.messages.map(\.controlID) == ["U2"])
        #expect(interchange.errors.map(\.code) == [.unsupportedCharacterSet])
        #expect(interchange.errors.first?.location.line == 1)
        #expect(interchange.errors.first?.location.byteOffset == offset)
    }

    @Test func invalidUTF8IsReportedWithItsLocation() throws {
        let head = Array("MSH|^~\\&|A|B|C|D|20260101||ADT^A08|X1|P|2.5\rPID|1||42||Nguy".utf8)
        let input = head + [0xE1, 0xBB, 0x85] + Array("n^".utf8) + [0xFF, 0xFE] + Array("\rPV1|1|I\r".utf8)
        let message = try Message(input)
        let invalid = message.issues.filter { $0.code == .invalidText }
        #expect(invalid.count == 1)
        let issue = try #require(invalid.first)
        #expect(issue.severity == .error)
        #expect(message.isMalformed)
        #expect(issue.location.segment == "PID")
        #expect(issue.location.segmentIndex == 2)
        #expect(issue.location.field == 5)
        #expect(issue.location.byteOffset == head.count + 5)  // the 0xFF, after the valid "ễn^"
        #expect(issue.location.path == "PID-5")
        // The rest of the message still reads, the bad bytes as U+FFFD.
        #expect(message["PID-5.1"] == "Nguyễn")
        #expect(message["PID-5.2"] == "\u{FFFD}\u{FFFD}")
        #expect(message["PV1-2"] == "I")
        #expect(message.encoded() == input)
    }

    @Test func invalidUTF8InsideALocalEscapeIsReportedToo() throws {
        // `\Z…\` may hold any text; the scan skips over it, and must still see the bad byte.
        let head = Array("MSH|^~\\&|A|B|C|D|20260101||ADT^A08|X3|P|2.5\rNTE|1||\\Z".utf8)
        let message = try Message(head + [0xFF] + Array("\\\r".utf8))
        let issue = try #require(message.issues.first { $0.code == .invalidText })
        #expect(issue.location.path == "NTE-3")
        #expect(issue.location.byteOffset == head.count)
    }

    @Test func bytesOutsideASCIIInAnASCIIMessageAreInvalidText() throws {
        let head = Array("MSH|^~\\&|A|B|C|D|20260101||ADT^A08|X2|P|2.5|||||USA|ASCII\rPID|1||42||Ren".utf8)
        let message = try Message(head + [0xC3, 0xA9] + Array("\r".utf8))
        let issue = try #require(message.issues.first { $0.code == .invalidText })
        #expect(issue.location.path == "PID-5")
        #expect(issue.location.byteOffset == head.count)
    }
}

/// An independent reading of ER7 bytes for cross-checks: lines split on CR, LF or CRLF, header
/// fields split on the byte after `MSH`. It shares no code with the parser.
enum RawER7 {
    struct Line {
        /// Offset of the line's first byte in the input.
        var offset: Int
        var bytes: ArraySlice<UInt8>
    }

    /// The non-empty lines of an input, after a UTF-8 byte order mark.
    static func lines(of input: [UInt8]) -> [Line] {
        var result: [Line] = []
        var start = input.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var i = start
        while i <= input.count {
            if i == input.count || input[i] == 0x0D || input[i] == 0x0A {
                if i > start { result.append(Line(offset: start, bytes: input[start..<i])) }
                start = i + 1
            }
            i += 1
        }
        return result
    }

    /// The kinds of line ending an input uses.
    static func terminators(in input: [UInt8]) -> Set<SegmentTerminator> {
        var result: Set<SegmentTerminator> = []
        var i = 0
        while i < input.count {
            if input[i] == 0x0D {
                if i + 1 < input.count, input[i + 1] == 0x0A {
                    result.insert(.crlf)
                    i += 1
                } else {
                    result.insert(.cr)
                }
            } else if input[i] == 0x0A {
                result.insert(.lf)
            }
            i += 1
        }
        return result
    }

    /// What a parsed sample must encode to. Normalised, and only this:
    /// - a leading UTF-8 byte order mark is dropped: it marks the file's encoding and belongs to
    ///   no segment (27 Microsoft inputs have one);
    /// - blank lines are dropped: they separate messages (hapi example_oml_o21.hl7 has 26,
    ///   Microsoft BAR-P01-02 and BAR-P12-02 a trailing one) and are not segments;
    /// - every segment ends with the terminator: most files end without one after the last
    ///   segment, while `encoded(terminator:)` terminates every segment.
    /// The terminator itself is not normalised: callers pass the one the file uses throughout.
    static func expectedEncoding(of input: [UInt8], terminator: SegmentTerminator) -> [UInt8] {
        lines(of: input).flatMap { Array($0.bytes) + terminator.bytes }
    }

    /// An interchange encoded back in input order: FHS, each batch (BHS, messages, BTS), FTS.
    static func encode(_ interchange: Interchange, terminator: SegmentTerminator) -> [UInt8] {
        var output: [UInt8] = []
        if let header = interchange.fileHeader { output += header.message.encoded(terminator: terminator) }
        for batch in interchange.batches {
            if let header = batch.header { output += header.message.encoded(terminator: terminator) }
            for message in batch.messages { output += message.encoded(terminator: terminator) }
            if let trailer = batch.trailer { output += trailer.message.encoded(terminator: terminator) }
        }
        if let trailer = interchange.fileTrailer { output += trailer.message.encoded(terminator: terminator) }
        return output
    }

    /// The fields of a header line split on its own field separator: `field(n)` is MSH-n.
    struct HeaderFields {
        var fields: [String]
        var component: Character

        func field(_ n: Int) -> String { n - 1 < fields.count ? fields[n - 1] : "" }

        func nonEmpty(_ n: Int) -> String? {
            let value = field(n)
            return value.isEmpty ? nil : value
        }

        func component(_ n: Int, _ c: Int) -> String? {
            let parts = field(n).split(separator: component, omittingEmptySubsequences: false)
            guard c - 1 < parts.count, !parts[c - 1].isEmpty else { return nil }
            return String(parts[c - 1])
        }
    }

    static func headerFields(_ line: ArraySlice<UInt8>) -> HeaderFields {
        let separator = line[line.startIndex + 3]
        // "MSH", MSH-2, MSH-3, …: with the separator itself as MSH-1, fields[n - 1] is MSH-n.
        let parts = line.split(separator: separator, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let fields = [String(UnicodeScalar(separator))] + parts.dropFirst()
        return HeaderFields(fields: fields, component: fields.count > 1 ? fields[1].first ?? "^" : "^")
    }

    /// The offset of MSH-`n` (n ≥ 2) in an input that starts with MSH.
    static func offset(ofField n: Int, inHeader input: [UInt8]) -> Int? {
        let separator = input[3]
        var seen = 1
        for (i, byte) in input.enumerated() where i >= 3 {
            if byte == 0x0D || byte == 0x0A { return nil }
            if byte == separator {
                seen += 1
                if seen == n { return i + 1 }
            }
        }
        return nil
    }

    /// The 1-based line of a byte offset: lines end at CR, LF or CRLF.
    static func line(ofByte offset: Int, in input: [UInt8]) -> Int {
        var line = 1
        var i = 0
        while i < offset {
            if input[i] == 0x0D || (input[i] == 0x0A && (i == 0 || input[i - 1] != 0x0D)) { line += 1 }
            i += 1
        }
        return line
    }
}
