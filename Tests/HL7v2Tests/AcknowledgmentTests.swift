import Foundation
import Testing
@testable import HL7v2

@Suite struct AcknowledgmentTests {
    /// The HL7 issue, not Swift Testing's.
    typealias Issue = HL7v2.Issue

    /// 2026-01-01 00:00:00 UTC.
    let time = Date(timeIntervalSince1970: 1_767_225_600)
    let hanoi = TimeZone(secondsFromGMT: 7 * 3600)!
    let v25 = "MSH|^~\\&|LAB|HOSP|EHR|WARD|20260101||ORU^R01^ORU_R01|42|P|2.5\rPID|1||123^^^HOSP^MR\rOBX|1|ST|||a\rOBX|2|ST|||b\r"
    let v23 = "MSH|^~\\&|LAB|HOSP|EHR|WARD|20260101||ADT^A01|7|P|2.3\rPID|1\r"

    func ack(
        _ message: Message, code: Acknowledgment.Code? = nil, mode: Acknowledgment.Mode? = nil,
        issues: [Issue] = [], text: String? = nil
    ) -> Message {
        message.acknowledgment(code: code, mode: mode, issues: issues, text: text, controlID: "ACK1", timestamp: time, timeZone: hanoi)
    }

    /// The ACK parses back on its own, without issues, and acknowledges the message.
    func expectValid(_ ack: Message, acknowledging original: Message? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let reparsed = try Message(ack.encoded())
        #expect(reparsed.issues.isEmpty, "\(reparsed.issues)", sourceLocation: sourceLocation)
        #expect(reparsed.messageType == "ACK", sourceLocation: sourceLocation)
        let parsed = try Acknowledgment(parsing: reparsed)
        if let original, original.controlID != nil {
            #expect(parsed.acknowledges(original), sourceLocation: sourceLocation)
        }
    }

    // MARK: Codes

    @Test func originalModeAccept() throws {
        let message = try Message(v25)
        let result = ack(message)
        #expect(result.er7() == "MSH|^~\\&|EHR|WARD|LAB|HOSP|20260101070000+0700||ACK^R01^ACK|ACK1|P|2.5\rMSA|AA|42\r")
        try expectValid(result, acknowledging: message)
    }

    @Test func errorIssueGivesAE() throws {
        let message = try Message(v25)
        let issue = Issue(.requiredFieldMissing, at: Location(segment: "PID", segmentIndex: 2, field: 5), "PID-5 is required")
        let result = ack(message, issues: [issue])
        #expect(result["MSA-1"] == "AE")
        #expect(result.segment("ERR")?.er7 == "ERR||PID^1^5|101^Required field missing^HL70357|E|required-field-missing||PID-5 (segment 2)|PID-5 is required")
        try expectValid(result, acknowledging: message)
    }

    @Test func warningsKeepAA() throws {
        let message = try Message(v25)
        let warning = Issue(.dataType, severity: .warning, at: Location(segment: "OBX", segmentIndex: 4, field: 5), "odd value")
        let result = ack(message, issues: [warning])
        #expect(result["MSA-1"] == "AA")
        #expect(result.segment("ERR")?.er7 == "ERR||OBX^2^5|102^Data type error^HL70357|W|data-type||OBX-5 (segment 4)|odd value")
    }

    @Test func unsupportedVersionOrForcedRejectGivesAR() throws {
        let message = try Message(v25)
        let unsupported = Issue(.unsupportedVersion, at: Location(segment: "MSH", segmentIndex: 1, field: 12), "version not supported")
        let missing = Issue(.requiredFieldMissing, at: Location(segment: "PID", field: 5), "PID-5 is required")
        #expect(ack(message, issues: [missing, unsupported])["MSA-1"] == "AR")
        #expect(ack(message, code: .ar)["MSA-1"] == "AR")
        #expect(ack(message, code: "ZZ")["MSA-1"] == "ZZ")
        try expectValid(ack(message, issues: [unsupported]), acknowledging: message)
    }

    @Test func codeChoiceAndHelpers() {
        let error = Issue(.dataType, at: Location(), "x")
        let reject = Issue(.unsupportedMessageType, at: Location(), "x")
        let warning = Issue(.dataType, severity: .warning, at: Location(), "x")
        let fatal = Issue(.dataType, severity: Issue.Severity(rawValue: "F"), at: Location(), "x")
        #expect(Acknowledgment.Code(for: [Issue]()) == .aa)
        #expect(Acknowledgment.Code(for: [warning]) == .aa)
        #expect(Acknowledgment.Code(for: [warning, error]) == .ae)
        #expect(Acknowledgment.Code(for: [fatal]) == .ae)
        #expect(Acknowledgment.Code(for: [error, reject]) == .ar)
        #expect(Acknowledgment.Code(for: [error], mode: .enhanced) == .ce)
        #expect(Acknowledgment.Code(for: [reject], mode: .enhanced) == .cr)
        #expect(Acknowledgment.Code.ca.isCommit && !Acknowledgment.Code.ca.isApplication)
        #expect(Acknowledgment.Code.ae.commit == .ce && Acknowledgment.Code.cr.application == .ar)
        #expect(Acknowledgment.Code.ca.isAccept && Acknowledgment.Code.ce.isError && Acknowledgment.Code.ar.isReject)
        let unknown = Acknowledgment.Code(rawValue: "XX")
        #expect(!unknown.isAccept && !unknown.isError && !unknown.isReject && unknown.commit == unknown)
        #expect(Acknowledgment.Condition.errorOnly.wants(.ae) && !Acknowledgment.Condition.errorOnly.wants(.aa))
        #expect(Acknowledgment.Condition.successOnly.wants(.ca) && !Acknowledgment.Condition.never.wants(.aa))
    }

    // MARK: Enhanced mode

    @Test func enhancedModeCommitThenApplication() throws {
        let message = try Message(Corpus.bytes("hl7v2/hapi-hl7v2/parser/omd_o03.txt"))  // MSH-15 ER, MSH-16 AL
        #expect(message.acknowledgmentMode == .enhanced)
        let commit = ack(message)
        #expect(commit["MSA-1"] == "CA")
        #expect(commit["MSA-2"] == "20101027181706")
        #expect(commit["MSH-9"] == "ACK^O03^ACK")
        #expect(commit["MSH-15"] == nil && commit["MSH-16"] == nil)
        let application = ack(message, code: Acknowledgment.Code(for: message.issues))
        #expect(application["MSA-1"] == "AA")
        try expectValid(commit, acknowledging: message)
        try expectValid(application, acknowledging: message)
        // MSH-15 = ER: a commit accept is not wanted, a commit error is; MSH-16 = AL.
        #expect(!message.wantsAcknowledgment(.ca))
        #expect(message.wantsAcknowledgment(.ce))
        #expect(message.wantsAcknowledgment(.aa))
        // Asked for explicitly on an original-mode message.
        let original = try Message(v25)
        #expect(original.acknowledgmentMode == .original)
        #expect(original.wantsAcknowledgment(.aa))
        #expect(ack(original, mode: .enhanced)["MSA-1"] == "CA")
        let missing = Issue(.requiredFieldMissing, at: Location(segment: "PID", field: 5), "PID-5 is required")
        #expect(ack(original, mode: .enhanced, issues: [missing])["MSA-1"] == "CE")
        #expect(ack(message, mode: .original)["MSA-1"] == "AA")
    }

    @Test func enhancedModeNeverMeansNoAcknowledgment() throws {
        let message = try Message("MSH|^~\\&|A|B|C|D|20260101||ADT^A04|9|P|2.5|||NE|SU\r")
        #expect(!message.wantsAcknowledgment(.ca))
        #expect(message.wantsAcknowledgment(.aa))
        #expect(!message.wantsAcknowledgment(.ae))
    }

    // MARK: Header

    @Test func nonstandardSeparatorsArePreserved() throws {
        let message = try Message(Corpus.bytes("hl7v2/python-hl7/nonstandard_separators.hl7"))  // MSH$%~\&$GHH LAB
        let result = ack(message, text: "a$b%c")
        #expect(result.encodingCharacters == message.encodingCharacters)
        // No event, no version, no control ID in the original.
        #expect(result.er7() == "MSH$%~\\&$$$GHH LAB$$20260101070000+0700$$ACK$ACK1\rMSA$AA$$a\\F\\b\\S\\c\r")
        #expect(result["MSA-3"] == "a$b%c")
        try expectValid(result)
    }

    @Test func truncationCharacterIsPreserved() throws {
        let message = try Message(Corpus.bytes("hl7v2/hl7apy/RSP_K21-v27-truncation-char-hash.hl7"))  // ^~\&#, v2.7
        #expect(message.encodingCharacters.truncation == UInt8(ascii: "#"))
        let issue = Issue(.dataType, at: Location(segment: "PID", segmentIndex: 5, field: 3), "value # with a truncation character")
        let result = ack(message, issues: [issue], text: "dropped in 2.7")
        #expect(result.er7().hasPrefix("MSH|^~\\&#|REC APP|REC FAC|SEND APP|SEND FAC|20260101070000+0700||ACK^K22^ACK|ACK1|D|2.7\r"))
        #expect(result.encodingCharacters.truncation == UInt8(ascii: "#"))
        // MSA-3 is withdrawn in v2.7; the truncation character in text is escaped as \P\.
        #expect(result.segment("MSA")?.er7 == "MSA|AE|1234")
        #expect(result.segment("ERR")?.field(8)?.er7 == "value \\P\\ with a truncation character")
        try expectValid(result, acknowledging: message)
    }

    @Test func headerFieldsAreSwappedAndCopied() throws {
        let message = try Message(Corpus.bytes("hl7v2/hapi-hl7v2/parser/cv.04_001_chem.hl7"))  // 2.3.1, 8859/1, MSH-3 with components
        let result = ack(message)
        #expect(result["MSH-3"] == message["MSH-5"] && result["MSH-5"] == message["MSH-3"])
        #expect(result.segment("MSH")?.field(5)?.er7 == "^OLIS^X500")
        #expect(result.segment("MSH")?.field(6)?.er7 == message.segment("MSH")?.field(4)?.er7)
        #expect(result["MSH-11"] == "T")
        #expect(result["MSH-12"] == "2.3.1")
        #expect(result["MSH-18"] == "8859/1")
        #expect(result.characterSet == .latin1)
        #expect(result["MSH-9"] == "ACK^Z99^ACK")
        try expectValid(result, acknowledging: message)
    }

    @Test func messageTypeFollowsVersion() throws {
        #expect(ack(try Message(v23))["MSH-9"] == "ACK^A01")
        #expect(ack(try Message("MSH|^~\\&|A||B||1||ADT^A01|1|P|2.2\r"))["MSH-9"] == "ACK^A01")
        #expect(ack(try Message("MSH|^~\\&|A||B||1||ADT^A01|1|P|2.3.1\r"))["MSH-9"] == "ACK^A01^ACK")
        #expect(ack(try Message("MSH|^~\\&|A||B||1||ADT|1|P|2.5\r"))["MSH-9"] == "ACK")
    }

    @Test func latin1TextStaysLatin1() throws {
        var bytes = Array("MSH|^~\\&|LAB|H".utf8) + [0xD4] + Array("P|EHR||20260101||ADT^A01|5|P|2.5|||||VN|8859/1\r".utf8)
        bytes += Array("PID|1\r".utf8)
        let message = try Message(bytes)
        #expect(message.sendingFacility == "HÔP")
        let result = ack(message, issues: [Issue(.dataType, at: Location(segment: "PID", field: 1), "giá trị sai")])
        #expect(result.characterSet == .latin1)
        #expect(result["MSH-6"] == "HÔP")
        #expect(result.segment("MSH")?.field(6)?.bytes.contains(0xD4) == true)
        #expect(result["ERR-8"] == "giá trị sai")  // ị is not Latin-1: written as \X..\
        try expectValid(result, acknowledging: message)
    }

    @Test func timestampAndControlID() {
        #expect(Acknowledgment.timestamp(time, in: hanoi) == "20260101070000+0700")
        #expect(Acknowledgment.timestamp(time, in: TimeZone(secondsFromGMT: 0)!) == "20260101000000+0000")
        #expect(Acknowledgment.timestamp(time, in: TimeZone(secondsFromGMT: -(4 * 3600 + 1800))!) == "20251231193000-0430")
        #expect(Acknowledgment.timestamp(Date(timeIntervalSince1970: 951_782_400 + 59), in: TimeZone(secondsFromGMT: 0)!) == "20000229000059+0000")
        let ids = (0..<200).map { _ in Acknowledgment.newControlID() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 20 })
        let message = try? Message(v25)
        let first = message?.acknowledgment().controlID
        let second = message?.acknowledgment().controlID
        #expect(first != nil && first != second)
    }

    // MARK: ERR layouts

    @Test func v23UsesERR1AndMSA6() throws {
        let message = try Message(v23)
        let issues = [
            Issue(.requiredFieldMissing, at: Location(segment: "PID", segmentIndex: 2, field: 5), "PID-5 is required"),
            Issue(.tableValueNotFound, at: Location(segment: "PID", segmentIndex: 2, field: 8), "unknown sex"),
        ]
        let result = ack(message, issues: issues, text: "see ERR")
        #expect(result.er7() == """
            MSH|^~\\&|EHR|WARD|LAB|HOSP|20260101070000+0700||ACK^A01|ACK1|P|2.3\r\
            MSA|AE|7|see ERR|||101^Required field missing^HL70357\r\
            ERR|PID^1^5^101&Required field missing&HL70357\r\
            ERR|PID^1^8^103&Table value not found&HL70357\r
            """)
        try expectValid(result, acknowledging: message)
    }

    @Test func v24AndV25Layouts() throws {
        let issue = Issue(.dataType, at: Location(segment: "OBX", segmentIndex: 4, field: 5, repetition: 2, component: 1, subcomponent: 3), "bad")
        let v24 = try Message(v25.replacingOccurrences(of: "|2.5\r", with: "|2.4\r"))
        #expect(ack(v24, issues: [issue]).segment("ERR")?.er7 == "ERR|OBX^2^5^102&Data type error&HL70357")
        let v251 = try Message(v25.replacingOccurrences(of: "|2.5\r", with: "|2.5.1\r"))
        #expect(ack(v251, issues: [issue]).segment("ERR")?.er7 == "ERR||OBX^2^5^2^1^3|102^Data type error^HL70357|E|data-type||OBX-5(2).1.3 (segment 4)|bad")
        #expect(ack(v251, issues: [issue]).segment("MSA")?.er7 == "MSA|AE|42")
    }

    @Test func parseIssuesAreReportedOnce() throws {
        let message = try Message("MSH|^~\\&|A|B|C|D|20260101||ADT^A01|9|P|2.5\rPID|1||x\\Q\\y\r")
        #expect(!message.issues.isEmpty)
        let result = ack(message, issues: message.issues)
        #expect(result.segments("ERR").count == message.issues.count)
        #expect(result["MSA-1"] == "AA")  // an invalid escape is a warning
        #expect(ack(message).segments("ERR").count == message.issues.count)
        #expect(message.acknowledgment(includingParseIssues: false).segments("ERR").isEmpty)
        try expectValid(result, acknowledging: message)
    }

    @Test func everythingWrittenIsEscaped() throws {
        let message = try Message("MSH|^~\\&|A\\S\\B|F&G|C|D|20260101||ADT^A01|ID\\F\\1|P|2.5\r")
        let issue = Issue(.applicationInternalError, at: Location(), "line|one\rline^two~three&four\\five")
        let result = message.acknowledgment(code: "A|", issues: [issue], controlID: "X^Y", timestamp: time, timeZone: hanoi)
        #expect(result.segment("MSH")?.field(5)?.er7 == "A\\S\\B")
        #expect(result.segment("MSH")?.field(6)?.er7 == "F&G")
        #expect(result.segment("MSH")?.field(10)?.er7 == "X\\S\\Y")
        #expect(result.segment("MSA")?.field(1)?.er7 == "A\\F\\")
        #expect(result.segment("MSA")?.field(2)?.er7 == "ID\\F\\1")
        #expect(result["ERR-8"] == "line|one\rline^two~three&four\\five")
        #expect(result.segment("ERR")?.field(2)?.isEmpty == true)
        try expectValid(result, acknowledging: message)
    }

    // MARK: Reading acknowledgments

    @Test func msa2IsMSH10AndAcknowledges() throws {
        let message = try Message(v25)
        let parsed = try Acknowledgment(parsing: ack(message))
        #expect(parsed.code == .aa)
        #expect(parsed.acknowledgedControlID == "42")
        #expect(parsed.controlID == "ACK1")
        #expect(parsed.errors.isEmpty)
        #expect(parsed.acknowledges(message))
        let other = try Message(v25.replacingOccurrences(of: "|42|", with: "|43|"))
        #expect(!parsed.acknowledges(other))
        let noControlID = try Message("MSH|^~\\&|A||B||1||ADT^A01||P|2.5\r")
        #expect(try !Acknowledgment(parsing: ack(noControlID)).acknowledges(noControlID))
    }

    @Test func builtErrorsReadBack() throws {
        let message = try Message(v25)
        let issues = [
            Issue(.requiredFieldMissing, at: Location(segment: "PID", segmentIndex: 2, field: 5), "PID-5 is required"),
            Issue(.invalidEscape, severity: .warning, at: Location(segment: "OBX", segmentIndex: 4, field: 5, component: 1), "kept"),
        ]
        let parsed = try Acknowledgment(parsing: ack(message, issues: issues))
        #expect(parsed.code == .ae)
        #expect(parsed.errors.count == 2)
        let first = try #require(parsed.errors.first)
        #expect(first.code == .requiredFieldMissing)
        #expect(first.severity == .error)
        #expect(first.location == Location(segment: "PID", field: 5))
        #expect(first.segmentOccurrence == 1)
        #expect(first.conditionText == "Required field missing")
        #expect(first.userMessage == "PID-5 is required")
        #expect(first.issue.code == .requiredFieldMissing)
        let second = parsed.errors[1]
        #expect(second.code == .invalidEscape)
        #expect(second.code.condition == 102)
        #expect(second.severity == .warning)
        #expect(second.path?.description == "OBX[2]-5.1")
        #expect(second.description == "warning 102 invalid-escape at OBX[2]-5.1")
    }

    @Test func readsV25AcknowledgmentFromAnotherSystem() throws {
        let reply = try Message("""
            MSH|^~\\&|EHR|WARD|LAB|HOSP|20260101120000+0700||ACK^R01^ACK|900|P|2.5.1\r\
            MSA|AR|42\r\
            ERR||MSH^1^12|203^Unsupported version id^HL70357|E||||Only 2.5.1 please\r\
            ERR||PID^1^3^2|101^Required field missing^HL70357|W\r
            """)
        let parsed = try Acknowledgment(parsing: reply)
        #expect(parsed.code == .ar && parsed.code.isReject)
        #expect(parsed.acknowledges(try Message(v25)))
        #expect(parsed.errors.map(\.code) == [.unsupportedVersion, .requiredFieldMissing])
        #expect(parsed.errors[0].userMessage == "Only 2.5.1 please")
        #expect(parsed.errors[0].description == "error 203 unsupported-version at MSH-12")
        #expect(parsed.errors[1].location.repetition == 2)
        #expect(parsed.errors[1].severity == .warning)
    }

    @Test func readsOlderLayoutsAndMSA6() throws {
        let older = try Message("""
            MSH|^~\\&|B||A||20260101||ACK^A01|900|P|2.4\r\
            MSA|AE|7|Bad message|||101^Required field missing^HL70357\r\
            ERR|PID^1^5^101&Required field missing&HL70357~OBX^2^5^102&Data type error&HL70357\r
            """)
        let parsed = try Acknowledgment(parsing: older)
        #expect(parsed.code == .ae)
        #expect(parsed.text == "Bad message")
        #expect(parsed.errors.count == 2)
        #expect(parsed.errors.map(\.code.condition) == [101, 102])
        #expect(parsed.errors[1].path?.description == "OBX[2]-5")
        #expect(parsed.errors[1].conditionText == "Data type error")

        let msa6Only = try Message("MSH|^~\\&|B||A||20260101||ACK|900|P|2.3\rMSA|AE|7||||207^Application internal error\r")
        let fromMSA6 = try Acknowledgment(parsing: msa6Only)
        #expect(fromMSA6.errors.map(\.code) == [.applicationInternalError])
        #expect(fromMSA6.errors.first?.location == Location())

        let localCode = try Message("MSH|^~\\&|B||A||20260101||ACK|900|P|2.5\rMSA|AE|7\rERR|||E42^Custom|E\r")
        #expect(try Acknowledgment(parsing: localCode).errors.first?.code.name == "E42")
    }

    @Test func responsesWithMSAAreAcknowledgments() throws {
        let response = try Message(Corpus.bytes("hl7v2/hapi-hl7v2/parser/cv.04_001_chem.hl7"))  // ERP^Z99 with MSA|AA|212137
        let parsed = try Acknowledgment(parsing: response)
        #expect(parsed.code == .aa)
        #expect(parsed.acknowledgedControlID == "212137")
    }

    @Test func messagesWithoutMSAAreNotAcknowledgments() throws {
        #expect(throws: ParseError.self) { try Acknowledgment(parsing: Message(v25)) }
        let emptyCode = try Message("MSH|^~\\&|B||A||20260101||ACK|900|P|2.5\rMSA||7\r")
        let error = #expect(throws: ParseError.self) { try Acknowledgment(parsing: emptyCode) }
        #expect(error?.code == .requiredFieldMissing)
    }

    // MARK: Input that does not parse

    @Test func garbageIsRejected() throws {
        let garbage = Array("hello, this is not HL7\r".utf8)
        let error = try #require(Interchange(parsing: garbage).errors.first)
        let result = Message.acknowledgment(forUnparsable: garbage, error: error, controlID: "ACK1", timestamp: time, timeZone: hanoi)
        #expect(result.er7() == """
            MSH|^~\\&|||||20260101070000+0700||ACK|ACK1\r\
            MSA|AR\r\
            ERR|||100^Segment sequence error^HL70357|E|missing-message-header||(line 1, byte 0)|segment received before a message header (MSH)\r
            """)
        try expectValid(result)
        #expect(try Acknowledgment(parsing: result).errors.first?.code == .missingHeader)
    }

    @Test func badDelimitersStillReadHeader() throws {
        let bytes = Array("MSH|^~|SEND APP|SEND FAC|REC APP|REC FAC|20080115153000||ADT^A01^ADT_A01|0123|P|2.4\rPID|1\r".utf8)
        var thrown: ParseError?
        do { _ = try Message(bytes) } catch { thrown = error }
        let error = try #require(thrown)
        #expect(error.code == .invalidEncodingCharacters)
        let result = Message.acknowledgment(forUnparsable: bytes, error: error, controlID: "ACK1", timestamp: time, timeZone: hanoi)
        #expect(result.er7() == """
            MSH|^~\\&|REC APP|REC FAC|SEND APP|SEND FAC|20260101070000+0700||ACK^A01^ACK|ACK1|P|2.4\r\
            MSA|AR|0123||||102^Data type error^HL70357\r\
            ERR|MSH^1^2^102&Data type error&HL70357\r
            """)
        try expectValid(result)
        let enhanced = Array("MSH|^~|A|B|C|D|1||ADT^A01|9|P|2.5|||AL|NE\r".utf8)
        let commit = Message.acknowledgment(forUnparsable: enhanced, error: error)
        #expect(commit["MSA-1"] == "CR")
        #expect(Message.acknowledgment(forUnparsable: enhanced, error: error, code: .ae)["MSA-1"] == "AE")
    }

    @Test func unsupportedCharacterSetIsAnsweredInUTF8() throws {
        let bytes = Array("MSH|^~\\&|A|B|C|D|20260101||ADT^A01|77|P|2.5|||||JP|ISO IR87\rPID|1\r".utf8)
        var thrown: ParseError?
        do { _ = try Message(bytes) } catch { thrown = error }
        let error = try #require(thrown)
        #expect(error.code == .unsupportedCharacterSet)
        let result = Message.acknowledgment(forUnparsable: bytes, error: error)
        #expect(result["MSA-2"] == "77")
        #expect(result["MSH-18"] == nil)
        #expect(result.characterSet == .utf8)
        try expectValid(result)
    }

    @Test func hl7apyEdgeCasesAllGetAnAcknowledgment() throws {
        struct Cases: Decodable {
            struct Case: Decodable {
                var message: String
            }
            var cases: [Case]
        }
        let cases = try JSONDecoder().decode(Cases.self, from: Data(Corpus.bytes("hl7v2/hl7apy/msh_edge_cases.json"))).cases
        #expect(!cases.isEmpty)
        for entry in cases {
            let bytes = Array(entry.message.utf8)
            let input = Interchange(parsing: bytes)
            let acks = input.messages.map { $0.acknowledgment() }
                + input.errors.map { Message.acknowledgment(forUnparsable: bytes, error: $0) }
            #expect(!acks.isEmpty)
            for ack in acks {
                let reparsed = try Message(ack.encoded())
                #expect(reparsed.issues.isEmpty)
            }
            for error in input.errors {
                // AR, or CR where MSH-15/MSH-16 could be read and ask for enhanced mode.
                let code = Message.acknowledgment(forUnparsable: bytes, error: error)["MSA-1"]
                #expect(code == "AR" || (code == "CR" && entry.message.contains("||||AL")))
            }
        }
    }

    // MARK: Corpus round trip

    @Test func corpusMessagesRoundTrip() throws {
        var files = Corpus.files(in: "hl7v2/hapi-hl7v2/parser", extensions: ["hl7", "txt"])
        files += Corpus.files(in: "hl7v2/hapi-hl7v2/docs-examples", extensions: ["txt"])
        files += Corpus.files(in: "hl7v2/hapi-hl7v2/escape-roundtrip", extensions: ["hl7"])
        files += Corpus.files(in: "hl7v2/python-hl7", extensions: ["hl7"])
        files += Corpus.files(in: "hl7v2/hl7apy", extensions: ["hl7"])
        files += Corpus.files(in: "hl7v2/microsoft-fhir-converter/input", extensions: ["hl7"])
        var acknowledged = 0
        for file in files {
            let bytes = try Corpus.bytes(file)
            let input = Interchange(parsing: bytes)
            for message in input.messages {
                let lastSegment = message.segmentCount
                let issue = Issue(.dataType, severity: .warning, at: Location(segment: message.segments[lastSegment - 1].id, segmentIndex: lastSegment, field: 1), "checked")
                let result = message.acknowledgment(issues: [issue], controlID: "A\(acknowledged)", timestamp: time, timeZone: hanoi)
                // The bytes written straight for a listener are the same as the built message's.
                let direct = message.encodedAcknowledgment(issues: [issue], controlID: "A\(acknowledged)", timestamp: time, timeZone: hanoi)
                #expect(direct == result.encoded(), "\(file)")
                let reparsed = try Message(result.encoded())
                // Unusual delimiters (letters in MSH-2) are kept, and so is the parser's warning.
                let delimiterWarnings = message.issues.filter { $0.code == .invalidEncodingCharacters }.map(\.message)
                let reparseIssues = reparsed.issues.filter { !($0.code == .invalidEncodingCharacters && delimiterWarnings.contains($0.message)) }
                #expect(reparseIssues.isEmpty, "\(file): \(reparsed.issues)")
                #expect(reparsed.encodingCharacters == message.encodingCharacters, "\(file)")
                #expect(reparsed.version == message.version, "\(file)")
                let parsed = try Acknowledgment(parsing: reparsed)
                #expect(parsed.acknowledgedControlID == message.controlID, "\(file)")
                #expect(message.controlID == nil || parsed.acknowledges(message), "\(file)")
                #expect(parsed.errors.count == Set(message.issues + [issue]).count, "\(file)")
                acknowledged += 1
            }
            for error in input.errors {
                let result = Message.acknowledgment(forUnparsable: bytes, error: error)
                #expect(try Message(result.encoded()).issues.isEmpty, "\(file)")
            }
        }
        #expect(acknowledged > 100)
    }
}
