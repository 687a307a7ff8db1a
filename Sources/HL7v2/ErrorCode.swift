/// What went wrong, as a stable identifier plus the HL7 v2 condition code (table 0357) it is
/// reported as in an ACK's ERR segment.
///
/// A struct with static members rather than an enum, so that codes can be added without breaking
/// anyone who switches over them.
public struct ErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// Stable, lower-case identifier such as `required-field-missing`.
    public var name: String
    /// The HL7 table 0357 "Message error condition code" this error is reported as.
    public var condition: Int

    /// Creates an error code.
    public init(_ name: String, condition: Int) {
        self.name = name
        self.condition = condition
    }

    public var description: String { name }

    // MARK: HL7 table 0357

    /// 100: segment sequence error (a segment out of place, missing or repeated too often).
    public static let segmentSequence = ErrorCode("segment-sequence", condition: 100)
    /// 101: a required field is missing.
    public static let requiredFieldMissing = ErrorCode("required-field-missing", condition: 101)
    /// 102: a value does not match its data type.
    public static let dataType = ErrorCode("data-type", condition: 102)
    /// 103: a coded value is not in its table.
    public static let tableValueNotFound = ErrorCode("table-value-not-found", condition: 103)
    /// 200: the message type is not supported.
    public static let unsupportedMessageType = ErrorCode("unsupported-message-type", condition: 200)
    /// 201: the trigger event is not supported.
    public static let unsupportedEvent = ErrorCode("unsupported-event", condition: 201)
    /// 202: the processing ID is not supported.
    public static let unsupportedProcessingID = ErrorCode("unsupported-processing-id", condition: 202)
    /// 203: the version ID is not supported.
    public static let unsupportedVersion = ErrorCode("unsupported-version", condition: 203)
    /// 204: unknown key identifier.
    public static let unknownKey = ErrorCode("unknown-key", condition: 204)
    /// 205: duplicate key identifier.
    public static let duplicateKey = ErrorCode("duplicate-key", condition: 205)
    /// 206: application record locked.
    public static let recordLocked = ErrorCode("record-locked", condition: 206)
    /// 207: application internal error.
    public static let applicationInternalError = ErrorCode("application-internal-error", condition: 207)

    // MARK: Parse errors (reported under the closest 0357 condition)

    /// The input holds no message at all.
    public static let emptyInput = ErrorCode("empty-input", condition: 100)
    /// A segment came before any message header (MSH), or the message does not start with MSH.
    public static let missingHeader = ErrorCode("missing-message-header", condition: 100)
    /// MSH-1/MSH-2 (or FHS/BHS) do not define a usable set of delimiters.
    public static let invalidEncodingCharacters = ErrorCode("invalid-encoding-characters", condition: 102)
    /// A segment does not start with a three-character upper-case ID.
    public static let invalidSegmentID = ErrorCode("invalid-segment-id", condition: 100)
    /// A second FHS or BHS where only one is allowed, or a trailer without its header.
    public static let batchStructure = ErrorCode("batch-structure", condition: 100)
    /// An escape sequence is unterminated or unknown.
    public static let invalidEscape = ErrorCode("invalid-escape", condition: 102)
    /// MSH-18 names a character set this engine cannot decode.
    public static let unsupportedCharacterSet = ErrorCode("unsupported-character-set", condition: 102)
    /// The bytes are not valid text in the message's character set.
    public static let invalidText = ErrorCode("invalid-text", condition: 102)
    /// More than one message where exactly one was expected.
    public static let unexpectedData = ErrorCode("unexpected-data", condition: 100)
    /// A path such as `PID-3(2).1` is malformed.
    public static let invalidPath = ErrorCode("invalid-path", condition: 207)
    /// The message is larger than the receiver accepts (an MLLP frame over its size limit).
    public static let messageTooLarge = ErrorCode("message-too-large", condition: 207)
}
