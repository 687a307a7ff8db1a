public import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// A client of the insurance gateway as public clients call it (NOTES.md, "The claims gateway
/// as public clients call it"): a token from `/api/token/take`, kept until it expires and
/// renewed once when the gateway refuses it; claim submission (`guiHoSoXmlQD4750` or
/// `…QD3176`), check-in (XML0) and card check (`KQNhanLichSuKCB2024`).
///
/// ```swift
/// let client = InsuranceGatewayClient(configuration: .init(
///     url: URL(string: "https://egw.example.vn")!,
///     credentials: GatewayCredentials(username: "79001_BV", password: password)), logger: logger)
/// let result = await client.submit(envelopeBytes, facilityCode: "79001")
/// switch result.outcome {
/// case .accepted: print(result.transactionID ?? "")
/// case .retryLater: …   // try again later
/// case .rejected: print(result.reason ?? "")
/// }
/// ```
///
/// Logs carry the gateway path, the outcome and `maKetQua`; never the credentials, a token or
/// the data sent. (The HTTP client gets no logger: its request logs would hold the card-check
/// URL, whose query carries the token.)
public final class InsuranceGatewayClient: Sendable {
    /// Where the gateway is and how to talk to it.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The gateway's base URL (`https://egw.baohiemxahoi.gov.vn`); paths are appended.
        public var url: URL
        /// The facility's account.
        public var credentials: GatewayCredentials
        /// `…QD4750` or `…QD3176` endpoints.
        public var variant: ClaimSubmissionVariant
        /// How long one request may take, from connecting to the end of the answer.
        public var timeout: Duration
        /// A token is renewed this long before the gateway's `expires_in` runs out (at most half
        /// its lifetime before).
        public var tokenRenewalMargin: Duration
        /// How long a token is used when the gateway gives no `expires_in`.
        public var defaultTokenLifetime: Duration
        /// At most this much of an answer is read.
        public var maximumResponseLength: Int

        /// Creates a configuration.
        public init(
            url: URL, credentials: GatewayCredentials, variant: ClaimSubmissionVariant = .qd4750, timeout: Duration = .seconds(60),
            tokenRenewalMargin: Duration = .seconds(60), defaultTokenLifetime: Duration = .seconds(600),
            maximumResponseLength: Int = 1024 * 1024
        ) {
            self.url = url
            self.credentials = credentials
            self.variant = variant
            self.timeout = timeout
            self.tokenRenewalMargin = tokenRenewalMargin
            self.defaultTokenLifetime = defaultTokenLifetime
            self.maximumResponseLength = maximumResponseLength
        }

        /// URL and variant; credentials redacted.
        public var description: String {
            "InsuranceGatewayClient.Configuration(url: \(url.absoluteString), variant: \(variant), credentials: <redacted>)"
        }
    }

    /// The settings.
    public let configuration: Configuration
    let httpClient: HTTPClient
    let logger: Logger
    let now: @Sendable () -> Date
    private let cachedToken = Mutex<GatewayToken?>(nil)

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - httpClient: the HTTP client (by default the process-wide shared one).
    ///   - now: the clock tokens expire by.
    public init(
        configuration: Configuration, httpClient: HTTPClient = .shared, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.now = now
    }

    // MARK: Token

    /// A token: the cached one while it lasts, otherwise a new one from `/api/token/take`.
    ///
    /// Requests made at the same time without a usable token may each take one; the last one
    /// taken is kept (the gateway is not known to revoke earlier tokens when it issues another).
    ///
    /// - Parameter renewing: ask for a new token even if the cached one has not expired (after
    ///   the gateway refused it).
    /// - Throws: ``InsuranceGatewayError`` (``InsuranceGatewayError/Code/authenticationFailed``
    ///   when the gateway refuses the account).
    public func token(renewing: Bool = false) async throws(InsuranceGatewayError) -> GatewayToken {
        let current = now()
        if !renewing, let token = cachedToken.withLock({ $0 }), token.expiresAt > current {
            return token
        }
        let path = "/api/token/take"
        let credentials = configuration.credentials
        let answer = try await post(
            path, headers: [], form: [("username", credentials.username), ("password", credentials.passwordHash)])
        guard answer.status != 401 else {
            throw InsuranceGatewayError(.authenticationFailed, path: path, httpStatus: 401, "the gateway refused the account")
        }
        guard (200...299).contains(answer.status) else {
            throw InsuranceGatewayError(.httpStatus, path: path, httpStatus: answer.status, "the token request failed")
        }
        guard let reply = GatewayReply(json: answer.body), let code = reply.resultCode else {
            throw InsuranceGatewayError(.invalidResponse, path: path, httpStatus: answer.status, "the answer is not the gateway's JSON")
        }
        guard code == .success else {
            throw InsuranceGatewayError(
                code == .unauthorized ? .authenticationFailed : .invalidResponse, path: path, httpStatus: answer.status, resultCode: code,
                "the gateway gave no token")
        }
        guard let key = reply.object("APIKey"), let access = key["access_token"], !access.isEmpty else {
            throw InsuranceGatewayError(.invalidResponse, path: path, httpStatus: answer.status, resultCode: code, "the answer holds no APIKey.access_token")
        }
        let lifetime = key["expires_in"].flatMap(Double.init).map { Duration.seconds($0) } ?? configuration.defaultTokenLifetime
        // A short-lived token keeps at least half its life.
        let usable = max(.zero, lifetime - min(configuration.tokenRenewalMargin, lifetime / 2))
        let token = GatewayToken(
            accessToken: access, idToken: key["id_token"] ?? "", tokenType: key["token_type"],
            expiresAt: current.addingTimeInterval(Double(usable.components.seconds) + Double(usable.components.attoseconds) / 1e18))
        cachedToken.withLock { $0 = token }
        logger.debug("took a gateway token", metadata: ["insurance.gateway.path": "\(path)"])
        return token
    }

    /// Forgets the cached token (the next request takes a new one).
    public func forgetToken() {
        cachedToken.withLock { $0 = nil }
    }

    // MARK: Submission

    /// Submits a claim envelope (`GIAMDINHHS`, as written by `ClaimEnvelope.xml()`), base64 in
    /// `fileHSBase64`, with `loaiHoSo=130`. Never throws: every failure is a ``SubmissionResult``.
    ///
    /// - Parameters:
    ///   - envelope: the envelope's bytes.
    ///   - facilityCode: `maCSKCB` (5 characters); `maTinh` is its first two.
    public func submit(_ envelope: some Collection<UInt8>, facilityCode: String) async -> SubmissionResult {
        await send(envelope, to: configuration.variant.submissionPath, kind: "130", facilityCode: facilityCode)
    }

    /// Sends a check-in (an XML0 document, `CHI_TIEU_TRANG_THAI_KCB`) with `loaiHoSo=0`.
    public func checkIn(_ document: some Collection<UInt8>, facilityCode: String) async -> SubmissionResult {
        await send(document, to: configuration.variant.checkInPath, kind: "0", facilityCode: facilityCode)
    }

    private func send(_ file: some Collection<UInt8>, to path: String, kind: String, facilityCode: String) async -> SubmissionResult {
        guard facilityCode.count >= 2 else {
            return .failed(InsuranceGatewayError(.invalidRequest, path: path, "the facility code (maCSKCB) is missing or too short"))
        }
        let form = [
            ("username", configuration.credentials.username), ("loaiHoSo", kind), ("maTinh", String(facilityCode.prefix(2))),
            ("maCSKCB", facilityCode), ("fileHSBase64", Data(file).base64EncodedString()),
        ]
        let answered = await authorized(path) { (token) async throws(InsuranceGatewayError) -> (SubmissionResult, refused: Bool) in
            let answer = try await self.post(
                path,
                headers: [
                    ("accessToken", token.accessToken), ("tokenId", token.idToken),
                    ("passwordHash", self.configuration.credentials.passwordHash),
                ], form: form)
            let result = SubmissionResult(httpStatus: answer.status, retryAfter: answer.retryAfter, body: answer.body)
            return (result, result.refusesToken)
        }
        let outcome: SubmissionResult
        switch answered {
        case .success(let result): outcome = result
        case .failure(let error): outcome = .failed(error)
        }
        var metadata: Logger.Metadata = ["insurance.gateway.path": "\(path)", "insurance.gateway.outcome": "\(outcome.outcome)"]
        if let code = outcome.resultCode { metadata["insurance.gateway.result_code"] = "\(code)" }
        if let transaction = outcome.transactionID { metadata["insurance.gateway.transaction"] = "\(transaction)" }
        logger.info("gateway answered a submission", metadata: metadata)
        return outcome
    }

    // MARK: Card check

    /// Checks a card (`POST /api/egw/KQNhanLichSuKCB2024`, token and account in the query, the
    /// question as JSON).
    ///
    /// - Returns: the gateway's answer, whatever its code (``CardCheckResult/isValid`` for 000).
    /// - Throws: ``InsuranceGatewayError`` when no answer with a `maKetQua` came.
    public func checkCard(_ request: CardCheckRequest) async throws(InsuranceGatewayError) -> CardCheckResult {
        let path = "/api/egw/KQNhanLichSuKCB2024"
        let body: Data
        do {
            body = try JSONSerialization.data(withJSONObject: request.members, options: [.sortedKeys])
        } catch {
            throw InsuranceGatewayError(.invalidRequest, path: path, "the question cannot be written as JSON")
        }
        let result = await authorized(path) { (token) async throws(InsuranceGatewayError) -> ((Answer, GatewayReply?), refused: Bool) in
            let query = FormEncoding.encode([
                ("token", token.accessToken), ("id_token", token.idToken), ("username", self.configuration.credentials.username),
                ("password", self.configuration.credentials.passwordHash),
            ])
            let answer = try await self.send(path, query: query, headers: [("Content-Type", "application/json")], body: Array(body))
            let reply = GatewayReply(json: answer.body)
            let refused = answer.status == 401 || reply?.resultCode == .unauthorized
            return ((answer, reply), refused)
        }
        let (answer, reply) = try result.get()
        guard answer.status != 401, reply?.resultCode != .unauthorized else {
            throw InsuranceGatewayError(.authenticationFailed, path: path, httpStatus: answer.status, "the gateway refused the token twice")
        }
        guard (200...299).contains(answer.status) else {
            throw InsuranceGatewayError(.httpStatus, path: path, httpStatus: answer.status, resultCode: reply?.resultCode, "the card check failed")
        }
        guard let reply, let card = CardCheckResult(reply: reply) else {
            throw InsuranceGatewayError(.invalidResponse, path: path, httpStatus: answer.status, "the answer has no maKetQua")
        }
        logger.info("gateway answered a card check", metadata: ["insurance.gateway.path": "\(path)", "insurance.gateway.result_code": "\(card.code)"])
        return card
    }

    // MARK: Requests

    /// Runs `request` with a token; when the gateway refuses the token (the second member of
    /// the request's answer), takes a new one and runs it once more.
    private func authorized<Value>(
        _ path: String, _ request: (GatewayToken) async throws(InsuranceGatewayError) -> (Value, refused: Bool)
    ) async -> Result<Value, InsuranceGatewayError> {
        do {
            var token = try await self.token()
            let first = try await request(token)
            guard first.refused else { return .success(first.0) }
            logger.notice("the gateway refused the token; taking a new one", metadata: ["insurance.gateway.path": "\(path)"])
            token = try await self.token(renewing: true)
            return .success(try await request(token).0)
        } catch {
            return .failure(error)
        }
    }

    /// One answer: status, `Retry-After`, body.
    struct Answer {
        var status: Int
        var retryAfter: String?
        var body: [UInt8]
    }

    private func post(_ path: String, headers: [(String, String)], form: [(String, String)]) async throws(InsuranceGatewayError) -> Answer {
        try await send(
            path, query: nil, headers: headers + [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(FormEncoding.encode(form).utf8))
    }

    private func send(_ path: String, query: String?, headers: [(String, String)], body: [UInt8]) async throws(InsuranceGatewayError) -> Answer {
        var base = configuration.url.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var request = HTTPClientRequest(url: base + path + (query.map { "?" + $0 } ?? ""))
        request.method = .POST
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(configuration.timeout))
            var kept: [UInt8] = []
            for try await chunk in response.body {
                let room = configuration.maximumResponseLength - kept.count
                if room > 0 { kept += chunk.readableBytesView.prefix(room) }
            }
            return Answer(status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"), body: kept)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw InsuranceGatewayError(.timedOut, path: path, "no answer within \(configuration.timeout)")
        } catch {
            // The error's text names the host and the failure, not the request's query.
            throw InsuranceGatewayError(.connectionFailed, path: path, "the request failed: \(Self.summary(of: error))")
        }
    }

    /// A short text for a transport error, without URLs (a query may hold the token).
    private static func summary(of error: any Error) -> String {
        let text = String(describing: error)
        guard let range = text.range(of: "?") else { return text }
        return String(text[..<range.lowerBound]) + "?…"
    }
}
