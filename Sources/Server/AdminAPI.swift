public import Bus
public import Foundation
import MLLP
import HTTPTypes
public import Hummingbird
import NIOCore
public import Store

/// The admin API (`/api/…`, JSON): what flows and what is stuck, the messages, the actions on
/// them, and the dashboard's logins and accounts. Every request but `GET /api/openapi.json` and
/// `POST /api/session` is authenticated, by `Authorization: Bearer <token>` of a configured
/// ``Bus/APIToken`` or by the dashboard's session cookie (`lienthong_session`, from `POST
/// /api/session`); a request other than GET authenticated by the cookie must also send
/// `X-LienThong-CSRF: 1` (a header a foreign page cannot make a browser send). Each route needs
/// a role (``Bus/AdminRole``); content (raw messages, outputs, responses) is shown to operators
/// and admins only.
///
/// | request | role | answer |
/// | --- | --- | --- |
/// | `GET /api/openapi.json` | none | the OpenAPI 3.1 description of these routes |
/// | `POST /api/session` | none | a login: `{"username", "password"}` → the account and a session cookie |
/// | `GET /api/session` | viewer | who is logged in (or which token is used) |
/// | `DELETE /api/session` | viewer | a logout |
/// | `GET /api/channels` | viewer | each channel: source, address or path, routes, messages received and rejected in the last hour |
/// | `GET /api/destinations` | viewer | each destination: status, kind, paused, concurrency, entries per state, oldest pending entry's age, attempts and error rate in the last hour |
/// | `GET /api/stats?minutes=60&bucket=60` | viewer | received, delivered, failed and delivery latency per time bucket |
/// | `GET /api/messages?…` | viewer (operator to search by `patientID`) | message summaries (no content), newest last, keyset paged by `after` |
/// | `GET /api/messages/{id}` | viewer; content for operator | the message, its entries and their attempts; operators also get the raw message, each entry's output and each attempt's response |
/// | `GET /api/messages/{id}/hl7` | operator | the raw HL7 v2 message segment by segment, each field with its name (``addHL7View(to:)``) |
/// | `POST /api/messages/{id}/replay` | operator | new entries: to its original destinations, or `{"destination": "…"}` |
/// | `POST /api/entries/{id}/replay` | operator | the new entry delivering that entry's payload again |
/// | `POST /api/entries/{id}/discard` | operator | the entry (pending or dead letter) given up |
/// | `POST /api/destinations/{name}/dead-letters/retry` | operator | every dead letter of the destination not yet replayed, replayed |
/// | `POST /api/destinations/{name}/pause`, `…/resume` | operator | the destination paused (for every node) or resumed |
/// | `POST /api/config/reload` | admin | the reload's outcome (as `POST /admin/reload`) |
/// | `GET /api/users`, `POST /api/users`, `PUT /api/users/{name}`, `DELETE /api/users/{name}` | admin | dashboard accounts |
///
/// Logins, failed logins, logouts, views of content, actions, reloads, account changes and
/// refusals of an authenticated caller (403) are written to the audit log (``Store/AuditLog``)
/// when the store keeps one; a content view that cannot be audited is not shown.
///
/// Errors are `{"error": "…"}` with 400 (a bad parameter), 401 (no or unknown credentials,
/// with `WWW-Authenticate: Bearer`), 403 (the role does not allow it), 404, 409 (the store
/// refused) and 429 (too many failed logins).
public struct AdminAPI: Sendable {
    /// The store the API reads and acts on.
    let store: any MessageStore
    /// The configuration in use (it changes with reloads): channels, destinations, tokens.
    let configuration: @Sendable () -> BusConfiguration
    /// Applies the configuration file again, on behalf of someone.
    let reload: @Sendable (AuditActor, String?) async -> ConfigurationReload
    /// The clock.
    let now: @Sendable () -> Date
    /// The audit log's writer, when the store keeps an audit log.
    let auditor: Auditor?
    /// Failed logins, per account name.
    let throttle = LoginThrottle()
    /// log2 of the scrypt cost of the passwords the API sets (``PasswordHash``).
    let passwordCost: Int

    /// How long a dashboard login lasts.
    public static let sessionLifetime: TimeInterval = 8 * 3600
    /// The session cookie's name.
    public static let sessionCookie = "lienthong_session"
    /// The header a request authenticated by the cookie sends with anything but GET.
    public static let csrfHeader = HTTPField.Name("X-LienThong-CSRF")!

    /// Creates the API.
    ///
    /// - Parameters:
    ///   - configuration: the configuration in use, read on every request (tokens and
    ///     destinations follow reloads).
    ///   - reload: runs for `POST /api/config/reload`, with who asked and from where.
    ///   - passwordCost: log2 of the scrypt cost of new passwords (tests lower it).
    public init(
        store: any MessageStore, configuration: @escaping @Sendable () -> BusConfiguration,
        reload: @escaping @Sendable (AuditActor, String?) async -> ConfigurationReload, now: @escaping @Sendable () -> Date = { Date() },
        passwordCost: Int = PasswordHash.defaultCostExponent
    ) {
        self.passwordCost = passwordCost
        self.store = store
        self.configuration = configuration
        self.reload = reload
        self.now = now
        self.auditor = Auditor(store: store, clock: now)
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
        addSessionRoutes(to: router)
        addAccountRoutes(to: router)
        router.get("/api/channels") { request, context in
            try await authorized(request, context, .viewer) { _ in Self.json(try await channels()) }
        }
        router.get("/api/destinations") { request, context in
            try await authorized(request, context, .viewer) { _ in Self.json(try await destinations()) }
        }
        router.get("/api/stats") { request, context in
            try await authorized(request, context, .viewer) { _ in try await statistics(request.uri.queryParameters) }
        }
        router.get("/api/messages") { request, context in
            try await authorized(request, context, .viewer) { caller in
                try await messages(request.uri.queryParameters, caller: caller, client: Self.client(context))
            }
        }
        router.get("/api/messages/{id}") { request, context in
            try await authorized(request, context, .viewer) { caller in
                guard let id = context.parameters.get("id").flatMap(Int64.init) else { return Self.error(.badRequest, "expected a message id") }
                return try await message(MessageID(rawValue: id), caller: caller, client: Self.client(context))
            }
        }
        router.post("/api/messages/{id}/replay") { request, context in
            try await authorized(request, context, .operator) { caller in
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
                    try await audit(
                        .replay, caller, context, target: "message \(id)",
                        detail: "new entries \(entries.map { String($0.rawValue) }.joined(separator: ", "))")
                    return Self.json(["entries": entries.map(\.rawValue)])
                }
            }
        }
        router.post("/api/entries/{id}/replay") { request, context in
            try await authorized(request, context, .operator) { caller in
                guard let id = context.parameters.get("id").flatMap(Int64.init) else { return Self.error(.badRequest, "expected an entry id") }
                return try await storeAction {
                    let entry = try await store.replay(entry: EntryID(rawValue: id), now: now())
                    try await audit(.replay, caller, context, target: "entry \(id)", detail: "new entry \(entry.rawValue)")
                    return Self.json(["entry": entry.rawValue])
                }
            }
        }
        router.post("/api/entries/{id}/discard") { request, context in
            try await authorized(request, context, .operator) { caller in
                guard let id = context.parameters.get("id").flatMap(Int64.init) else { return Self.error(.badRequest, "expected an entry id") }
                return try await storeAction {
                    try await store.discard(entry: EntryID(rawValue: id), now: now())
                    try await audit(.discard, caller, context, target: "entry \(id)")
                    return Self.json(DiscardResult(entry: id, state: EntryState.discarded.rawValue))
                }
            }
        }
        router.post("/api/destinations/{name}/dead-letters/retry") { request, context in
            try await authorized(request, context, .operator) { caller in
                guard let name = configuredDestination(context) else { return Self.error(.notFound, "no such destination") }
                return try await storeAction {
                    var replayed: [Int64] = []
                    for entry in try await store.unreplayedDeadLetters(destination: name) {
                        replayed.append(try await store.replay(entry: entry, now: now()).rawValue)
                    }
                    try await audit(.retryDeadLetters, caller, context, target: "destination \(name)", detail: "\(replayed.count) replayed")
                    return Self.json(["entries": replayed])
                }
            }
        }
        addHL7View(to: router)
        for (action, pausing) in [("pause", true), ("resume", false)] {
            router.post("/api/destinations/{name}/\(action)") { request, context in
                try await authorized(request, context, .operator) { caller in
                    guard let name = configuredDestination(context) else { return Self.error(.notFound, "no such destination") }
                    if pausing {
                        try await store.pause(destination: name, by: caller.actor.rawValue, now: now())
                    } else {
                        try await store.resume(destination: name)
                    }
                    try await audit(pausing ? .pauseDestination : .resumeDestination, caller, context, target: "destination \(name)")
                    guard let summary = try await destinations().first(where: { $0.name == name }) else { return Self.error(.notFound, "no such destination") }
                    return Self.json(summary)
                }
            }
        }
        router.post("/api/config/reload") { request, context in
            try await authorized(request, context, .admin) { caller in
                let result = await reload(caller.actor, Self.client(context))
                return Self.json(result, status: result.applied ? .ok : .unprocessableContent)
            }
        }
    }

    // MARK: Authorization

    /// Runs `body` for a request whose caller has at least `role`; 401 or 403 otherwise (a 403
    /// is audited).
    func authorized(
        _ request: Request, _ context: some RequestContext, _ role: AdminRole, _ body: (AdminCaller) async throws -> Response
    ) async throws -> Response {
        guard let caller = try await caller(of: request) else {
            var response = Self.error(.unauthorized, "a valid API token (Authorization: Bearer …) or a dashboard login is required")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        if caller.kind == .session, request.method != .get, request.method != .head, request.headers[Self.csrfHeader] != "1" {
            return Self.error(.forbidden, "a request made with the dashboard's login must send the header X-LienThong-CSRF: 1")
        }
        guard caller.role >= role else {
            try await audit(.accessDenied, caller, context, target: "\(request.method.rawValue) \(request.uri.path)", detail: "needs \(role.rawValue)")
            return Self.error(.forbidden, "the role \(caller.role.rawValue) may not do this (\(role.rawValue) or above may)")
        }
        return try await body(caller)
    }

    /// Who sent the request: the bearer token's, or the session cookie's account; `nil` when
    /// neither is valid. A bearer header, when present, decides alone.
    func caller(of request: Request) async throws -> AdminCaller? {
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer "), let token = configuration().security.token(matching: String(header.dropFirst("Bearer ".count))) else {
                return nil
            }
            return AdminCaller(name: token.name, role: token.role, kind: .token)
        }
        guard let accounts = store as? any AccountStore, let token = Self.sessionToken(in: request),
            let (session, account) = try await accounts.session(tokenHash: Self.hash(token), now: now()),
            let role = AdminRole(rawValue: account.role)
        else { return nil }
        return AdminCaller(name: account.name, role: role, kind: .session, expiresAt: session.expiresAt, sessionHash: session.tokenHash)
    }

    /// The `{name}` of the route when it names a configured destination.
    func configuredDestination(_ context: some RequestContext) -> String? {
        guard let name = context.parameters.get("name"), configuration().destinations.contains(where: { $0.name == name }) else { return nil }
        return name
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

    /// Writes an audit record for the caller's action, when the store keeps an audit log.
    func audit(_ action: AuditAction, _ caller: AdminCaller, _ context: some RequestContext, target: String, detail: String = "") async throws {
        try await auditor?.record(action, by: caller.actor, target: target, detail: detail, client: Self.client(context))
    }

    /// The peer's IP address, when the context knows it.
    static func client(_ context: some RequestContext) -> String? {
        (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
    }

    // MARK: Reads

    func channels() async throws -> [ChannelSummary] {
        let activity = try await lastHour()
        return configuration().channels.map { channel in
            let (source, address): (String, String)
            switch channel.source {
            case .mllp(let listener): (source, address) = ("mllp", "\(listener.host):\(listener.port)")
            case .fhir(let fhir): (source, address) = ("fhir", fhir.path)
            case .folder(let folder): (source, address) = ("folder", folder.folder.path)
            }
            let counts = activity.channels[channel.name] ?? StoreActivity.Channel()
            return ChannelSummary(
                name: channel.name, source: source, address: address,
                routes: channel.routes.map { ChannelSummary.Route(destination: $0.destination, mapping: $0.mapping) },
                receivedLastHour: counts.received, rejectedLastHour: counts.rejected,
                rejectionRate: counts.received == 0 ? nil : Double(counts.rejected) / Double(counts.received))
        }
    }

    func destinations() async throws -> [DestinationSummary] {
        let depths = try await store.queueDepths()
        let pauses = try await store.pausedDestinations()
        let activity = try await lastHour()
        var summaries: [DestinationSummary] = []
        for destination in configuration().destinations {
            var counts: [String: Int] = [:]
            for depth in depths where depth.destination == destination.name { counts[depth.state.rawValue, default: 0] += depth.count }
            let oldest = try await store.entries(destination: destination.name, state: .pending, after: nil, limit: 1).first
            let pause = pauses.first { $0.destination == destination.name }
            let attempts = activity.destinations[destination.name] ?? StoreActivity.Destination()
            let oldestSeconds = oldest.map { max(0, now().timeIntervalSince($0.enqueuedAt)) }
            let paused = destination.isPaused || pause != nil
            let status: String
            if paused {
                status = "paused"
            } else if let rate = attempts.errorRate, rate >= Self.failingErrorRate {
                status = "failing"
            } else if let oldestSeconds, oldestSeconds >= Self.backlogSeconds {
                status = "backlog"
            } else {
                status = "ok"
            }
            summaries.append(
                DestinationSummary(
                    name: destination.name, kind: Self.kind(of: destination.endpoint), status: status, paused: paused,
                    pausedBy: pause?.pausedBy ?? (destination.isPaused ? "configuration" : nil), pausedAt: pause?.pausedAt,
                    concurrency: destination.concurrency, entries: counts, deadLetters: counts[EntryState.deadLettered.rawValue] ?? 0,
                    oldestPendingSeconds: oldestSeconds, deliveredLastHour: attempts.delivered, failedLastHour: attempts.failed,
                    errorRate: attempts.errorRate))
        }
        return summaries
    }

    /// The error rate from which a destination's status is `failing`.
    static let failingErrorRate = 0.5
    /// The age of the oldest pending entry from which a destination's status is `backlog`.
    static let backlogSeconds: Double = 300

    /// The store's counts of the last hour, in one bucket (no latencies).
    func lastHour() async throws -> StoreActivity {
        let end = now()
        return try await store.activity(from: end.addingTimeInterval(-3600), to: end.addingTimeInterval(0.001), bucket: .seconds(3601), latencies: false)
    }

    /// `GET /api/stats`: `minutes` (1–1440, default 60) back from now in buckets of `bucket`
    /// seconds (10–3600, default 60).
    func statistics(_ parameters: Hummingbird.Parameters) async throws -> Response {
        if let unknown = parameters.map({ String($0.key) }).first(where: { $0 != "minutes" && $0 != "bucket" }) {
            return Self.error(.badRequest, "unknown parameter \(unknown); expected minutes or bucket")
        }
        var minutes = 60
        if let text = parameters.get("minutes") {
            guard let value = Int(text), (1...1440).contains(value) else { return Self.error(.badRequest, "minutes: expected 1–1440") }
            minutes = value
        }
        var bucket = 60
        if let text = parameters.get("bucket") {
            guard let value = Int(text), (10...3600).contains(value) else { return Self.error(.badRequest, "bucket: expected 10–3600 seconds") }
            bucket = value
        }
        guard minutes * 60 / bucket <= StoreActivity.maximumBuckets else {
            return Self.error(.badRequest, "at most \(StoreActivity.maximumBuckets) buckets: widen the bucket")
        }
        // Buckets aligned on whole multiples of their length, the last one holding now.
        let end = now()
        let width = Double(bucket)
        let to = (end.timeIntervalSince1970 / width).rounded(.down) * width + width
        let from = to - Double(minutes * 60)
        let activity = try await store.activity(
            from: Date(timeIntervalSince1970: from), to: Date(timeIntervalSince1970: to), bucket: .seconds(bucket))
        return Self.json(Statistics(activity))
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

    func messages(_ parameters: Hummingbird.Parameters, caller: AdminCaller, client: String?) async throws -> Response {
        let role = caller.role
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
        if query.patientID != nil {
            // That a search by patient was made, and by whom; never the identifier.
            try await auditor?.record(.searchMessages, by: caller.actor, target: "messages", detail: "by patient identifier", client: client)
        }
        let found = try await store.messages(matching: query, after: after, limit: limit)
        return Self.json(MessagePage(messages: found.map(MessageSummary.init), next: found.count == limit ? found.last?.id.rawValue : nil))
    }

    func message(_ id: MessageID, caller: AdminCaller, client: String?) async throws -> Response {
        guard let stored = try await store.message(id) else { return Self.error(.notFound, "no message \(id.rawValue)") }
        let role = caller.role
        if role >= .operator {
            // Content is shown only once its view is in the audit log.
            try await auditor?.record(.viewMessage, by: caller.actor, target: "message \(id.rawValue)", detail: "admin API", client: client)
        }
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
