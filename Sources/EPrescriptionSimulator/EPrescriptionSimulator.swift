import EPrescription
public import Foundation
public import Hummingbird
import HTTPTypes
public import Logging
import NIOCore

/// A stand-in for the national e-prescription system (`lienthong sim e-prescription`): the
/// protocol as ``EPrescription/EPrescriptionClient`` speaks it, checks of what it receives, and
/// failures on request.
///
/// | request | answer |
/// | --- | --- |
/// | `POST /api/v1/dang-nhap` (JSON `username`, `password`, `ma_co_so`) | 200 `{access_token, token_type, expires_in}`; wrong account: 401 |
/// | `POST /api/v1/gui-don-thuoc` (`Authorization: Bearer …`, a prescription as JSON) | 200 `{ma_don_thuoc, checksum}`; 422 `{danh_sach_cac_loi: [{truong, thong_bao}]}`; 401 for a missing, unknown or expired token |
/// | `POST /sim/control` (``EPrescriptionSimulatorControl``) | the counters |
/// | `GET /sim/stats`, `GET /sim/received` | the counters; the accepted codes and checksums |
///
/// A code already accepted is answered 200 with its first checksum and counted as a duplicate.
/// With a storage directory, each accepted prescription is written there as `<ma_don_thuoc>.json`.
public struct EPrescriptionSimulator: Sendable {
    /// The simulator's settings.
    public struct Configuration: Sendable {
        /// The one account accepted.
        public var username: String
        /// Its password.
        public var password: String
        /// How long an issued token lasts.
        public var tokenLifetime: Duration
        /// Where accepted prescriptions are written; `nil` keeps them in memory only.
        public var storageDirectory: URL?

        /// Creates a configuration.
        public init(username: String = "demo", password: String = "demo", tokenLifetime: Duration = .seconds(3600), storageDirectory: URL? = nil) {
            self.username = username
            self.password = password
            self.tokenLifetime = tokenLifetime
            self.storageDirectory = storageDirectory
        }
    }

    /// The settings.
    public let configuration: Configuration
    /// Tokens, injected failures, what was accepted.
    public let state: State
    let logger: Logger

    /// Creates a simulator; nothing listens until its ``application(host:port:onListening:)`` runs.
    public init(configuration: Configuration = Configuration(), logger: Logger) {
        self.configuration = configuration
        self.state = State()
        self.logger = logger
    }

    /// The routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post(RouterPath(EPrescriptionClient.loginPath)) { request, _ in
            await login(request)
        }
        router.post(RouterPath(EPrescriptionClient.submissionPath)) { request, _ in
            await receive(request)
        }
        router.post("/sim/control") { request, _ in
            guard let body = try? await request.body.collect(upTo: 64 * 1024),
                let control = try? JSONDecoder().decode(EPrescriptionSimulatorControl.self, from: Data(body.readableBytesView))
            else {
                return Self.json(["thong_bao": "expected a JSON control message"], status: .badRequest)
            }
            state.apply(control)
            return Self.encoded(state.statistics)
        }
        router.get("/sim/stats") { _, _ in
            Self.encoded(state.statistics)
        }
        router.get("/sim/received") { _, _ in
            Self.json(["received": state.received.map { ["ma_don_thuoc": $0.code, "checksum": $0.checksum] }])
        }
        return router
    }

    /// The Hummingbird application listening on `host:port` (port 0 picks a free one).
    public func application(
        host: String = "127.0.0.1", port: Int = 0, onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "LienThong-EPrescriptionSimulator"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    func login(_ request: Request) async -> Response {
        let object = await Self.object(request)
        guard object?["username"] as? String == configuration.username, object?["password"] as? String == configuration.password else {
            state.countLogin()
            logger.info("refused a login", metadata: ["sim.status": "401"])
            return Self.json(["thong_bao": "Sai tên đăng nhập hoặc mật khẩu"], status: .unauthorized)
        }
        let token = state.issueToken(lifetime: configuration.tokenLifetime, now: Date())
        return Self.json(["access_token": token, "token_type": "Bearer", "expires_in": Int(configuration.tokenLifetime.components.seconds)])
    }

    func receive(_ request: Request) async -> Response {
        if let status = state.takeFailure() {
            return Response(
                status: HTTPResponse.Status(code: status), headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "simulated failure")))
        }
        let authorization = request.headers[.authorization] ?? ""
        guard authorization.hasPrefix("Bearer "), state.isValid(token: String(authorization.dropFirst(7)), now: Date()) else {
            state.countUnauthorized()
            return Self.json(["thong_bao": "Token không hợp lệ hoặc đã hết hạn"], status: .unauthorized)
        }
        guard let body = try? await request.body.collect(upTo: 16 * 1024 * 1024) else {
            state.countRejected()
            return Self.json(["danh_sach_cac_loi": [["truong": "", "thong_bao": "Không đọc được nội dung"]]], status: Self.unprocessable)
        }
        let bytes = Array(body.readableBytesView)
        guard let prescription = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            state.countRejected()
            return Self.json(["danh_sach_cac_loi": [["truong": "", "thong_bao": "Nội dung không phải JSON"]]], status: Self.unprocessable)
        }
        let problems = Self.check(prescription, now: Date())
        guard problems.isEmpty else {
            state.countRejected()
            logger.info("rejected a prescription", metadata: ["sim.errors": "\(problems.count)"])
            return Self.json(
                ["danh_sach_cac_loi": problems.map { ["truong": $0.field, "thong_bao": $0.message] }], status: Self.unprocessable)
        }
        let code = prescription["ma_don_thuoc"] as? String ?? ""
        let answer = state.accept(code: code, checksum: Self.checksum(bytes))
        if answer.isNew, let directory = configuration.storageDirectory {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? Data(bytes).write(to: directory.appendingPathComponent(code + ".json"), options: .atomic)
        }
        return Self.json(["ma_don_thuoc": code, "checksum": answer.checksum])
    }

    // MARK: Helpers

    /// FNV-1a 64 of the body, in hex.
    static func checksum(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func object(_ request: Request) async -> [String: Any]? {
        guard let body = try? await request.body.collect(upTo: 64 * 1024) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func encoded(_ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension EPrescriptionSimulator {
    /// HTTP 422, the answer to a prescription that fails the checks.
    static let unprocessable = HTTPResponse.Status(code: 422)
}
