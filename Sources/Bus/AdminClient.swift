import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// Asks a running bus, over its HTTP listener, to reload its configuration
/// (`POST /admin/reload`, see `docs/CONFIGURATION.md`): `lienthong config reload`.
public struct AdminClient: Sendable {
    /// The bus's HTTP listener, e.g. `http://127.0.0.1:8080`.
    public var baseURL: URL
    /// How long to wait for the answer (a reload waits for changed destinations to finish their batch).
    public var timeout: Duration

    /// Creates a client.
    public init(baseURL: URL, timeout: Duration = .seconds(120)) {
        self.baseURL = baseURL
        self.timeout = timeout
    }

    /// A failure to reach the bus or to read its answer.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// Asks for a reload and returns what the bus did (applied, or refused with the errors).
    public func reload() async throws(Failure) -> ConfigurationReload {
        let url = baseURL.absoluteString.hasSuffix("/") ? baseURL.absoluteString + "admin/reload" : baseURL.absoluteString + "/admin/reload"
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        let body: ByteBuffer
        let status: UInt
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
            status = response.status.code
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw Failure(description: "cannot reach the bus at \(url): \(error)")
        }
        guard let result = try? JSONDecoder().decode(ConfigurationReload.self, from: Data(body.readableBytesView)) else {
            throw Failure(description: "\(url) answered \(status) without a reload result (is it a LienThong bus?)")
        }
        return result
    }
}
