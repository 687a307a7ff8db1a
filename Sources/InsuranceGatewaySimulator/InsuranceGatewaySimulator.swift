public import Foundation
public import Hummingbird
import HTTPTypes
public import InsuranceGateway
public import InsuranceVN
public import Logging
import NIOCore

/// A stand-in for the insurance gateway (`lienthong sim insurance-gateway`): the protocol as
/// ``InsuranceGateway/InsuranceGatewayClient`` and public clients call it, with the same checks
/// as `ClaimValidator`, and failures on request.
///
/// | request | answer |
/// | --- | --- |
/// | `POST /api/token/take` (form `username`, `password` = MD5 upper hex) | `{maKetQua:"200", APIKey:{access_token, id_token, token_type, expires_in}}`; wrong account: `maKetQua` 401 |
/// | `POST /api/qd130/guiHoSoXmlQD4750` / `…QD3176` (headers `accessToken`, `tokenId`, `passwordHash`; form `username`, `loaiHoSo=130`, `maTinh`, `maCSKCB`, `fileHSBase64`) | 200 with `maGiaoDich`; 100 with the problems in `thongDiep`; 205 bad parameter |
/// | `POST /api/qd130/checkInKcbQd4750` / `…Qd3176` (`loaiHoSo=0`, an XML0 document) | as a submission |
/// | `POST /api/egw/KQNhanLichSuKCB2024?token=&id_token=&username=&password=` (JSON or form `maThe`, `hoTen`, `ngaySinh`, …) | `maKetQua` 000, 001, 002, 003, 010, 050, 051, 052, 053, 060, 070, 110 or 205 from the card list |
/// | `POST /sim/control` (``SimulatorControl`` as JSON) | the counters |
/// | `GET /sim/received`, `GET /sim/stats` | what was received (JSON, without contents), the counters |
///
/// A refused or expired token is answered with HTTP 401 and `maKetQua` 401 (or HTTP 200 and
/// `maKetQua` 401: ``Configuration/refusedTokenStatus``).
public struct InsuranceGatewaySimulator: Sendable {
    /// The simulator's settings.
    public struct Configuration: Sendable {
        /// The one account the simulator accepts.
        public var credentials: GatewayCredentials
        /// How long an issued token lasts (`expires_in`).
        public var tokenLifetime: Duration
        /// The cards card checks look up.
        public var cards: [SimulatedCard]
        /// When set, each received file is written there as `<n>-<maGiaoDich or code>.xml`.
        public var storageDirectory: URL?
        /// The HTTP status of an answer refusing a token: 401, or 200 (with `maKetQua` 401 in both).
        public var refusedTokenStatus: Int
        /// The checks a submission gets.
        public var validator: ClaimValidator

        /// Creates a configuration.
        public init(
            credentials: GatewayCredentials = GatewayCredentials(username: "demo", password: "demo"), tokenLifetime: Duration = .seconds(3600),
            cards: [SimulatedCard] = SimulatedCard.examples, storageDirectory: URL? = nil, refusedTokenStatus: Int = 401,
            validator: ClaimValidator = ClaimValidator()
        ) {
            self.credentials = credentials
            self.tokenLifetime = tokenLifetime
            self.cards = cards
            self.storageDirectory = storageDirectory
            self.refusedTokenStatus = refusedTokenStatus
            self.validator = validator
        }
    }

    /// The settings.
    public let configuration: Configuration
    /// Issued tokens, injected failures, what was received.
    public let state: State
    let logger: Logger

    /// Creates a simulator; nothing listens until its ``application(host:port:onListening:)`` runs.
    public init(configuration: Configuration = Configuration(), logger: Logger) {
        self.configuration = configuration
        self.state = State()
        self.logger = logger
    }

    /// The routes (also for tests without a socket).
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/api/token/take") { request, context in
            await takeToken(request, context: context)
        }
        for variant in [ClaimSubmissionVariant.qd4750, .qd3176] {
            router.post(RouterPath(variant.submissionPath)) { request, context in
                await receive(request, context: context, kind: .submission)
            }
            router.post(RouterPath(variant.checkInPath)) { request, context in
                await receive(request, context: context, kind: .checkIn)
            }
        }
        router.post("/api/egw/KQNhanLichSuKCB2024") { request, context in
            await checkCard(request, context: context)
        }
        router.post("/sim/control") { request, context in
            guard let body = try? await request.body.collect(upTo: 64 * 1024),
                let control = try? JSONDecoder().decode(SimulatorControl.self, from: Data(body.readableBytesView))
            else {
                return Self.json(["error": "expected a JSON control message"], status: .badRequest)
            }
            state.apply(control)
            return Self.json(state.statistics)
        }
        router.get("/sim/stats") { _, _ in
            Self.json(state.statistics)
        }
        router.get("/sim/received") { _, _ in
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys]
            let data = (try? encoder.encode(state.received)) ?? Data("[]".utf8)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        return router
    }

    /// The Hummingbird application listening on `host:port` (port 0 picks a free one).
    ///
    /// - Parameter onListening: called with the bound port.
    public func application(
        host: String = "127.0.0.1", port: Int = 0, onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "LienThong-GatewaySimulator"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    // MARK: Token

    func takeToken(_ request: Request, context: BasicRequestContext) async -> Response {
        state.countTokenRequest()
        let form = await Self.form(request)
        guard form["username"] == configuration.credentials.username, form["password"] == configuration.credentials.passwordHash else {
            logger.info("refused a token request", metadata: ["sim.result_code": "401"])
            return Self.json(["maKetQua": "401", "thongDiep": "Sai tên đăng nhập hoặc mật khẩu"])
        }
        let token = state.issueToken(lifetime: configuration.tokenLifetime, now: Date())
        return Self.json([
            "maKetQua": "200",
            "APIKey": [
                "access_token": token.access, "id_token": token.id, "token_type": "Bearer",
                "expires_in": "\(configuration.tokenLifetime.components.seconds)",
            ] as [String: String],
        ] as [String: any Sendable])
    }

    /// The answer to a refused token.
    func refused() -> Response {
        let body: [String: String] = ["maKetQua": "401", "thongDiep": "Token không hợp lệ hoặc đã hết hạn"]
        return Self.json(body, status: HTTPResponse.Status(code: configuration.refusedTokenStatus))
    }

    /// Applies an injected delay and failure; returns the failure's answer.
    func injectedFailure() async -> Response? {
        let injection = state.takeInjection()
        if let delay = injection.delay, delay > 0 {
            try? await Task.sleep(for: .seconds(delay))
        }
        guard let status = injection.status else { return nil }
        return Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: "simulated failure")))
    }

    // MARK: Helpers

    /// The body's form fields (or JSON members), by name; the first of a repeated name.
    static func form(_ request: Request, limit: Int = 64 * 1024 * 1024) async -> [String: String] {
        guard let body = try? await request.body.collect(upTo: limit) else { return [:] }
        let bytes = Array(body.readableBytesView)
        if bytes.first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") }) == UInt8(ascii: "{"), let reply = GatewayReply(json: bytes) {
            return reply.members
        }
        var fields: [String: String] = [:]
        for (name, value) in FormEncoding.decode(String(decoding: bytes, as: UTF8.self)) where fields[name] == nil {
            fields[name] = value
        }
        return fields
    }

    static func json(_ object: [String: any Sendable], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
