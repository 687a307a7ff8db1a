public import FHIR
public import Foundation
public import Logging
public import Store

/// The intake of FHIR over HTTP: reads and validates a resource or Bundle, stores it in one
/// transaction, and only then answers — the same durable intake as MLLP, without HTTP itself
/// (the `Server` module maps requests and responses).
///
/// - A body that is not FHIR JSON or XML (wrong media type) is answered 415; one that cannot be
///   read (bad JSON, no or unknown `resourceType`) 400; a resource that does not suit the
///   interaction (a Patient posted to `/Observation`, a collection Bundle to `$process-message`)
///   400; one with validation errors (structure, cardinality, formats, bindings, invariants,
///   `meta.profile`) 422. Each is stored as a rejected message and answered with an
///   OperationOutcome naming every problem with its FHIRPath expression and line.
/// - An accepted resource is answered 202 (Accepted: stored, to be routed and delivered) with an
///   OperationOutcome, a message Bundle 200 with a response message (`MessageHeader.response`
///   `ok`): the answer means "stored", as an HL7 v2 commit acknowledgement does.
/// - A retransmission within the deduplication window — the same `Bundle.identifier`, the same
///   message (`MessageHeader.id` from the same source) or the same `If-None-Exist` query — is
///   answered 200 and not stored again.
/// - When the store fails, the answer is 503, so the client sends again: nothing is answered 2xx
///   that was not stored.
public struct FHIRIntake: Sendable {
    /// Intake settings.
    public struct Configuration: Sendable {
        /// Retransmissions within this window are recognised; zero turns deduplication off.
        public var deduplicationWindow: Duration
        /// The largest body accepted; a larger one is answered 413.
        public var maximumBodySize: Int
        /// Profiles (canonical URLs) every resource must also conform to, besides its `meta.profile`.
        public var profiles: [String]
        /// Whether an extension whose definition is not known is accepted with a warning (a
        /// hospital's own extensions) rather than rejected.
        public var allowsUnknownExtensions: Bool

        /// Creates a configuration.
        public init(
            deduplicationWindow: Duration = .seconds(24 * 3600), maximumBodySize: Int = 16 << 20, profiles: [String] = [],
            allowsUnknownExtensions: Bool = true
        ) {
            self.deduplicationWindow = deduplicationWindow
            self.maximumBodySize = maximumBodySize
            self.profiles = profiles
            self.allowsUnknownExtensions = allowsUnknownExtensions
        }
    }

    /// Which FHIR interaction a request is.
    public enum Interaction: Sendable, Hashable {
        /// `POST [base]/[type]`: create a resource of this type.
        case create(type: String)
        /// `POST [base]`: a transaction, batch or message Bundle.
        case bundle
        /// `POST [base]/$process-message`: a message Bundle.
        case processMessage
    }

    /// The FHIR encoding of a request or response body.
    public enum Encoding: Sendable, Hashable {
        /// `application/fhir+json`.
        case json
        /// `application/fhir+xml`.
        case xml

        /// The encoding a media type names (`application/fhir+json`, `application/json`,
        /// `application/fhir+xml`, `application/xml`, `text/xml`, parameters ignored), or `nil`.
        public init?(mediaType: String) {
            let essence = mediaType.split(separator: ";", maxSplits: 1).first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            } ?? ""
            switch essence {
            case "application/fhir+json", "application/json", "json": self = .json
            case "application/fhir+xml", "application/xml", "text/xml", "xml": self = .xml
            default: return nil
            }
        }

        /// The media type of a response, with its charset.
        public var mediaType: String {
            self == .json ? "application/fhir+json; charset=utf-8" : "application/fhir+xml; charset=utf-8"
        }

        var format: MessageFormat { self == .json ? .fhirJSON : .fhirXML }
    }

    /// One request, as the HTTP edge read it.
    public struct Request: Sendable {
        /// The interaction (from the method and path).
        public var interaction: Interaction
        /// The body's `Content-Type`, when given.
        public var contentType: String?
        /// The body.
        public var body: [UInt8]
        /// The `If-None-Exist` header of a create, when given.
        public var ifNoneExist: String?

        /// Creates a request.
        public init(interaction: Interaction, contentType: String?, body: [UInt8], ifNoneExist: String? = nil) {
            self.interaction = interaction
            self.contentType = contentType
            self.body = body
            self.ifNoneExist = ifNoneExist
        }
    }

    /// What intake answers.
    public struct Response: Sendable {
        /// The HTTP status.
        public var status: Int
        /// The body: an OperationOutcome, or a response message Bundle.
        public var resource: Element
        /// The stored message (the original one for a retransmission); `nil` when nothing was stored.
        public var messageID: MessageID?
        /// Whether the request was a retransmission of a stored message.
        public var isDuplicate: Bool
    }

    let store: any MessageStore
    /// The settings.
    public var configuration: Configuration
    let validator: Validator
    let logger: Logger
    /// Where requests received and store latencies are recorded.
    let metrics: BusMetrics

    /// Creates an intake writing to a store and validating with `validator` (its unknown-extension
    /// option set from `configuration`).
    public init(
        store: any MessageStore, configuration: Configuration = Configuration(), validator: Validator, metrics: BusMetrics = .disabled, logger: Logger
    ) {
        self.store = store
        self.configuration = configuration
        self.metrics = metrics
        var validator = validator
        validator.options.allowsUnknownExtensions = configuration.allowsUnknownExtensions
        self.validator = validator
        self.logger = logger
    }

    /// Reads, validates and stores one request received on `channel`; returns the answer.
    public func receive(_ request: Request, channel: String, receivedAt: Date = Date()) async -> Response {
        guard let encoding = request.contentType.flatMap(Encoding.init(mediaType:)) else {
            let message = request.contentType.map { "the media type \($0) is not FHIR; send application/fhir+json or application/fhir+xml" }
                ?? "the request has no Content-Type; send application/fhir+json or application/fhir+xml"
            return await reject(
                request.body, format: .unknown, reason: .unsupportedFormat, status: 415, channel: channel, receivedAt: receivedAt,
                issues: [ValidationIssue(.error, ValidationIssue.Code("not-supported"), at: "", message)])
        }
        let definitions = validator.definitions
        let read: (Element?, [FormatError])
        do {
            read = encoding == .json
                ? try Element.read(json: request.body, definitions: definitions)
                : try Element.read(xml: request.body, definitions: definitions)
        } catch {
            return await reject(
                request.body, format: encoding.format, reason: .unparsable, status: 400, channel: channel, receivedAt: receivedAt,
                issues: [ValidationIssue(reading: error, severity: .fatal)])
        }
        guard let resource = read.0 else {
            let issues = read.1.map { ValidationIssue(reading: $0, severity: .fatal) }
            return await reject(request.body, format: encoding.format, reason: .unparsable, status: 400, channel: channel, receivedAt: receivedAt, issues: issues)
        }
        let header = FHIRMessageHeader(resource, ifNoneExist: request.ifNoneExist)
        if let problem = Self.mismatch(resource, interaction: request.interaction) {
            return await reject(
                request.body, format: encoding.format, header: header.stored, reason: .invalid, status: 400, channel: channel,
                receivedAt: receivedAt, issues: [ValidationIssue(.error, .processing, at: resource.type, problem)])
        }
        var issues = read.1.map { ValidationIssue(reading: $0) }
        issues += validator.validate(resource, profiles: configuration.profiles).issues
        if issues.contains(where: { $0.severity >= .error }) {
            return await reject(request.body, format: encoding.format, header: header.stored, reason: .invalid, status: 422, channel: channel, receivedAt: receivedAt, issues: issues)
        }

        let incoming = IncomingMessage(channel: channel, raw: request.body, format: encoding.format, header: header.stored, receivedAt: receivedAt)
        let result: ReceiveResult
        do {
            result = try await metrics.timing(.receive) { try await store.receive(incoming, deduplicationWindow: configuration.deduplicationWindow) }
        } catch {
            var metadata = Self.metadata(header.stored, channel: channel)
            metadata["error"] = "\(String(describing: error))"
            logger.error("could not store a FHIR request; answering 503 so that it is sent again", metadata: metadata)
            metrics.received(channel: channel, header: header.stored, outcome: .error)
            let issue = ValidationIssue(.error, ValidationIssue.Code("transient"), at: "", "the request could not be stored; send it again")
            return Response(status: 503, resource: ValidationResult(issues: [issue]).operationOutcome, messageID: nil, isDuplicate: false)
        }
        let isDuplicate: Bool
        if case .duplicate = result { isDuplicate = true } else { isDuplicate = false }
        metrics.received(channel: channel, header: header.stored, outcome: isDuplicate ? .duplicate : .accepted)
        if isDuplicate {
            logger.info("answered a retransmission again", metadata: Self.metadata(header.stored, channel: channel))
        }
        let id = result.messageID
        if resource.type == "Bundle", header.bundleType == "message" {
            let answer = Self.responseMessage(answering: header, now: receivedAt)
            return Response(status: 200, resource: answer, messageID: id, isDuplicate: isDuplicate)
        }
        let text = isDuplicate
            ? "already received as message \(id); not stored again"
            : "stored as message \(id); it will be routed and delivered"
        let outcome = ValidationResult(issues: [ValidationIssue(.information, ValidationIssue.Code("informational"), at: "", text)] + issues)
        return Response(status: isDuplicate ? 200 : 202, resource: outcome.operationOutcome, messageID: id, isDuplicate: isDuplicate)
    }

    /// Answers a body over ``Configuration/maximumBodySize`` with 413, storing its first bytes
    /// as a rejected message (reason `oversized`) so the sender can be found.
    public func reject(oversized prefix: [UInt8], length: Int?, contentType: String?, channel: String, receivedAt: Date = Date()) async -> Response {
        let format = contentType.flatMap(Encoding.init(mediaType:))?.format ?? .unknown
        let size = length.map { "\($0) bytes" } ?? "larger than that"
        let issue = ValidationIssue(
            .error, ValidationIssue.Code("too-long"), at: "",
            "the body is \(size); this endpoint accepts at most \(configuration.maximumBodySize) bytes")
        return await reject(prefix, format: format, reason: .oversized, status: 413, channel: channel, receivedAt: receivedAt, issues: [issue])
    }

    /// Stores rejected input (never routed) and builds the OperationOutcome answer.
    private func reject(
        _ bytes: [UInt8], format: MessageFormat, header: MessageHeader = MessageHeader(), reason: RejectionReason, status: Int,
        channel: String, receivedAt: Date, issues: [ValidationIssue]
    ) async -> Response {
        var metadata = Self.metadata(header, channel: channel)
        metadata["fhir.rejection"] = "\(reason)"
        metadata["http.status"] = "\(status)"
        var messageID: MessageID?
        do {
            let incoming = IncomingMessage(channel: channel, raw: bytes, format: format, header: header, receivedAt: receivedAt, rejection: reason)
            messageID = try await metrics.timing(.receive) { try await store.receive(incoming, deduplicationWindow: .zero) }.messageID
            logger.notice("rejected a FHIR request", metadata: metadata)
            metrics.received(channel: channel, header: header, outcome: .rejected)
        } catch {
            metadata["error"] = "\(String(describing: error))"
            logger.error("could not store a rejected FHIR request", metadata: metadata)
            metrics.received(channel: channel, header: header, outcome: .error)
        }
        return Response(status: status, resource: ValidationResult(issues: issues).operationOutcome, messageID: messageID, isDuplicate: false)
    }

    /// What is logged about a request: channel, type and event, and the control ID unless it is an
    /// `If-None-Exist` query (which holds patient identifiers).
    static func metadata(_ header: MessageHeader, channel: String) -> Logger.Metadata {
        var header = header
        if header.controlID.map(FHIRMessageHeader.isQuery) == true { header.controlID = nil }
        return Intake.metadata(header, channel: channel)
    }

    /// Why a resource does not suit the interaction, or `nil`.
    static func mismatch(_ resource: Element, interaction: Interaction) -> String? {
        let bundleType = resource.type == "Bundle" ? resource.child(named: "type")?.value?.text : nil
        switch interaction {
        case .create(let type):
            guard resource.type == type else { return "the body is a \(resource.type), but this endpoint takes a \(type)" }
            return nil
        case .bundle:
            guard let bundleType, ["transaction", "batch", "message"].contains(bundleType) else {
                return "this endpoint takes a Bundle of type transaction, batch or message, not \(bundleType.map { "a \($0) Bundle" } ?? "a \(resource.type)")"
            }
            return messageProblem(resource, bundleType: bundleType)
        case .processMessage:
            guard bundleType == "message" else {
                return "$process-message takes a Bundle of type message, not \(bundleType.map { "a \($0) Bundle" } ?? "a \(resource.type)")"
            }
            return messageProblem(resource, bundleType: "message")
        }
    }

    /// A message Bundle must start with its MessageHeader.
    private static func messageProblem(_ bundle: Element, bundleType: String) -> String? {
        guard bundleType == "message" else { return nil }
        let first = bundle.children(named: "entry").first?.child(named: "resource")
        guard first?.type == "MessageHeader" else { return "a message Bundle's first entry must be its MessageHeader" }
        return nil
    }

    /// The response message for an accepted message Bundle: a Bundle of type message whose
    /// MessageHeader answers the request's (`response.identifier` its id, code `ok`), with the
    /// request's event and its source as destination.
    static func responseMessage(answering header: FHIRMessageHeader, now: Date) -> Element {
        let headerID = UUID().uuidString.lowercased()
        var messageHeader: [String: Any] = [
            "resourceType": "MessageHeader",
            "id": headerID,
            "source": ["name": "LienThong", "software": "LienThong", "endpoint": header.destinationEndpoint ?? "urn:lienthong"],
            "response": ["identifier": header.messageHeaderID ?? "unknown", "code": "ok"],
        ]
        if let coding = header.eventCoding {
            var event: [String: Any] = [:]
            for name in ["system", "version", "code", "display"] {
                if let text = coding.child(named: name)?.value?.text { event[name] = text }
            }
            messageHeader["eventCoding"] = event
        } else {
            messageHeader["eventUri"] = header.eventURI ?? "urn:lienthong:unknown-event"
        }
        if let source = header.sourceEndpoint {
            messageHeader["destination"] = [["endpoint": source]]
        }
        let bundle: [String: Any] = [
            "resourceType": "Bundle",
            "id": UUID().uuidString.lowercased(),
            "type": "message",
            "timestamp": FHIRMessageHeader.instant(now),
            "entry": [["fullUrl": "urn:uuid:\(headerID)", "resource": messageHeader]],
        ]
        // Built from the request's own (validated) values, so reading it back does not fail.
        let bytes = (try? JSONSerialization.data(withJSONObject: bundle)).map { [UInt8]($0) } ?? []
        return (try? Element(json: bytes)) ?? Element(name: "Bundle", type: "Bundle")
    }
}
