public import Bus
public import FHIR
import Foundation
public import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import Store

/// The HTTP side of one FHIR channel: turns requests into ``Bus/FHIRIntake`` requests and its
/// answers into responses.
///
/// | request | answer |
/// | --- | --- |
/// | `POST <base>` (transaction, batch or message Bundle) | 202 OperationOutcome; a message 200 with a response message |
/// | `POST <base>/<type>` (`If-None-Exist` recognised) | 202 OperationOutcome |
/// | `POST <base>/$process-message` | 200 response message |
/// | `GET <base>/metadata` | 200 CapabilityStatement |
/// | a retransmission | 200, not stored again |
/// | not FHIR / unreadable / wrong for the endpoint / invalid / too large | 415 / 400 / 400 / 422 / 413 OperationOutcome |
/// | from a sender the channel's allow-list refuses (any of the above) | 403 OperationOutcome (`forbidden`), nothing read or stored |
///
/// Responses are FHIR JSON, or XML when `_format` or `Accept` asks for it. Every response to a
/// stored request carries `X-LienThong-Message-ID`.
public struct FHIRRoutes: Sendable {
    /// The channel's endpoint.
    public let endpoint: FHIREndpoint
    /// Definitions used to write responses (and to list resource types in the CapabilityStatement).
    let definitions: Definitions
    /// At most this much of an oversized body is read and stored.
    static let oversizedPrefix = 64 * 1024

    /// Creates the routes of one endpoint.
    public init(endpoint: FHIREndpoint, definitions: Definitions = .r4) {
        self.endpoint = endpoint
        self.definitions = definitions
    }

    /// Adds the endpoint's routes to `router`.
    public func add<Context: RequestContext>(to router: Hummingbird.Router<Context>) {
        let base = endpoint.path
        let capabilities = FHIRCapabilities.statement(definitions: definitions)
        router.get(RouterPath(base + "/metadata")) { request, context in
            if let refused = await refuse(request, context) { return refused }
            return respond(status: 200, resource: capabilities, to: request)
        }
        router.post(RouterPath(base)) { request, context in
            if let refused = await refuse(request, context) { return refused }
            return await receive(request, interaction: .bundle)
        }
        router.post(RouterPath(base + "/$process-message")) { request, context in
            if let refused = await refuse(request, context) { return refused }
            return await receive(request, interaction: .processMessage)
        }
        router.post(RouterPath(base + "/:type")) { request, context in
            if let refused = await refuse(request, context) { return refused }
            let type = context.parameters.get("type") ?? ""
            guard definitions.isResourceType(type), type != "Resource", type != "DomainResource" else {
                let issue = ValidationIssue(.error, .notFound, at: "", "\(type) is not a FHIR R4 resource type")
                return respond(status: 404, resource: ValidationResult(issues: [issue]).operationOutcome, to: request)
            }
            return await receive(request, interaction: .create(type: type))
        }
        router.get(RouterPath(base + "/:type")) { request, context in
            if let refused = await refuse(request, context) { return refused }
            let issue = ValidationIssue(
                .error, ValidationIssue.Code("not-supported"), at: "",
                "this endpoint takes resources (POST) for delivery; it does not serve reads or searches")
            return respond(status: 405, resource: ValidationResult(issues: [issue]).operationOutcome, to: request)
        }
    }

    /// The 403 answer to a sender the channel's allow-list refuses (logged and counted, its body
    /// not read); `nil` when the sender is allowed.
    func refuse<Context: RequestContext>(_ request: Request, _ context: Context) async -> Response? {
        guard let allow = endpoint.allow else { return nil }
        let address: SocketAddress?
        var subject: String?
        if let sender = context as? any SenderRequestContext {
            address = sender.remoteAddress
            if !allow.clientSubjects.isEmpty { subject = await sender.peerCertificateSubject() }
        } else {
            address = nil
        }
        guard let reason = allow.refusal(address: address, subject: subject) else { return nil }
        var metadata: Logger.Metadata = [
            "hl7.channel": "\(endpoint.channel)", "http.remote_address": "\(address.map { "\($0)" } ?? "unknown")", "http.refusal": "\(reason)",
        ]
        if let subject, reason == .clientSubject { metadata["tls.peer_subject"] = "\(subject)" }
        context.logger.notice("HTTP request refused by the channel's allow-list", metadata: metadata)
        endpoint.refused(reason)
        let issue = ValidationIssue(.error, ValidationIssue.Code("forbidden"), at: "", "this sender may not send to this channel")
        return respond(status: 403, resource: ValidationResult(issues: [issue]).operationOutcome, to: request)
    }

    /// Reads the body (up to the limit), hands it to intake and answers; records the time taken.
    func receive(_ request: Request, interaction: FHIRIntake.Interaction) async -> Response {
        // The acknowledgement latency runs from the request's head to its answer built (the
        // body is then written by the server).
        let clock = ContinuousClock()
        let start = clock.now
        let response = await answer(request, interaction: interaction)
        endpoint.acknowledged(after: clock.now - start)
        return response
    }

    private func answer(_ request: Request, interaction: FHIRIntake.Interaction) async -> Response {
        let contentType = request.headers[.contentType]
        let limit = endpoint.intake.configuration.maximumBodySize
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        // Over the limit (declared, or found while reading), only the first bytes are kept, to
        // store with the rejection.
        var body: [UInt8] = []
        var received = 0
        var oversized = (declared ?? 0) > limit
        do {
            for try await buffer in request.body {
                received += buffer.readableBytes
                oversized = oversized || received > limit
                body.append(contentsOf: buffer.readableBytesView)
                if oversized, body.count >= Self.oversizedPrefix { break }
            }
        } catch where !oversized {
            let issue = ValidationIssue(.error, ValidationIssue.Code("incomplete"), at: "", "the request body could not be read: \(error)")
            return respond(status: 400, resource: ValidationResult(issues: [issue]).operationOutcome, to: request)
        } catch {
            // What was read is enough to store; the client gets its 413 either way.
        }
        let response: FHIRIntake.Response
        if oversized {
            response = await endpoint.reject(oversized: Array(body.prefix(Self.oversizedPrefix)), length: declared, contentType: contentType)
        } else {
            let ifNoneExist = HTTPField.Name("If-None-Exist").flatMap { request.headers[$0] }
            response = await endpoint.receive(FHIRIntake.Request(interaction: interaction, contentType: contentType, body: body, ifNoneExist: ifNoneExist))
        }
        return respond(status: response.status, resource: response.resource, messageID: response.messageID, to: request)
    }

    /// A FHIR response in the encoding the request asks for.
    func respond(status: Int, resource: Element, messageID: MessageID? = nil, to request: Request) -> Response {
        let encoding = Self.responseEncoding(for: request)
        let bytes = encoding == .json ? resource.json(definitions: definitions, pretty: true) : resource.xml(definitions: definitions, pretty: true)
        var headers: HTTPFields = [.contentType: encoding.mediaType]
        if let messageID, let name = HTTPField.Name("X-LienThong-Message-ID") {
            headers[name] = "\(messageID)"
        }
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// JSON, unless `_format` or `Accept` names XML (and not JSON).
    static func responseEncoding(for request: Request) -> FHIRIntake.Encoding {
        if let format = request.uri.queryParameters["_format"], let encoding = FHIRIntake.Encoding(mediaType: String(format)) {
            return encoding
        }
        let accept = request.headers[.accept] ?? ""
        if accept.contains("xml"), !accept.contains("json") { return .xml }
        return .json
    }
}
