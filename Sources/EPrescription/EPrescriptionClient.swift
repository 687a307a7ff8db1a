public import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// A client of the national e-prescription system (NOTES.md, "National e-prescription system";
/// the assumptions are in docs/EPRESCRIPTION.md): a facility login gives a bearer token, kept
/// until it expires and renewed once when the system answers 401; prescriptions go to
/// `POST /api/v1/gui-don-thuoc`.
///
/// ```swift
/// let client = EPrescriptionClient(configuration: .init(
///     url: URL(string: "https://donthuoc.example.vn")!, username: "79001", password: password, facilityCode: "79001"),
///     logger: logger)
/// let prescription = try PrescriptionBuilder(facilityCode: "79001").build(from: bundle)
/// let result = await client.submit(prescription)
/// ```
///
/// Logs carry the path, the HTTP status and the outcome; never the credentials, the token or
/// the prescription.
public final class EPrescriptionClient: Sendable {
    /// Where the system is and the facility's account.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The system's base URL; paths are appended.
        public var url: URL
        /// The facility's account name.
        public var username: String
        /// The account's password.
        public var password: String
        /// The facility code (`ma_co_so`), sent with the login.
        public var facilityCode: String
        /// How long one request may take.
        public var timeout: Duration
        /// How long a token is used when the login gives no `expires_in`.
        public var defaultTokenLifetime: Duration
        /// A token is renewed this long before it expires (at most half its lifetime before).
        public var tokenRenewalMargin: Duration
        /// At most this much of an answer is read.
        public var maximumResponseLength: Int

        /// Creates a configuration.
        public init(
            url: URL, username: String, password: String, facilityCode: String, timeout: Duration = .seconds(60),
            defaultTokenLifetime: Duration = .seconds(600), tokenRenewalMargin: Duration = .seconds(60), maximumResponseLength: Int = 1024 * 1024
        ) {
            self.url = url
            self.username = username
            self.password = password
            self.facilityCode = facilityCode
            self.timeout = timeout
            self.defaultTokenLifetime = defaultTokenLifetime
            self.tokenRenewalMargin = tokenRenewalMargin
            self.maximumResponseLength = maximumResponseLength
        }

        /// URL and facility; credentials redacted.
        public var description: String {
            "EPrescriptionClient.Configuration(url: \(url.absoluteString), facility: \(facilityCode), credentials: <redacted>)"
        }
    }

    /// The login path.
    public static let loginPath = "/api/v1/dang-nhap"
    /// The submission path.
    public static let submissionPath = "/api/v1/gui-don-thuoc"

    /// The settings.
    public let configuration: Configuration
    let httpClient: HTTPClient
    let logger: Logger
    let now: @Sendable () -> Date
    private let cachedToken = Mutex<(value: String, expiresAt: Date)?>(nil)

    /// Creates a client.
    public init(
        configuration: Configuration, httpClient: HTTPClient = .shared, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.now = now
    }

    /// A bearer token: the cached one while it lasts, otherwise a new login.
    ///
    /// - Parameter renewing: log in again even if the cached token has not expired.
    public func token(renewing: Bool = false) async throws(EPrescriptionError) -> String {
        let current = now()
        if !renewing, let token = cachedToken.withLock({ $0 }), token.expiresAt > current {
            return token.value
        }
        let path = Self.loginPath
        let body = Self.jsonBytes([
            "username": configuration.username, "password": configuration.password, "ma_co_so": configuration.facilityCode,
        ])
        let answer = try await send(path, headers: [], body: body)
        guard answer.status != 401, answer.status != 403 else {
            throw EPrescriptionError(.authenticationFailed, path: path, httpStatus: answer.status, "the system refused the facility's account")
        }
        guard (200...299).contains(answer.status) else {
            throw EPrescriptionError(.httpStatus, path: path, httpStatus: answer.status, "the login failed")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any],
            let access = object["access_token"] as? String, !access.isEmpty
        else {
            throw EPrescriptionError(.invalidResponse, path: path, httpStatus: answer.status, "the answer holds no access_token")
        }
        let seconds = (object["expires_in"] as? NSNumber)?.doubleValue ?? (object["expires_in"] as? String).flatMap(Double.init)
        let lifetime = seconds.map { Duration.seconds($0) } ?? configuration.defaultTokenLifetime
        let usable = max(.zero, lifetime - min(configuration.tokenRenewalMargin, lifetime / 2))
        let expiresAt = current.addingTimeInterval(Double(usable.components.seconds) + Double(usable.components.attoseconds) / 1e18)
        cachedToken.withLock { $0 = (access, expiresAt) }
        logger.debug("logged in to the e-prescription system", metadata: ["eprescription.path": "\(path)"])
        return access
    }

    /// Forgets the cached token.
    public func forgetToken() {
        cachedToken.withLock { $0 = nil }
    }

    /// Submits a prescription. Never throws: every failure is a ``PrescriptionSubmission``.
    public func submit(_ prescription: Prescription) async -> PrescriptionSubmission {
        let path = Self.submissionPath
        let body: [UInt8]
        do {
            body = Array(try prescription.json())
        } catch {
            return PrescriptionSubmission(outcome: .rejected, reason: "the prescription cannot be written as JSON")
        }
        let result: PrescriptionSubmission
        do {
            var token = try await self.token()
            var answer = try await send(path, headers: [("Authorization", "Bearer " + token)], body: body)
            if answer.status == 401 {
                logger.notice("the e-prescription system refused the token; logging in again", metadata: ["eprescription.path": "\(path)"])
                token = try await self.token(renewing: true)
                answer = try await send(path, headers: [("Authorization", "Bearer " + token)], body: body)
            }
            result = PrescriptionSubmission(httpStatus: answer.status, retryAfter: answer.retryAfter, body: answer.body, prescription: prescription)
        } catch {
            result = .failed(error)
        }
        logger.info(
            "e-prescription system answered a submission",
            metadata: [
                "eprescription.path": "\(path)", "eprescription.outcome": "\(result.outcome)",
                "eprescription.http_status": "\(result.httpStatus.map(String.init) ?? "none")",
            ])
        return result
    }

    struct Answer {
        var status: Int
        var retryAfter: String?
        var body: [UInt8]
    }

    static func jsonBytes(_ object: [String: String]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
    }

    private func send(_ path: String, headers: [(String, String)], body: [UInt8]) async throws(EPrescriptionError) -> Answer {
        var base = configuration.url.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.replaceOrAdd(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.replaceOrAdd(name: "Accept", value: "application/json")
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
            throw EPrescriptionError(.timedOut, path: path, "no answer within \(configuration.timeout)")
        } catch {
            throw EPrescriptionError(.connectionFailed, path: path, "the request failed: \(error)")
        }
    }
}
