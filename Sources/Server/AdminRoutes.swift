public import Bus
import Foundation
public import Hummingbird
import NIOCore
import HTTPTypes

/// The bus's administration endpoint on the HTTP listener:
///
/// | request | answer |
/// | --- | --- |
/// | `POST /admin/reload` | 200 `{"applied":true,"changes":[…],"errors":[]}`, or 422 with `"applied":false` and the errors (file:line:column: key: problem); the previous configuration keeps running |
/// | from a peer that is not loopback | 403 |
///
/// There is no authentication yet (issue 10): only loopback peers (`127.0.0.0/8`, `::1`) are
/// answered, so only processes on the bus's machine can reload it.
public struct AdminRoutes: Sendable {
    /// Applies the configuration file again.
    let reload: @Sendable () async -> ConfigurationReload

    /// Creates the routes; `reload` runs for every accepted `POST /admin/reload`.
    public init(reload: @escaping @Sendable () async -> ConfigurationReload) {
        self.reload = reload
    }

    /// Adds `POST /admin/reload` to `router`.
    public func add<Context: RemoteAddressRequestContext>(to router: Hummingbird.Router<Context>) {
        router.post("/admin/reload") { _, context in
            guard Self.isLoopback(context.remoteAddress) else {
                return Self.json(
                    status: .forbidden,
                    ConfigurationReload.refused(["/admin/reload answers loopback peers only (no authentication yet)"]))
            }
            let result = await reload()
            return Self.json(status: result.applied ? .ok : .unprocessableContent, result)
        }
    }

    /// Whether a peer is on this machine: `127.0.0.0/8`, `::1`, or IPv4 loopback mapped into IPv6.
    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let address, let ip = address.ipAddress else { return false }
        switch address {
        case .v4: return ip.hasPrefix("127.")
        case .v6: return ip == "::1" || ip.lowercased().hasPrefix("::ffff:127.")
        default: return false
        }
    }

    static func json(status: HTTPResponse.Status, _ result: ConfigurationReload) -> Response {
        Response.json(result, status: status)
    }
}
