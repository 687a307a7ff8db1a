public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
public import Store

/// Delivers entries to an HTTP endpoint: one request per entry, the message as the body.
///
/// The status decides (see ``DeliveryVerdict/init(httpStatus:retryAfter:now:)``): 2xx delivered;
/// 408, 429 and 5xx retried, not before `Retry-After` when the server sends one; any other
/// status is a dead letter. No answer in time is retried; a connection that cannot be made is
/// retried. Each request carries `Idempotency-Key: <entry id>`, the same for every attempt of an
/// entry (a replay is a new entry, with a new key), so a receiver can drop a delivery it already
/// took.
public struct HTTPDestination: Destination {
    /// Where and how to send.
    public struct Configuration: Sendable {
        /// The endpoint.
        public var url: URL
        /// `POST` (default) or `PUT`.
        public var method: String
        /// The `Content-Type` of the body; `nil` names the payload's format
        /// (`x-application/hl7-v2+er7`, `application/fhir+json`, `application/fhir+xml`).
        public var contentType: String?
        /// Further headers (e.g. `Authorization`).
        public var headers: [(name: String, value: String)]
        /// How long one request may take, from connecting to the end of the response.
        public var timeout: Duration
        /// At most this much of a response body is kept with the attempt.
        public var maximumResponseLength: Int

        /// Creates a configuration.
        public init(
            url: URL,
            method: String = "POST",
            contentType: String? = nil,
            headers: [(name: String, value: String)] = [],
            timeout: Duration = .seconds(30),
            maximumResponseLength: Int = 64 * 1024
        ) {
            self.url = url
            self.method = method
            self.contentType = contentType
            self.headers = headers
            self.timeout = timeout
            self.maximumResponseLength = maximumResponseLength
        }
    }

    /// The settings.
    public let configuration: Configuration
    let client: HTTPClient

    /// Creates a destination sending through `client` (by default the process-wide shared client,
    /// which pools connections).
    public init(configuration: Configuration, client: HTTPClient = .shared) {
        self.configuration = configuration
        self.client = client
    }

    public func deliver(_ lease: Lease) async -> DeliveryResult {
        var request = HTTPClientRequest(url: configuration.url.absoluteString)
        request.method = HTTPMethod(rawValue: configuration.method.uppercased())
        request.headers.add(name: "Content-Type", value: configuration.contentType ?? lease.format.mediaType)
        request.headers.add(name: "Idempotency-Key", value: "\(lease.entry.id)")
        for header in configuration.headers {
            // A configured header replaces a default one of the same name.
            request.headers.replaceOrAdd(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: lease.payload))
        do {
            let response = try await client.execute(request, timeout: TimeAmount(configuration.timeout))
            let body = try await Self.collect(response.body, upTo: configuration.maximumResponseLength)
            let status = Int(response.status.code)
            let verdict = DeliveryVerdict(httpStatus: status, retryAfter: response.headers.first(name: "Retry-After"))
            return DeliveryResult(
                verdict: verdict,
                responseCode: "HTTP \(status)",
                response: body,
                error: verdict == .delivered ? nil : "HTTP \(status) \(response.status.reasonPhrase)"
            )
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return DeliveryResult(verdict: .timedOut, responseCode: "timeout", error: "\(error)")
        } catch {
            return DeliveryResult(verdict: .retry(reason: "HTTP request failed", retryAfter: nil), error: "\(error)")
        }
    }

    /// Reads at most `limit` bytes of a body and discards the rest.
    private static func collect(_ body: HTTPClientResponse.Body, upTo limit: Int) async throws -> [UInt8] {
        var kept: [UInt8] = []
        for try await chunk in body {
            let room = limit - kept.count
            if room > 0 { kept += chunk.readableBytesView.prefix(room) }
        }
        return kept
    }
}
