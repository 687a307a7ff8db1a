import Foundation
import Testing
@testable import HL7v2

/// Deliberately malformed samples and quirky delimiters: every error is located (line and byte
/// offset for the interchange, path for the message), and what can still be read is read.
@Suite("MalformedInput") struct MalformedInputTests {
    // MARK: python-hl7 sample_bad_*

    /// python-hl7's error texts (expectations.json) and the codes they correspond to.
    static let pythonErrors: [String: ErrorCode] = [
        "Segment received before message header": .missingHeader,
        "Batch cannot have more than one BHS segment": .batchStructure,
        "File cannot have more than one FHS segment": .batchStructure,
    ]

    static let badSamples = [
        "sample_bad_batch.hl7", "sample_bad_batch1.hl7", "sample_bad_file.hl7",
        "sample_bad_file1.hl7", "sample_bad_file2.hl7", "sample_bad_file3.hl7",
    ]

    @Test(arguments: badSamples)
    func pythonBadSampleGivesTheExpectedLocatedError(_ name: String) throws {
        let expectations = try Expectations.python()
        let text = try #require(expectations[name]?["error"] as? String)
        let code = try #require(Self.pythonErrors[text], "unknown python-hl7 error \(text)")
        let bytes = try Corpus.bytes("hl7v2/python-hl7/\(name)")
        let interchange = Interchange(parsing: bytes)
        let error = try #require(interchange.errors.first { $0.code == code }, "\(interchange.errors)")
        let offset = try #require(error.location.byteOffset)
        #expect(error.location.line == RawER7.line(ofByte: offset, in: bytes))
        // The error points at the start of the offending segment, read independently.
        let line = try #require(RawER7.lines(of: bytes).first { $0.offset == offset })
        let id = String(decoding: line.bytes.prefix(3), as: UTF8.self)
        switch text {
        case "Segment received before message header": #expect(!["MSH", "BHS", "FHS", "BTS", "FTS"].contains(id), "\(id)")
        case "Batch cannot have more than one BHS segment": #expect(id == "BHS" && error.location.segment == "BHS")
        default: #expect(id == "FHS" && error.location.segment == "FHS")
        }
        // Every error of the sample is located.
        for error in interchange.errors {
            #expect(error.location.line != nil && error.location.byteOffset != nil, "\(error)")
        }
    }

    @Test func badSamplesStillYieldTheirGoodParts() throws {
        // Two BHS: the first batch keeps its message; the second BHS is reported and starts the next batch.
        let batch = Interchange(parsing: try Corpus.bytes("hl7v2/python-hl7/sample_bad_batch1.hl7"))
        #expect(batch.messages.map(\.controlID) == ["12334456778890"])
        #expect(batch.errors.map(\.code) == [.batchStructure, .missingHeader])
        // Two FHS: the file header is the first one; the message before the second is kept.
        let file = Interchange(parsing: try Corpus.bytes("hl7v2/python-hl7/sample_bad_file2.hl7"))
        #expect(file.fileHeader?.field(10)?.value == "abchs20070101123401.hl7")
        #expect(file.messages.count == 1)
        #expect(file.fileTrailer != nil)
    }

    // MARK: hl7apy msh_edge_cases.json

    struct EdgeCase: Sendable, CustomTestStringConvertible {
        var test: String
        var message: String
        var validation: String
        var expected: String
        var testDescription: String { "\(test) [\(validation)]" }
    }

    static let edgeCases: [EdgeCase] = {
        guard let data = try? Data(contentsOf: Corpus.root.appendingPathComponent("hl7v2/hl7apy/msh_edge_cases.json")),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = object["cases"] as? [[String: Any]]
        else { return [] }
        return cases.map {
            EdgeCase(test: $0["test"] as? String ?? "", message: $0["message"] as? String ?? "",
                validation: $0["validation"] as? String ?? "", expected: $0["expected"] as? String ?? "")
        }
    }()

    @Test func allHl7apyEdgeCasesAreThere() {
        #expect(Self.edgeCases.count == 21)
    }

    /// hl7apy's outcomes mapped to ours:
    /// - `InvalidEncodingChars` → `.invalidEncodingCharacters` located at MSH-2 (byte 4);
    /// - `ParserError` (the first segment is PID) → `.missingHeader` at byte 0;
    /// - `ValidationError` and `OperationNotAllowed` come from hl7apy's structure validation
    ///   (an unknown structure in STRICT mode, a missing MSH-9): the parser does not validate
    ///   structure, so these messages must parse, and only that is checked here;
    /// - `parses` → parses with no error-severity issue.
    @Test(arguments: edgeCases)
    func hl7apyEdgeCase(_ edge: EdgeCase) throws {
        switch edge.expected {
        case "error:InvalidEncodingChars":
            let error = try #require(#expect(throws: ParseError.self) { try Message(edge.message) })
            #expect(error.code == .invalidEncodingCharacters)
            #expect(error.location.path == "MSH-2")
            #expect(error.location.byteOffset == 4)
            let interchange = Interchange(parsing: Array(edge.message.utf8))
            #expect(interchange.messages.isEmpty)
            #expect(interchange.errors.map(\.code) == [.invalidEncodingCharacters])
            #expect(interchange.errors.first?.location.line == 1)
        case "error:ParserError":
            let error = try #require(#expect(throws: ParseError.self) { try Message(edge.message) })
            #expect(error.code == .missingHeader)
            #expect(error.location.byteOffset == 0)
            let interchange = Interchange(parsing: Array(edge.message.utf8))
            #expect(interchange.messages.isEmpty)
            #expect(interchange.errors.map(\.code) == [.missingHeader])
            #expect(interchange.errors.first?.location.line == 1)
        case "error:ValidationError", "error:OperationNotAllowed", "parses":
            let message = try Message(edge.message)
            #expect(!message.isMalformed, "\(message.issues)")
            #expect(message.encoded() == RawER7.expectedEncoding(of: Array(edge.message.utf8), terminator: .cr))
        default:
            Testing.Issue.record("unknown expectation \(edge.expected)")
        }
    }

    @Test func hl7apyStructureCasesReadWhatIsThere() throws {
        // MSH-9 = "ADT^": a type without an event.
        let incomplete = try Message("MSH|^~\\&|SEND APP|SEND FAC|REC APP|REC FAC|20080115153000||ADT^|")
        #expect(incomplete.messageType == "ADT")
        #expect(incomplete.triggerEvent == nil)
        // No MSH-12.
        let noVersion = try Message("MSH|^~\\&|SEND APP|SEND FAC|REC APP|REC FAC|20080115153000||ADT^A01^ADT_A01||")
        #expect(noVersion.version == nil)
        #expect(noVersion.controlID == nil)
        #expect(noVersion.structureID == "ADT_A01")
    }

    // MARK: Custom delimiters

    @Test func pythonNonstandardSeparators() throws {
        let bytes = try Corpus.bytes("hl7v2/python-hl7/nonstandard_separators.hl7")
        let expected = try #require(try Expectations.python()["nonstandard_separators.hl7"])
        let separators = try #require(expected["separators"] as? [String: String])
        let message = try Message(bytes)
        let delimiters = message.encodingCharacters
        for (name, byte) in [("field", delimiters.field), ("component", delimiters.component), ("repetition", delimiters.repetition), ("escape", delimiters.escape), ("subcomponent", delimiters.subcomponent)] {
            #expect(separators[name] == String(UnicodeScalar(byte)), "\(name)")
        }
        #expect(message.segmentCount == expected["segments"] as? Int)
        // python-hl7 lists PID-5 as its components, each a list of subcomponents.
        let pid5 = try #require(expected["PID-5"] as? [[String]])
        let components = try #require(message.element(at: "PID-5")?.components)
        #expect(components.map { $0.subcomponents.map(\.value) } == pid5)
        #expect(message["PID-5.1"] == "EVERYWOMAN")
        #expect(message["PID-5.6"] == "L")
        #expect(message["PID-3"] == "555-44-4444")
        #expect(message.encoded() == bytes)  // str(parse(x)) == x
    }

    @Test func hl7apyCustomSeparatorsWithALetter() throws {
        let bytes = try Corpus.bytes("hl7v2/hl7apy/MSH-only-custom-separators-field-bang.hl7")
        let message = try Message(bytes)
        // MSH-2 "$r?@" in standard order: component $, repetition r, escape ?, subcomponent @.
        // (hl7apy's own test maps the four characters in another order; either way `r` is one.)
        #expect(message.encodingCharacters == EncodingCharacters(field: UInt8(ascii: "!"), component: UInt8(ascii: "$"), repetition: UInt8(ascii: "r"), escape: UInt8(ascii: "?"), subcomponent: UInt8(ascii: "@")))
        // Accepted, with a located warning for the letter.
        #expect(message.issues.map(\.code) == [.invalidEncodingCharacters])
        #expect(message.issues.first?.severity == .warning)
        #expect(message.issues.first?.location.path == "MSH-2")
        // hl7apy's msh_values_custom: MSH-9 is one value here, as `^` is no delimiter.
        let msh = RawER7.headerFields(bytes[...])
        #expect(message["MSH-3"] == "LIP" && msh.field(3) == "LIP")
        #expect(message.messageType == "RSP^SLI^RSP_K11")
        #expect(message.controlID == "430102")
        #expect(message.version == "2.5")
        #expect(message["MSH-17"] == "IT")
        #expect(message["MSH-19"] == "EN")
        #expect(message.segment("MSH")?.fieldCount == 19)
        #expect(message.encoded() == bytes + [0x0D])
    }

    @Test func hapiCaretFieldSeparatorAndCRLF() throws {
        let bytes = try Corpus.bytes("hl7v2/hapi-hl7v2/util/segmentfinder_a24.hl7")
        let message = try Message(bytes)
        #expect(message.encodingCharacters == EncodingCharacters(field: UInt8(ascii: "^"), component: UInt8(ascii: "~"), repetition: UInt8(ascii: "|"), escape: UInt8(ascii: "\\"), subcomponent: UInt8(ascii: "&")))
        #expect(message.segmentTerminator == .crlf)
        #expect(message.issues.isEmpty)
        #expect(message.messageType == "ADT")
        #expect(message.triggerEvent == "A24")
        #expect(message.controlID == "2003582144")
        #expect(message.version == "2.4")
        #expect(message.segments("PID").count == 2)
        #expect(message["PID-1"] == "1")
        #expect(message["PID[2]-1"] == "2")
        #expect(message["PID-3.1"] == "11111")
        #expect(message["PID-3.4.1"] == "FOO")
        #expect(message["PID-3.4.3"] == "0363")
        #expect(message["PID-3.6.2"] == "200M")
        #expect(message["PID-5.2"] == "JOHN")
        #expect(message.encoded(terminator: .crlf) == RawER7.expectedEncoding(of: bytes, terminator: .crlf))
    }

    // MARK: LinuxForHealth ^~\\& quirk

    @Test(arguments: ["sample_unix.hl7", "sample_win.hl7"])
    func linuxForHealthDoubledBackslashParsesWithAWarning(_ name: String) throws {
        let bytes = try Corpus.bytes("hl7v2/linuxforhealth-hl7v2-fhir-converter/\(name)")
        let message = try Message(bytes)
        #expect(!message.isMalformed)
        #expect(message.encodingCharacters == .standard)
        let quirk = try #require(message.issues.first)
        #expect(quirk.code == .invalidEncodingCharacters && quirk.severity == .warning)
        #expect(quirk.location.path == "MSH-2" && quirk.location.byteOffset == 4)
        #expect(message["MSH-2"] == #"^~\\&"#)  // MSH-2 is kept as written
        #expect(message.messageType == "ADT" && message.triggerEvent == "A01")
        #expect(message.controlID == "102" && message.version == "2.6")
        #expect(message["PID-3.1"] == "PID1234")
        #expect(message["PID-3(2).1"] == "1234568965")
        #expect(message["PID-5.1"] == "DOE" && message["PID-5.2"] == "JOHN")
        #expect(message["OBX-16(4).2"] == "LOTHDEW")
        // The literal backslash-r the files carry stays literal, with an invalid-escape warning.
        #expect(message["OBX-17"] == "\\r")
        #expect(message["AL1[2]-5(2)"] == "VOMITING\\r")
        #expect(message.issues.contains { $0.code == .invalidEscape && $0.location.path == "OBX-17" && $0.severity == .warning })
        if name == "sample_win.hl7" {
            #expect(message.characterSet == .ascii)
            #expect(message["MSH-24.3"] == "IPv6\\r\"")
        }
        #expect(message.encoded(terminator: message.segmentTerminator) == RawER7.expectedEncoding(of: bytes, terminator: message.segmentTerminator))
    }

    @Test func doubledBackslashQuirkKeepsAnotherFieldSeparator() throws {
        let message = try Message("MSH#^~\\\\&#A#B#C#D#20260101##ADT^A01#Q1#P#2.5\rPID#1##42^^^H\r")
        #expect(message.encodingCharacters == EncodingCharacters(field: UInt8(ascii: "#")))
        #expect(message.controlID == "Q1")
        #expect(message["PID-3.4"] == "H")
    }

    // MARK: hapi util/messages.txt

    /// 18 messages with `/* */` and `//` comment lines between them. The leading comment is a
    /// located `.missingHeader`; comment lines after a message are segments of it with a located
    /// `.invalidSegmentID`; one message has a three-character MSH-2 (`^~}`) and is a located
    /// `.invalidEncodingCharacters`. Every other message parses, and reads as the raw bytes say.
    @Test func hapiMessagesWithCommentLines() throws {
        let bytes = try Corpus.bytes("hl7v2/hapi-hl7v2/util/messages.txt")
        let interchange = Interchange(parsing: bytes)
        let lines = RawER7.lines(of: bytes)
        let headers = lines.filter { $0.bytes.starts(with: Array("MSH".utf8)) }
        #expect(headers.count == 18)
        let usable = headers.filter { (4...5).contains(RawER7.headerFields($0.bytes).field(2).count) }
        #expect(usable.count == 17)

        // Errors: the comment before the first message, and the message with a short MSH-2.
        #expect(interchange.errors.map(\.code) == [.missingHeader, .invalidEncodingCharacters])
        #expect(interchange.errors[0].location.byteOffset == 0 && interchange.errors[0].location.line == 1)
        let short = try #require(headers.first { RawER7.headerFields($0.bytes).field(2).count == 3 })
        #expect(interchange.errors[1].location.byteOffset == short.offset + 4)
        #expect(interchange.errors[1].location.line == RawER7.line(ofByte: short.offset, in: bytes))
        #expect(interchange.errors[1].location.path == "MSH-2")

        // The messages: control IDs as the raw MSH lines have them.
        #expect(interchange.messages.map(\.controlID) == usable.map { RawER7.headerFields($0.bytes).nonEmpty(10) })
        #expect(interchange.messages.map(\.inputOffset) == usable.map(\.offset))

        // Comment lines inside a message (after a usable MSH, before the next MSH) are reported.
        var expectedComments: [Int] = []
        var malformedMessages: Set<Int> = []
        var usableHeader: Int? = nil
        for line in lines {
            if line.bytes.starts(with: Array("MSH".utf8)) {
                usableHeader = usable.contains { $0.offset == line.offset } ? line.offset : nil
            } else if let header = usableHeader, line.bytes.first == UInt8(ascii: "/") || line.bytes.first == UInt8(ascii: " ") {
                expectedComments.append(line.offset)
                malformedMessages.insert(header)
            }
        }
        #expect(!expectedComments.isEmpty)
        let reported = interchange.messages.flatMap { message in
            message.issues.filter { $0.code == .invalidSegmentID }.compactMap(\.location.byteOffset)
        }
        #expect(reported == expectedComments)
        for message in interchange.messages {
            for issue in message.issues {
                #expect(issue.code == .invalidSegmentID && issue.severity == .error && issue.location.segmentIndex != nil, "\(issue)")
            }
            #expect(message.messageType != nil)
        }
        // Only the messages with comment lines in them are malformed.
        #expect(Set(interchange.messages.filter(\.isMalformed).map(\.inputOffset)) == malformedMessages)
    }

    // MARK: Other located errors

    @Test func emptyAndHeaderlessInputs() throws {
        let empty = try #require(#expect(throws: ParseError.self) { try Message("\r\n  \r") })
        #expect(empty.code == .emptyInput)
        #expect(Interchange(parsing: []).errors.map(\.code) == [.emptyInput])
        let junk = Interchange(parsing: Array("hello\rworld\rMSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rEVN|A01\r".utf8))
        #expect(junk.errors.map(\.code) == [.missingHeader])
        #expect(junk.errors.first?.location.line == 1)
        #expect(junk.messages.count == 1)
        let first = "MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\r"
        let twoMessages = Array((first + "MSH|^~\\&|A|B|C|D|1||ADT^A01|2|P|2.5\r").utf8)
        let error = try #require(#expect(throws: ParseError.self) { try Message(twoMessages) })
        #expect(error.code == .unexpectedData)
        #expect(error.location.byteOffset == first.utf8.count)
    }

    @Test func manyErrorsAreLocatedOnTheirLines() {
        // 4,000 broken headers, each followed by a good message over two lines and a blank line
        // in CRLF: the line of every error is counted once, not from the start each time.
        var text = ""
        for k in 0..<4_000 {
            text += "MSH|^~|bad\r\nMSH|^~\\&|A|B|C|D|1||ADT^A01|\(k)|P|2.5\r\nEVN|A01\r\n\r\n"
        }
        let interchange = Interchange(parsing: Array(text.utf8))
        #expect(interchange.messages.count == 4_000)
        #expect(interchange.errors.count == 4_000)
        #expect(interchange.errors.enumerated().allSatisfy { $0.element.location.line == 4 * $0.offset + 1 })
        #expect(interchange.errors.allSatisfy { $0.code == .invalidEncodingCharacters })
    }

    @Test func shortOrBrokenHeaders() throws {
        // … including a letter as escape character or one that escape sequences are written with.
        for text in ["MSH", "MSH\r", "MSH|", "MSH|^~\\", "MSH|^~\\&&", "MSH1^~\\&1", "MSH ^~\\&", "MSH|^~q&|", "MSH|^X\\&|", "MSH|^~\\T|", "MSH|^~\\&E|", "MSHa^~\\&a"] {
            let error = try #require(#expect(throws: ParseError.self) { try Message(text) }, "\(text)")
            #expect(error.code == .invalidEncodingCharacters, "\(text)")
            #expect(error.location.segment == "MSH", "\(text)")
        }
    }

    @Test func otherLettersAreAcceptedWithAWarning() throws {
        let message = try Message("MSH|G~\\&q|A|B|C|D|1||ADTGA01|L1|P|2.7\rPID|1||42GGGH||NamqTruncated\r")
        #expect(message.issues.map(\.code) == [.invalidEncodingCharacters])
        #expect(message.issues.first?.severity == .warning)
        #expect(message.triggerEvent == "A01")
        #expect(message["PID-3.4"] == "H")
        #expect(message["PID-5"] == "NamqTruncated")  // the truncation character is not a delimiter
    }

    @Test func invalidSegmentIDsAreLocated() throws {
        let text = "MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rpid|1\rPI|2\rPIDX|3\rOBX|1\r"
        let message = try Message(text)
        let issues = message.issues.filter { $0.code == .invalidSegmentID }
        #expect(issues.map(\.location.segmentIndex) == [2, 3, 4])
        let offsets = RawER7.lines(of: Array(text.utf8)).map(\.offset)
        #expect(issues.map(\.location.byteOffset) == Array(offsets[1...3]))
        #expect(message.isMalformed)
        #expect(message.segmentCount == 5)
        #expect(message["OBX-1"] == "1")
    }
}

/// The python-hl7 expectations (expectations.json) by file name.
enum Expectations {
    static func python() throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: Corpus.root.appendingPathComponent("hl7v2/python-hl7/expectations.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return object?["cases"] as? [String: [String: Any]] ?? [:]
    }
}
