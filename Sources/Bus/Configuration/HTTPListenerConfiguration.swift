public import MLLP

/// Where the bus's HTTP listener (FHIR channels) binds.
public struct HTTPListenerConfiguration: Sendable, Hashable {
    /// The address to bind.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int
    /// Whether the listener runs even without FHIR channels (the file has an `http` section):
    /// it serves `POST /admin/reload` then.
    public var isRequested: Bool = false
    /// HTTPS (and, with client certificate authorities, mutual TLS); `nil`: plain HTTP. It
    /// cannot change while the bus runs.
    public var tls: MLLPTLSConfiguration?
    /// Who may use the listener at all (every path); `nil`: anyone who can connect. FHIR
    /// channels have their own ``ChannelConfiguration/allow`` as well.
    public var allow: SenderAllowList?
    /// The TLS files as read (`certificate`, `private-key`, `client-ca`: path), for `config show`
    /// and to tell a reload that changes them; `nil` without TLS or for a configuration made in code.
    package var tlsFiles: [String: String]?

    /// Creates a listener configuration; by default `127.0.0.1:8080`.
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }

    /// Two configurations are equal when they bind the same address (``isRequested`` aside).
    public static func == (left: HTTPListenerConfiguration, right: HTTPListenerConfiguration) -> Bool {
        left.host == right.host && left.port == right.port
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(host)
        hasher.combine(port)
    }
}
