public import Foundation
public import HL7v2
public import Logging
public import Store

/// The first step of the bus: reads the header of what a connector received, stores the raw
/// bytes and the header in one transaction, and only then builds the acknowledgement.
///
/// - A message that cannot be parsed is stored as `rejected` (`unparsable`) and answered AR
///   (CR in enhanced mode) with an ERR segment.
/// - A message with errors (bad segment IDs, invalid text) is stored as `rejected` (`invalid`) and
///   answered AE/CE with an ERR segment per problem.
/// - A retransmission (same channel, MSH-3, MSH-4 and MSH-10 within the deduplication window) is
///   answered AA/CA again and not stored for routing a second time.
/// - When the store fails, the answer is AE/CE with condition 207, so the sender sends again:
///   nothing is acknowledged that was not stored.
public struct Intake: Sendable {
    /// Intake settings.
    public struct Configuration: Sendable {
        /// Retransmissions within this window are recognised; zero turns deduplication off.
        public var deduplicationWindow: Duration
        /// Where the patient identifier is read (stored for search, never logged).
        public var patientIDPath: Path

        /// Creates a configuration.
        public init(deduplicationWindow: Duration = .seconds(24 * 3600), patientIDPath: Path = "PID-3.1") {
            self.deduplicationWindow = deduplicationWindow
            self.patientIDPath = patientIDPath
        }
    }

    /// What intake did with one input.
    public struct Outcome: Sendable {
        /// The acknowledgement to send back, as ER7 bytes (CR terminators).
        public var acknowledgment: [UInt8]
        /// Its MSA-1 code.
        public var code: Acknowledgment.Code
        /// The stored message (the original one for a retransmission); `nil` when the store failed.
        public var messageID: MessageID?
        /// Whether the input was a retransmission of a stored message.
        public var isDuplicate: Bool
    }

    let store: any MessageStore
    /// The settings.
    public var configuration: Configuration
    let logger: Logger
    /// Where messages received and store latencies are recorded.
    let metrics: BusMetrics

    /// Creates an intake writing to a store.
    public init(store: any MessageStore, configuration: Configuration = Configuration(), metrics: BusMetrics = .disabled, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// Stores one input received on `channel` and returns the acknowledgement to send.
    public func receive(_ bytes: [UInt8], channel: String, receivedAt: Date = Date()) async -> Outcome {
        let message: Message
        do {
            message = try Message(bytes)
        } catch {
            return await reject(unparsable: bytes, error: error, channel: channel, receivedAt: receivedAt)
        }
        let mode = Acknowledgment.Mode(for: message)
        let header = Self.header(of: message, patientIDPath: configuration.patientIDPath)
        let malformed = message.isMalformed
        let incoming = IncomingMessage(channel: channel, raw: bytes, header: header, receivedAt: receivedAt, rejection: malformed ? .invalid : nil)
        do {
            let result = try await metrics.timing(.receive) {
                try await store.receive(incoming, deduplicationWindow: malformed ? .zero : configuration.deduplicationWindow)
            }
            let code = Acknowledgment.Code(for: message.issues, mode: mode)
            let isDuplicate: Bool
            if case .duplicate = result { isDuplicate = true } else { isDuplicate = false }
            metrics.received(channel: channel, header: header, outcome: malformed ? .rejected : isDuplicate ? .duplicate : .accepted)
            if malformed {
                logger.notice("rejected an invalid message", metadata: Self.metadata(header, channel: channel))
            } else if isDuplicate {
                logger.info("acknowledged a retransmission again", metadata: Self.metadata(header, channel: channel))
            }
            let ack = message.encodedAcknowledgment(code: code, timestamp: receivedAt)
            return Outcome(acknowledgment: ack, code: code, messageID: result.messageID, isDuplicate: isDuplicate)
        } catch {
            var metadata = Self.metadata(header, channel: channel)
            metadata["error"] = "\(String(describing: error))"
            logger.error("could not store a message; answering with an error so that it is sent again", metadata: metadata)
            metrics.received(channel: channel, header: header, outcome: .error)
            let code: Acknowledgment.Code = mode == .enhanced ? .ce : .ae
            let issue = Issue(.applicationInternalError, at: Location(), "the message could not be stored; send it again")
            let ack = message.acknowledgment(code: code, issues: [issue], includingParseIssues: false, timestamp: receivedAt)
            return Outcome(acknowledgment: ack.encoded(), code: code, messageID: nil, isDuplicate: false)
        }
    }

    /// What intake logs about a message: its channel, control ID and type, never patient data.
    static func metadata(_ header: MessageHeader, channel: String) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["hl7.channel": "\(channel)"]
        if let controlID = header.controlID { metadata["hl7.control_id"] = "\(controlID)" }
        if let type = header.messageType { metadata["hl7.message_type"] = "\(type)^\(header.triggerEvent ?? "")" }
        return metadata
    }

    /// The header fields stored with a message; the patient identifier only with a path.
    static func header(of message: Message, patientIDPath: Path?) -> MessageHeader {
        MessageHeader(
            messageType: message.messageType,
            triggerEvent: message.triggerEvent,
            controlID: message.controlID,
            sendingApplication: message.sendingApplication,
            sendingFacility: message.sendingFacility,
            patientID: patientIDPath.flatMap { message.value(at: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    private func reject(unparsable bytes: [UInt8], error: ParseError, channel: String, receivedAt: Date) async -> Outcome {
        var messageID: MessageID? = nil
        do {
            let incoming = IncomingMessage(channel: channel, raw: bytes, header: MessageHeader(), receivedAt: receivedAt, rejection: .unparsable)
            messageID = try await metrics.timing(.receive) { try await store.receive(incoming, deduplicationWindow: .zero) }.messageID
            logger.notice("rejected an unparsable message", metadata: ["hl7.channel": "\(channel)", "hl7.error": "\(error.code)"])
            metrics.received(channel: channel, header: nil, outcome: .rejected)
        } catch let storeError {
            logger.error("could not store an unparsable message", metadata: ["hl7.channel": "\(channel)", "error": "\(String(describing: storeError))"])
            metrics.received(channel: channel, header: nil, outcome: .error)
        }
        let ack = Message.acknowledgment(forUnparsable: bytes, error: error, timestamp: receivedAt)
        let code = (try? Acknowledgment(parsing: ack))?.code ?? .ar
        return Outcome(acknowledgment: ack.encoded(), code: code, messageID: messageID, isDuplicate: false)
    }
}
