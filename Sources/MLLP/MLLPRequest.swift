public import NIOCore

/// One frame received by an ``MLLPServer``, handed to its handler.
///
/// ```swift
/// let server = MLLPServer(configuration: .init(port: 2575), logger: logger) { request in
///     if request.isOversized { return ByteBuffer(bytes: Message.acknowledgment(forUnparsable: …).encoded()) }
///     …
/// }
/// ```
public struct MLLPRequest: Sendable {
    /// The connection a frame arrived on.
    public struct Connection: Sendable {
        /// The peer's address.
        public var remoteAddress: SocketAddress?
        /// With TLS, the common name in the subject of the peer's certificate (mutual TLS), or
        /// `nil` when the peer sent no certificate.
        public var peerCertificateCommonName: String?
        /// With mutual TLS, the subject of the peer's certificate in RFC 4514 form
        /// (`CN=his.example.vn,O=Example,C=VN`); `nil` without one.
        public var peerCertificateSubject: String?
        /// Whether the connection uses TLS.
        public var isTLS: Bool

        /// Creates a connection description.
        public init(remoteAddress: SocketAddress?, peerCertificateCommonName: String? = nil, isTLS: Bool = false) {
            self.remoteAddress = remoteAddress
            self.peerCertificateCommonName = peerCertificateCommonName
            self.isTLS = isTLS
        }
    }

    /// The frame's payload (the HL7 message). For an oversized frame only its first bytes (see
    /// ``MLLPFrame/payload``), so that an `AR` can still name the message.
    public var payload: ByteBuffer
    /// The payload's full length in bytes.
    public var length: Int
    /// Whether the frame exceeded the server's limit and was dropped; answer it with `AR`.
    public var isOversized: Bool
    /// The connection the frame arrived on.
    public var connection: Connection

    /// Creates a request.
    public init(payload: ByteBuffer, length: Int? = nil, isOversized: Bool = false, connection: Connection) {
        self.payload = payload
        self.length = length ?? payload.readableBytes
        self.isOversized = isOversized
        self.connection = connection
    }
}
