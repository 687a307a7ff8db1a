public import AsyncHTTPClient
public import FHIR
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// A client of a FHIR server such as the national health data platform: an OAuth2
/// client-credentials token (client secret or `private_key_jwt`), kept until it expires and
/// renewed once when the server answers 401; transaction Bundles (or single resources) POSTed
/// as conditional creates so that sending again creates no duplicate.
///
/// ```swift
/// let client = NationalPlatformClient(configuration: .init(
///     url: URL(string: "https://fhir.example.vn/fhir")!, tokenURL: URL(string: "https://auth.example.vn/token")!,
///     credentials: PlatformCredentials(clientID: "79001", method: .secret(secret))), logger: logger)
/// let result = await client.send(bundle)
/// switch result.outcome {
/// case .delivered: keep(result.body)
/// case .retryLater(let delay): …
/// case .rejected: print(result.reason ?? "")
/// }
/// ```
///
/// Logs carry the path, the status and the outcome; never a credential, a token or content.
public final class NationalPlatformClient: Sendable {
    /// Where the server is and how to talk to it.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The FHIR base URL (`https://fhir.example.vn/fhir`); transactions are POSTed to it,
        /// single resources to `<url>/<resourceType>`.
        public var url: URL
        /// The OAuth2 token endpoint.
        public var tokenURL: URL
        /// The client's id and secret or key.
        public var credentials: PlatformCredentials
        /// How long one request may take, from connecting to the end of the answer.
        public var timeout: Duration
        /// A token is renewed this long before `expires_in` runs out (at most half its lifetime).
        public var tokenRenewalMargin: Duration
        /// How long a token is used when the answer has no `expires_in`.
        public var defaultTokenLifetime: Duration
        /// At most this much of an answer is read.
        public var maximumResponseLength: Int

        /// Creates a configuration.
        public init(
            url: URL, tokenURL: URL, credentials: PlatformCredentials, timeout: Duration = .seconds(60),
            tokenRenewalMargin: Duration = .seconds(60), defaultTokenLifetime: Duration = .seconds(300),
            maximumResponseLength: Int = 4 * 1024 * 1024
        ) {
            self.url = url
            self.tokenURL = tokenURL
            self.credentials = credentials
            self.timeout = timeout
            self.tokenRenewalMargin = tokenRenewalMargin
            self.defaultTokenLifetime = defaultTokenLifetime
            self.maximumResponseLength = maximumResponseLength
        }

        /// URLs; credentials redacted.
        public var description: String {
            "NationalPlatformClient.Configuration(url: \(url.absoluteString), token-url: \(tokenURL.absoluteString), credentials: \(credentials))"
        }
    }

    /// The settings.
    public let configuration: Configuration
    let httpClient: HTTPClient
    let logger: Logger
    let now: @Sendable () -> Date
    private let cachedToken = Mutex<PlatformToken?>(nil)

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

    /// A token: the cached one while it lasts, otherwise a new one (`grant_type=client_credentials`).
    ///
    /// - Parameter renewing: ask for a new token even if the cached one has not expired.
    /// - Throws: ``PlatformError``.
    public func token(renewing: Bool = false) async throws(PlatformError) -> PlatformToken {
        let current = now()
        if !renewing, let token = cachedToken.withLock({ $0 }), token.expiresAt > current {
            return token
        }
        let credentials = configuration.credentials
        let path = configuration.tokenURL.path
        var form = [("grant_type", "client_credentials")]
        var headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        switch credentials.method {
        case .secret(let secret):
            let basic = Data((Self.formEncode(credentials.clientID) + ":" + Self.formEncode(secret)).utf8).base64EncodedString()
            headers.append(("Authorization", "Basic " + basic))
        case .privateKey(let key):
            form.append(("client_id", credentials.clientID))
            form.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
            form.append(("client_assertion", try key.assertion(clientID: credentials.clientID, audience: configuration.tokenURL.absoluteString, issuedAt: current)))
        }
        if let scope = credentials.scope { form.append(("scope", scope)) }
        let body = form.map { Self.formEncode($0.0) + "=" + Self.formEncode($0.1) }.joined(separator: "&")
        let answer = try await send(url: configuration.tokenURL.absoluteString, path: path, headers: headers, body: Array(body.utf8))
        let object = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
        guard (200...299).contains(answer.status) else {
            let error = object?["error"] as? String
            if answer.status == 401 || error == "invalid_client" || error == "unauthorized_client" {
                throw PlatformError(.authenticationFailed, path: path, httpStatus: answer.status, "the token endpoint refused the client (\(error ?? "no error code"))")
            }
            throw PlatformError(.httpStatus, path: path, httpStatus: answer.status, "the token request failed (\(error ?? "no error code"))")
        }
        guard let access = object?["access_token"] as? String, !access.isEmpty else {
            throw PlatformError(.invalidResponse, path: path, httpStatus: answer.status, "the answer holds no access_token")
        }
        let seconds = (object?["expires_in"] as? NSNumber)?.doubleValue ?? (object?["expires_in"] as? String).flatMap(Double.init)
        let lifetime = seconds.map { Duration.seconds($0) } ?? configuration.defaultTokenLifetime
        let usable = max(.zero, lifetime - min(configuration.tokenRenewalMargin, lifetime / 2))
        let token = PlatformToken(
            accessToken: access,
            expiresAt: current.addingTimeInterval(Double(usable.components.seconds) + Double(usable.components.attoseconds) / 1e18))
        cachedToken.withLock { $0 = token }
        logger.debug("took a platform token", metadata: ["fhir.platform.path": "\(path)"])
        return token
    }

    /// Forgets the cached token (the next request takes a new one).
    public func forgetToken() {
        cachedToken.withLock { $0 = nil }
    }

    // MARK: Sending

    /// POSTs a resource as a conditional create. A `transaction`, `batch` or `message` Bundle
    /// (the last made a transaction) goes to the base URL with each entry's request made
    /// idempotent (``ConditionalCreate/prepared(_:)``); any
    /// other resource goes to `<base>/<resourceType>` with an `If-None-Exist` header when it has
    /// an identifier. Never throws: every failure is a ``PlatformResult``.
    public func send(_ resource: Element) async -> PlatformResult {
        var base = configuration.url.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let resource = ConditionalCreate.prepared(resource)
        let isTransaction = ["transaction", "batch"].contains(resource.child(named: "type")?.value?.text) && resource.type == "Bundle"
        let body = resource.json()
        let url = isTransaction ? base : base + "/" + resource.type
        let path = isTransaction ? configuration.url.path : configuration.url.path + "/" + resource.type
        var headers = [("Content-Type", "application/fhir+json"), ("Accept", "application/fhir+json")]
        if !isTransaction, let search = ConditionalCreate.ifNoneExist(for: resource) { headers.append(("If-None-Exist", search)) }
        let result: PlatformResult
        do {
            var token = try await self.token()
            var answer = try await send(url: url, path: path, headers: headers + [("Authorization", "Bearer " + token.accessToken)], body: body)
            if answer.status == 401 {
                logger.notice("the platform refused the token; taking a new one", metadata: ["fhir.platform.path": "\(path)"])
                token = try await self.token(renewing: true)
                answer = try await send(url: url, path: path, headers: headers + [("Authorization", "Bearer " + token.accessToken)], body: body)
            }
            result = PlatformResult(httpStatus: answer.status, retryAfter: answer.retryAfter, location: answer.location, body: answer.body, now: now())
        } catch {
            result = .failed(error)
        }
        var metadata: Logger.Metadata = ["fhir.platform.path": "\(path)", "fhir.platform.outcome": "\(result.outcome)"]
        if let status = result.httpStatus { metadata["fhir.platform.status"] = "\(status)" }
        logger.info("platform answered", metadata: metadata)
        return result
    }

    // MARK: Requests

    /// One answer: status, `Retry-After`, `Location`, body.
    struct Answer {
        var status: Int
        var retryAfter: String?
        var location: String?
        var body: [UInt8]
    }

    private func send(url: String, path: String, headers: [(String, String)], body: [UInt8]) async throws(PlatformError) -> Answer {
        var request = HTTPClientRequest(url: url)
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
            return Answer(
                status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"),
                location: response.headers.first(name: "Location") ?? response.headers.first(name: "Content-Location"), body: kept)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw PlatformError(.timedOut, path: path, "no answer within \(configuration.timeout)")
        } catch {
            throw PlatformError(.connectionFailed, path: path, "the request failed: \(error)")
        }
    }

    /// `application/x-www-form-urlencoded` for one name or value (also the Basic scheme's
    /// encoding of client id and secret, RFC 6749 2.3.1).
    static func formEncode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text)
    }
}
