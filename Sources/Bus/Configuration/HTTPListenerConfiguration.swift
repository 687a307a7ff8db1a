/// Where the bus's HTTP listener (FHIR channels) binds.
public struct HTTPListenerConfiguration: Sendable, Hashable {
    /// The address to bind.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int
    /// Whether the listener runs even without FHIR channels (the file has an `http` section):
    /// it serves `POST /admin/reload` then.
    public var isRequested: Bool = false

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
