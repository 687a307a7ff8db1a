public import Bus
public import Foundation
import MLLP
import HTTPTypes
public import Hummingbird
import NIOCore
public import Store

/// The admin API (`/api/…`, JSON): what flows and what is stuck, the messages, and the actions
/// on them. Every request but `GET /api/openapi.json` needs `Authorization: Bearer <token>` of a
/// configured ``Bus/APIToken``; each route needs a role (``Bus/AdminRole``), and content (raw
/// messages, outputs, responses) is shown to operators and admins only.
///
/// | request | role | answer |
/// | --- | --- | --- |
/// | `GET /api/openapi.json` | none | the OpenAPI 3.1 description of these routes |
/// | `GET /api/channels` | viewer | each channel: source, address or path, routes |
/// | `GET /api/destinations` | viewer | each destination: kind, paused, concurrency, entries per state, oldest pending entry's age |
/// | `GET /api/messages?…` | viewer (operator to search by `patientID`) | message summaries (no content), newest last, keyset paged by `after` |
/// | `GET /api/messages/{id}` | viewer; content for operator | the message, its entries and their attempts; operators also get the raw message, each entry's output and each attempt's response |
/// | `GET /api/messages/{id}/hl7` | operator | the raw HL7 v2 message segment by segment, each field with its name (``addHL7View(to:)``) |
/// | `POST /api/messages/{id}/replay` | operator | new entries: to its original destinations, or `{"destination": "…"}` |
/// | `POST /api/entries/{id}/replay` | operator | the new entry delivering that entry's payload again |
/// | `POST /api/destinations/{name}/dead-letters/retry` | operator | every dead letter of the destination not yet replayed, replayed |
/// | `POST /api/config/reload` | admin | the reload's outcome (as `POST /admin/reload`) |
///
/// Errors are `{"error": "…"}` with 400 (a bad parameter), 401 (no or unknown token, with
/// `WWW-Authenticate: Bearer`), 403 (the role does not allow it), 404 and 409 (the store refused).
public struct AdminAPI: Sendable {
    /// The store the API reads and acts on.
    let store: any MessageStore
    /// The configuration in use (it changes with reloads): channels, destinations, tokens.
    let configuration: @Sendable () -> BusConfiguration
    /// Applies the configuration file again.
    let reload: @Sendable () async -> ConfigurationReload
    /// The clock.
    let now: @Sendable () -> Date

    /// Creates the API.
    ///
    /// - Parameters:
    ///   - configuration: the configuration in use, read on every request (tokens and
    ///     destinations follow reloads).
    ///   - reload: runs for `POST /api/config/reload`.
    public init(
        store: any MessageStore, configuration: @escaping @Sendable () -> BusConfiguration,
        reload: @escaping @Sendable () async -> ConfigurationReload, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.configuration = configuration
        self.reload = reload
        self.now = now
    }

    /// The largest page of `GET /api/messages`.
    public static let maximumPageSize = 200

    /// Adds the routes to `router`.
    public func add<Context: RequestContext>(to router: Hummingbird.Router<Context>) {
        router.get("/api/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: AdminAPIDescription.document)))
        }
        router.get("/api/channels") { request, _ in
            try await authorized(request, .viewer) { _ in Self.json(channels()) }
        }
        router.get("/api/destinations") { request, _ in
            try await authorized(request, .viewer) { _ in Self.json(try await destinations()) }
        }
        router.get("/api/messages") { request, _ in
            try await authorized(request, .viewer) { token in try await messages(request.uri.queryParameters, role: token.role) }
        }
        router.get("/api/messages/{id}") { request, context in
            try await authorized(request, .viewer) { token in
                guard let id = context.parameters.get("id").flatMap(Int64.init) else { return Self.error(.badRequest, "expected a message id") }
                return try await message(MessageID(rawValue: id), role: token.role)
            }
        }
        router.post("/api/messages/{id}/replay") { request, context in
            try await authorized(request, .operator) { _ in
                guard let id = context.parameters.get("id").flatMap(Int64.init) else { return Self.error(.badRequest, "expected a message id") }
                let body = try await request.body.collect(upTo: 64 * 1024)
                var target = ReplayTarget.originalDestinations
                if body.readableBytes > 0 {
                    guard let replay = try? JSONDecoder().decode(ReplayRequest.self, from: Data(body.readableBytesView)) else {
                        return Self.error(.badRequest, #"expected no body, or {"destination": "NAME"}"#)
                    }
                    if let destination = replay.destination {
                        guard configuration().destinations.contains(where: { $0.name == destination }) else {
                            return Self.error(.badRequest, "no destination \(destination)")
                        }
                        target = .destination(destination)
                    }
                }
                return try await storeAction {
                    let entries = try await store.replay(message: MessageID(rawValue: id), to: target, now: now())
                    return Self.json(["entries": entries.map(\.rawValue)])
                }
            }
        }
        router.post("/api/entries/{id}/replay") { request, context in
            try await authorized(request, .operator) { _ in
                guard let id = context.parameters.get("id").flatMap(Int64.init) else { return Self.error(.badRequest, "expected an entry id") }
                return try await storeAction {
                    let entry = try await store.replay(entry: EntryID(rawValue: id), now: now())
                    return Self.json(["entry": entry.rawValue])
                }
            }
        }
        router.post("/api/destinations/{name}/dead-letters/retry") { request, context in
            try await authorized(request, .operator) { _ in
                guard let name = context.parameters.get("name"), configuration().destinations.contains(where: { $0.name == name }) else {
                    return Self.error(.notFound, "no such destination")
                }
                return try await storeAction {
                    var replayed: [Int64] = []
                    for entry in try await store.unreplayedDeadLetters(destination: name) {
                        replayed.append(try await store.replay(entry: entry, now: now()).rawValue)
                    }
                    return Self.json(["entries": replayed])
                }
            }
        }
        addHL7View(to: router)
        router.post("/api/config/reload") { request, _ in
            try await authorized(request, .admin) { _ in
                let result = await reload()
                return Self.json(result, status: result.applied ? .ok : .unprocessableContent)
            }
        }
    }

    // MARK: Authorization

    /// Runs `body` for a request whose bearer token has at least `role`; 401 or 403 otherwise.
    func authorized(_ request: Request, _ role: AdminRole, _ body: (APIToken) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            let token = configuration().security.token(matching: String(header.dropFirst("Bearer ".count)))
        else {
            var response = Self.error(.unauthorized, "a valid API token is required (Authorization: Bearer …)")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        guard token.role >= role else {
            return Self.error(.forbidden, "the role \(token.role.rawValue) may not do this (\(role.rawValue) or above may)")
        }
        return try await body(token)
    }

    /// Runs a store action; the store's refusals (unknown id, wrong state) become 404 and 409.
    func storeAction(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as StoreError {
            switch error.code {
            case .notFound: return Self.error(.notFound, "\(error)")
            case .invalidState: return Self.error(.conflict, "\(error)")
            default: throw error
            }
        }
    }

    // MARK: Reads

    func channels() -> [ChannelSummary] {
        configuration().channels.map { channel in
            let (source, address): (String, String)
            switch channel.source {
            case .mllp(let listener): (source, address) = ("mllp", "\(listener.host):\(listener.port)")
            case .fhir(let fhir): (source, address) = ("fhir", fhir.path)
            case .folder(let folder): (source, address) = ("folder", folder.folder.path)
            }
            return ChannelSummary(
                name: channel.name, source: source, address: address,
                routes: channel.routes.map { ChannelSummary.Route(destination: $0.destination, mapping: $0.mapping) })
        }
    }

    func destinations() async throws -> [DestinationSummary] {
        let depths = try await store.queueDepths()
        var summaries: [DestinationSummary] = []
        for destination in configuration().destinations {
            var counts: [String: Int] = [:]
            for depth in depths where depth.destination == destination.name { counts[depth.state.rawValue, default: 0] += depth.count }
            let oldest = try await store.entries(destination: destination.name, state: .pending, after: nil, limit: 1).first
            summaries.append(
                DestinationSummary(
                    name: destination.name, kind: Self.kind(of: destination.endpoint), paused: destination.isPaused,
                    concurrency: destination.concurrency, entries: counts,
                    oldestPendingSeconds: oldest.map { max(0, now().timeIntervalSince($0.enqueuedAt)) }))
        }
        return summaries
    }

    static func kind(of endpoint: DestinationConfiguration.Endpoint) -> String {
        switch endpoint {
        case .mllp: "mllp"
        case .http: "http"
        case .file: "file"
        case .insuranceGateway: "insurance-gateway"
        case .fhirServer: "fhir-server"
        case .ePrescription: "e-prescription"
        }
    }

    func messages(_ parameters: Hummingbird.Parameters, role: AdminRole) async throws -> Response {
        var query = MessageQuery()
        let known: Set<String> = [
            "channel", "state", "type", "event", "controlID", "sendingApplication", "sendingFacility", "patientID", "from", "to", "after", "limit",
        ]
        if let unknown = parameters.map({ String($0.key) }).first(where: { !known.contains($0) }) {
            return Self.error(.badRequest, "unknown parameter \(unknown); expected one of \(known.sorted().joined(separator: ", "))")
        }
        query.channel = parameters.get("channel")
        if let state = parameters.get("state") {
            let known: [MessageState] = [.received, .routed, .filtered, .rejected]
            guard let parsed = known.first(where: { $0.rawValue == state }) else {
                return Self.error(.badRequest, "unknown message state \(state); expected received, routed, filtered or rejected")
            }
            query.state = parsed
        }
        query.messageType = parameters.get("type")
        query.triggerEvent = parameters.get("event")
        query.controlID = parameters.get("controlID")
        query.sendingApplication = parameters.get("sendingApplication")
        query.sendingFacility = parameters.get("sendingFacility")
        if let patient = parameters.get("patientID") {
            guard role >= .operator else { return Self.error(.forbidden, "searching by patient needs the operator role") }
            query.patientID = patient
        }
        for (name, keyPath) in [("from", \MessageQuery.receivedFrom), ("to", \MessageQuery.receivedBefore)] {
            guard let text = parameters.get(name) else { continue }
            guard let date = try? Date(text, strategy: .iso8601) else { return Self.error(.badRequest, "\(name): expected an ISO 8601 time such as 2026-11-24T08:00:00Z") }
            query[keyPath: keyPath] = date
        }
        var after: MessageID?
        if let text = parameters.get("after") {
            guard let id = Int64(text) else { return Self.error(.badRequest, "after: expected a message id") }
            after = MessageID(rawValue: id)
        }
        var limit = 50
        if let text = parameters.get("limit") {
            guard let value = Int(text), (1...Self.maximumPageSize).contains(value) else {
                return Self.error(.badRequest, "limit: expected 1–\(Self.maximumPageSize)")
            }
            limit = value
        }
        let found = try await store.messages(matching: query, after: after, limit: limit)
        return Self.json(MessagePage(messages: found.map(MessageSummary.init), next: found.count == limit ? found.last?.id.rawValue : nil))
    }

    func message(_ id: MessageID, role: AdminRole) async throws -> Response {
        guard let stored = try await store.message(id) else { return Self.error(.notFound, "no message \(id.rawValue)") }
        let showsContent = role >= .operator
        var entries: [EntryDetail] = []
        for entry in try await store.entries(of: id) {
            let attempts = try await store.attempts(of: entry.id).map { attempt in
                AttemptDetail(
                    number: attempt.number, outcome: attempt.outcome, startedAt: attempt.report.startedAt,
                    durationSeconds: Double(attempt.report.duration.components.seconds) + Double(attempt.report.duration.components.attoseconds) / 1e18,
                    responseCode: attempt.report.responseCode, error: attempt.report.error,
                    response: showsContent ? attempt.report.response.map(Content.init) : nil)
            }
            let output = showsContent ? try await store.output(of: entry.id) : nil
            entries.append(
                EntryDetail(
                    id: entry.id.rawValue, destination: entry.destination, state: entry.state.rawValue, mapping: entry.mapping,
                    attemptCount: entry.attemptCount, lastError: entry.lastError, enqueuedAt: entry.enqueuedAt,
                    replayOf: entry.replayOf?.rawValue, replacedBy: entry.replacedBy?.rawValue,
                    output: output.map { OutputDetail(format: $0.format.rawValue, content: Content($0.payload)) }, attempts: attempts))
        }
        return Self.json(
            MessageDetail(message: MessageSummary(stored), raw: showsContent ? Content(stored.raw) : nil, entries: entries))
    }

    // MARK: Responses

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        Response.json(value, status: status)
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(["error": message], status: status)
    }
}
