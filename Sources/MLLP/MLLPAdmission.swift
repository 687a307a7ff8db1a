public import NIOCore

/// Who an ``MLLPServer`` serves (sender allow-lists).
///
/// ``address`` is asked when a connection is accepted, before anything is read from it; with TLS,
/// ``certificate`` is asked again once the handshake is done, before any frame is read. Each
/// answers `nil` to go on, or a short reason (`address`, `client_subject`) to refuse: the server
/// then closes the connection, logs one line (the peer's address and the reason, nothing the
/// peer sent) and calls ``onRefused``. Both are called on the connection's event loop: they must
/// be quick and must not block.
///
/// ```swift
/// var configuration = MLLPServer.Configuration(port: 2575)
/// configuration.admission = MLLPAdmission(address: { peer in
///     peer?.ipAddress == "10.20.0.5" ? nil : "address"
/// })
/// ```
public struct MLLPAdmission: Sendable {
    /// Decides on a new connection from its peer's address: `nil` admits it, a reason refuses it.
    public var address: @Sendable (_ remoteAddress: SocketAddress?) -> String?
    /// With TLS, decides once the handshake is done, from the subject of the peer's certificate
    /// (RFC 4514, `CN=…,O=…`; `nil` without one): `nil` admits it, a reason refuses it.
    public var certificate: @Sendable (_ remoteAddress: SocketAddress?, _ subject: String?) -> String?
    /// Called once per refused connection, with the reason given.
    public var onRefused: @Sendable (_ remoteAddress: SocketAddress?, _ reason: String) -> Void

    /// Creates an admission policy; by default everything is admitted.
    public init(
        address: @escaping @Sendable (_ remoteAddress: SocketAddress?) -> String? = { _ in nil },
        certificate: @escaping @Sendable (_ remoteAddress: SocketAddress?, _ subject: String?) -> String? = { _, _ in nil },
        onRefused: @escaping @Sendable (_ remoteAddress: SocketAddress?, _ reason: String) -> Void = { _, _ in }
    ) {
        self.address = address
        self.certificate = certificate
        self.onRefused = onRefused
    }
}
