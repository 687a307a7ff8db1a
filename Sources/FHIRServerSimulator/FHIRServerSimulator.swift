public import FHIR
import Foundation
public import Hummingbird
import HTTPTypes
public import Logging
import NIOCore

/// A stand-in for a FHIR server such as the national health data platform
/// (`lienthong sim fhir-server`): an OAuth2 token endpoint, conditional creates stored in
/// SQLite, validation against an implementation guide, and failures on request.
///
/// | request | answer |
/// | --- | --- |
/// | `POST /oauth/token` (`grant_type=client_credentials`; client id and secret as HTTP Basic or form fields, or `client_assertion`) | `{access_token, token_type, expires_in}`; another client: 401 `invalid_client` |
/// | `POST /fhir` (a `transaction` or `batch` Bundle, `Authorization: Bearer`; entries `POST <type>`, with `ifNoneExist` or not, and `PUT <type>/<id>`) | a `transaction-response` Bundle: per entry 201 with `location`, 200 when its `request.ifNoneExist` matches a stored resource (or an earlier entry's) or a PUT updates one; references to entries' `fullUrl`s are stored as `<type>/<id>` |
/// | `POST /fhir/<type>` (one resource; `If-None-Exist`) | 201 and `Location`, or 200 with the resource found |
/// | `GET /fhir/<type>/<id>` | the stored resource |
/// | content with validation errors | 422 and an OperationOutcome, nothing stored |
/// | a missing, unknown or expired token | 401 and an OperationOutcome |
/// | `POST /sim/control` (``FHIRSimulatorControl`` as JSON) | the counters |
/// | `GET /sim/stats` | the counters and the number of stored resources |
///
/// A `client_assertion` is accepted when it is a JWT whose `iss` is the configured client id;
/// its signature is not checked.
public struct FHIRServerSimulator: Sendable {
    /// The simulator's settings.
    public struct Configuration: Sendable {
        /// The client id the simulator accepts.
        public var clientID: String
        /// The client secret the simulator accepts.
        public var clientSecret: String
        /// How long an issued token lasts (`expires_in`).
        public var tokenLifetime: Duration
        /// What content is validated with (R4, plus an implementation guide).
        public var definitions: Definitions
        /// Profile URLs each resource of their type is validated against (besides its `meta.profile`).
        public var profiles: [String]

        /// Creates a configuration.
        public init(
            clientID: String = "demo", clientSecret: String = "demo", tokenLifetime: Duration = .seconds(3600), definitions: Definitions = .r4,
            profiles: [String] = []
        ) {
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.tokenLifetime = tokenLifetime
            self.definitions = definitions
            self.profiles = profiles
        }
    }

    /// The settings.
    public let configuration: Configuration
    /// Issued tokens, injected failures, counters.
    public let state: State
    /// What was received.
    public let store: StoredResources
    let validator: Validator
    let profilesByType: ProfilesByType
    let logger: Logger

    /// Creates a simulator on a store; nothing listens until its ``application(host:port:onListening:)`` runs.
    public init(configuration: Configuration = Configuration(), store: StoredResources, logger: Logger) {
        self.configuration = configuration
        self.state = State()
        self.store = store
        self.validator = Validator.standard(definitions: configuration.definitions)
        self.profilesByType = ProfilesByType(configuration.profiles, definitions: configuration.definitions)
        self.logger = logger
    }

    /// The routes (also for tests without a socket).
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/oauth/token") { request, _ in
            await takeToken(request)
        }
        router.post("/fhir") { request, _ in
            await receive(request, type: nil)
        }
        router.post("/fhir/{type}") { request, context in
            await receive(request, type: context.parameters.get("type"))
        }
        router.get("/fhir/{type}/{id}") { request, context in
            guard state.accepts(token: Self.bearer(request), now: Date()) else { return Self.unauthorized() }
            guard let type = context.parameters.get("type"), let id = context.parameters.get("id"),
                let stored = try? store.resource(type: type, id: id)
            else {
                return Self.outcome(status: .notFound, code: "not-found", "no such resource")
            }
            return Self.fhir(stored.json, status: .ok)
        }
        router.post("/sim/control") { request, _ in
            guard let body = try? await request.body.collect(upTo: 64 * 1024),
                let control = try? JSONDecoder().decode(FHIRSimulatorControl.self, from: Data(body.readableBytesView))
            else {
                return Self.json(["error": "expected a JSON control message"], status: .badRequest)
            }
            state.apply(control)
            return Self.json(statistics())
        }
        router.get("/sim/stats") { _, _ in
            Self.json(statistics())
        }
        return router
    }

    /// The counters, with `resources` (how many are stored).
    public func statistics() -> [String: Int] {
        var counters = state.statistics
        counters["resources"] = (try? store.count()) ?? -1
        return counters
    }

    /// The Hummingbird application listening on `host:port` (port 0 picks a free one).
    ///
    /// - Parameter onListening: called with the bound port.
    public func application(
        host: String = "127.0.0.1", port: Int = 0, onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "LienThong-FHIRServerSimulator"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    // MARK: Token

    func takeToken(_ request: Request) async -> Response {
        let body = (try? await request.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
        var form: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { Self.formDecode(String($0)) }
            form[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        var client = form["client_id"]
        var secret = form["client_secret"]
        if let authorization = request.headers[.authorization], authorization.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(authorization.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":")
        {
            client = Self.formDecode(String(decoded[..<colon]))
            secret = Self.formDecode(String(decoded[decoded.index(after: colon)...]))
        }
        let assertionIssuer = form["client_assertion"].flatMap(Self.issuer(ofJWT:))
        let authenticated = form["grant_type"] == "client_credentials" && client == configuration.clientID
            && (secret == configuration.clientSecret || (secret == nil && assertionIssuer == configuration.clientID))
        guard authenticated else {
            logger.info("refused a token request")
            return Self.json(["error": "invalid_client"], status: .unauthorized)
        }
        let token = state.issueToken(lifetime: configuration.tokenLifetime, now: Date())
        return Self.json(
            ["access_token": token, "token_type": "Bearer", "expires_in": Int(configuration.tokenLifetime.components.seconds)] as [String: any Sendable])
    }

    /// The `iss` of a compact JWT (signature not checked).
    static func issuer(ofJWT text: String) -> String? {
        let parts = text.split(separator: ".")
        guard parts.count == 3 else { return nil }
        var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        guard let data = Data(base64Encoded: payload), let claims = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        return claims["iss"] as? String
    }

    // MARK: Helpers

    static func bearer(_ request: Request) -> String? {
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") else { return nil }
        return String(authorization.dropFirst("Bearer ".count))
    }

    static func formDecode(_ text: String) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text
    }

    static func unauthorized() -> Response {
        var response = outcome(status: .unauthorized, code: "login", "a missing, unknown or expired token")
        response.headers[.wwwAuthenticate] = "Bearer"
        return response
    }

    static func outcome(status: HTTPResponse.Status, code: String, _ text: String) -> Response {
        let issue = ValidationIssue(.error, ValidationIssue.Code(code), at: "", text)
        return fhir(ValidationResult(issues: [issue]).operationOutcome, status: status)
    }

    static func fhir(_ resource: Element, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        fhir(String(decoding: resource.json(), as: UTF8.self), status: status, headers: headers)
    }

    static func fhir(_ json: String, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/fhir+json; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }

    static func json(_ object: [String: any Sendable], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
