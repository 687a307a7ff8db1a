/// An HL7 v2 acknowledgment read from a message with an MSA segment (an `ACK`, or a response
/// such as `RSP` or `ORL` that carries one).
///
/// Acknowledgments are built with ``Message/acknowledgment(code:mode:issues:includingParseIssues:text:controlID:timestamp:timeZone:)``
/// (and, for input that could not be parsed, ``Message/acknowledgment(forUnparsable:error:code:mode:text:controlID:timestamp:timeZone:)``);
/// this type reads one that came back.
///
/// ```swift
/// let reply = try Acknowledgment(parsing: Message(bytes))
/// if reply.acknowledges(sent), reply.code.isAccept { … }
/// for error in reply.errors { logger.warning("rejected", metadata: ["hl7.error": "\(error)"]) }
/// ```
public struct Acknowledgment: Sendable {
    /// The acknowledgment message itself.
    public let message: Message
    /// MSA-1, the acknowledgment code.
    public var code: Code
    /// MSA-2, the control ID (MSH-10) of the message being acknowledged.
    public var acknowledgedControlID: String?
    /// MSA-3, the text message (withdrawn in v2.7; may hold anything the sender wrote).
    public var text: String?
    /// The errors reported in ERR segments (v2.5+ and older layouts), or in MSA-6 when the
    /// acknowledgment has no ERR segment.
    public var errors: [ErrorReport]

    /// MSH-10 of the acknowledgment itself.
    public var controlID: String? { message.controlID }

    /// Reads the acknowledgment of a message.
    ///
    /// - Throws: ``ParseError`` with ``ErrorCode/segmentSequence`` when the message has no MSA
    ///   segment, or ``ErrorCode/requiredFieldMissing`` when MSA-1 is empty.
    public init(parsing message: Message) throws(ParseError) {
        guard let msa = message.segment("MSA") else {
            throw ParseError(.segmentSequence, at: Location(segment: "MSA"), "an acknowledgment needs an MSA segment")
        }
        guard let codeText = msa.field(1)?.component(1)?.text(), !codeText.isEmpty else {
            throw ParseError(.requiredFieldMissing, at: Location(segment: "MSA", segmentIndex: msa.index + 1, field: 1), "MSA-1 (acknowledgment code) is empty")
        }
        self.message = message
        self.code = Code(rawValue: codeText)
        self.acknowledgedControlID = Acknowledgment.nonEmpty(msa.field(2)?.text())
        self.text = Acknowledgment.nonEmpty(msa.field(3)?.text())
        var errors = message.segments("ERR").flatMap(ErrorReport.read)
        if errors.isEmpty, let condition = msa.field(6)?.repetition(1), !condition.isEmpty {
            errors.append(ErrorReport.readCodedCondition(condition.children, location: Location()))
        }
        self.errors = errors
    }

    /// Whether this acknowledges `message`: MSA-2 equals the message's MSH-10 (both non-empty).
    public func acknowledges(_ message: Message) -> Bool {
        guard let acknowledged = acknowledgedControlID,
            let sent = message.segment("MSH")?.field(10)?.text(), !sent.isEmpty
        else { return false }
        return acknowledged == sent
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    /// Whether a severity stops a message: `E` (error) or `F` (fatal, v2.7+).
    static func isError(_ severity: Issue.Severity) -> Bool {
        severity == .error || severity.rawValue == "F"
    }
}

extension Acknowledgment {
    /// The text HL7 table 0357 ("Message error condition codes") gives a condition, e.g.
    /// `Required field missing` for 101, or `nil` for a code not in the table.
    public static func conditionText(_ condition: Int) -> String? {
        switch condition {
        case 0: "Message accepted"
        case 100: "Segment sequence error"
        case 101: "Required field missing"
        case 102: "Data type error"
        case 103: "Table value not found"
        case 104: "Value too long"
        case 200: "Unsupported message type"
        case 201: "Unsupported event code"
        case 202: "Unsupported processing id"
        case 203: "Unsupported version id"
        case 204: "Unknown key identifier"
        case 205: "Duplicate key identifier"
        case 206: "Application record locked"
        case 207: "Application internal error"
        default: nil
        }
    }

    /// The ``ErrorCode`` a table 0357 condition is read as.
    static func errorCode(condition: Int) -> ErrorCode {
        switch condition {
        case 0: ErrorCode("message-accepted", condition: 0)
        case 100: .segmentSequence
        case 101: .requiredFieldMissing
        case 102: .dataType
        case 103: .tableValueNotFound
        case 104: ErrorCode("value-too-long", condition: 104)
        case 200: .unsupportedMessageType
        case 201: .unsupportedEvent
        case 202: .unsupportedProcessingID
        case 203: .unsupportedVersion
        case 204: .unknownKey
        case 205: .duplicateKey
        case 206: .recordLocked
        case 207: .applicationInternalError
        default: ErrorCode("condition-\(condition)", condition: condition)
        }
    }
}
