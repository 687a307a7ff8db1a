public import Logging
public import NIOCore
public import NIOPosix
import NIOSSL
public import ServiceLifecycle
import Synchronization

/// An MLLP listener: accepts connections, reads framed HL7 messages and answers each with the
/// bytes its handler returns.
///
/// Each connection is served by its own task; its frames are handled **one at a time, in the
/// order they arrived**, so pipelined frames are answered in order. The next frame is read only
/// after the handler has answered the previous one, and the connection's inbound buffer is
/// small (``Configuration/inboundBufferHighWatermark``), so a slow handler (a store that is
/// behind) stops the server reading from that socket: back-pressure reaches the sender through
/// TCP flow control.
///
/// The server is a swift-service-lifecycle `Service`. On graceful shutdown it stops accepting,
/// stops reading, lets every frame already read be handled and answered, closes the connections
/// and returns from ``run()``.
///
/// ```swift
/// let server = MLLPServer(configuration: .init(host: "0.0.0.0", port: 2575), logger: logger) { request in
///     let message = try? Message(request.payload.readableBytesView)
///     return ByteBuffer(bytes: …acknowledgment….encoded())
/// }
/// let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public final class MLLPServer: Service, Sendable {
    /// Answers one frame with the payload of the response frame (usually an ACK).
    public typealias Handler = @Sendable (MLLPRequest) async -> ByteBuffer

    /// How the server listens.
    public struct Configuration: Sendable {
        /// The address to bind.
        public var host: String
        /// The port to bind; `0` picks a free one (read it from ``MLLPServer/localAddress``).
        public var port: Int
        /// The largest payload accepted; longer frames reach the handler as oversized.
        public var maximumFrameLength: Int
        /// A connection with no frame awaiting its answer for this long is closed; `nil` never.
        public var idleTimeout: Duration?
        /// TLS (and mutual TLS); `nil` for plain TCP.
        public var tls: MLLPTLSConfiguration?
        /// The listen backlog.
        public var backlog: Int32
        /// How many decoded frames a connection buffers before it stops reading the socket.
        public var inboundBufferHighWatermark: Int
        /// Who is served (sender allow-lists); `nil`: every connection.
        public var admission: MLLPAdmission?

        /// Creates a configuration; everything but the port has a default.
        public init(
            host: String = "127.0.0.1",
            port: Int,
            maximumFrameLength: Int = MLLPFrameDecoder.defaultMaximumFrameLength,
            idleTimeout: Duration? = .seconds(300),
            tls: MLLPTLSConfiguration? = nil,
            backlog: Int32 = 256,
            inboundBufferHighWatermark: Int = 4
        ) {
            self.host = host
            self.port = port
            self.maximumFrameLength = maximumFrameLength
            self.idleTimeout = idleTimeout
            self.tls = tls
            self.backlog = backlog
            self.inboundBufferHighWatermark = inboundBufferHighWatermark
        }
    }

    /// The configuration the server was created with.
    public let configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let handler: Handler
    private let onListening: @Sendable (SocketAddress) async -> Void
    private let onAnswered: @Sendable (MLLPRequest, Duration) -> Void
    private let boundAddress = Mutex<SocketAddress?>(nil)

    /// Creates a server; it listens when ``run()`` is called.
    ///
    /// - Parameters:
    ///   - configuration: where and how to listen.
    ///   - eventLoopGroup: the event loops for the sockets.
    ///   - logger: for connection events and errors (no message content is logged).
    ///   - onListening: called once the socket is bound, with its address (useful with port 0).
    ///   - onAnswered: called once each answer is written, with the time since its frame was
    ///     read (for metrics).
    ///   - handler: answers each frame; it is awaited before the connection's next frame is read.
    public init(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        onListening: @escaping @Sendable (SocketAddress) async -> Void = { _ in },
        onAnswered: @escaping @Sendable (_ request: MLLPRequest, _ duration: Duration) -> Void = { _, _ in },
        handler: @escaping Handler
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.onListening = onListening
        self.onAnswered = onAnswered
        self.handler = handler
    }

    /// The address the server is bound to, once ``run()`` has bound it.
    public var localAddress: SocketAddress? {
        boundAddress.withLock { $0 }
    }

    /// Listens and serves until graceful shutdown (or cancellation), then returns once every
    /// connection is closed.
    ///
    /// - Throws: ``MLLPError`` with ``MLLPError/Code/tlsConfiguration`` for a bad TLS setup, or
    ///   the error binding the socket.
    public func run() async throws {
        let sslContext = try configuration.tls.map { configuration throws(MLLPError) in try configuration.makeContext() }
        let maximumFrameLength = configuration.maximumFrameLength
        let idleTimeout = configuration.idleTimeout.map { TimeAmount($0) }
        let watermark = max(1, configuration.inboundBufferHighWatermark)
        let logger = self.logger
        let admission = configuration.admission

        let serverChannel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: configuration.backlog)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // Nothing is read until the connection's task has wrapped the channel (see `serve`).
            .childChannelOption(.autoRead, value: false)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // A sender not allowed gets no handler: nothing is read, `serve` closes it.
                    if let admission, let reason = admission.address(channel.remoteAddress) {
                        return Accepted(channel: channel, refusal: reason)
                    }
                    let operations = channel.pipeline.syncOperations
                    if let sslContext {
                        try operations.addHandler(NIOSSLServerHandler(context: sslContext))
                        if let admission {
                            try operations.addHandler(MLLPAdmissionHandler(admission: admission, logger: logger))
                        }
                    }
                    try operations.addHandler(
                        ByteToMessageHandler(MLLPFrameDecoder(maximumFrameLength: maximumFrameLength, logger: logger)))
                    try operations.addHandler(MessageToByteHandler(MLLPFrameEncoder()))
                    try operations.addHandler(MLLPServerConnectionHandler(idleTimeout: idleTimeout))
                    // The raw channel, not a NIOAsyncChannel: a child accepted while the server
                    // closes may never reach the accept loop, and a NIOAsyncChannel dropped without
                    // `executeThenClose` stops the process. `serve` wraps it, and always closes it.
                    return Accepted(channel: channel, refusal: nil)
                }
            }

        guard let address = serverChannel.channel.localAddress else {
            try? await serverChannel.channel.close()
            throw ChannelError.unknownLocalAddress
        }
        boundAddress.withLock { $0 = address }
        logger.info("MLLP server listening", metadata: ["mllp.address": "\(address)", "mllp.tls": "\(sslContext != nil)"])
        await onListening(address)

        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                do {
                    try await serverChannel.executeThenClose { inbound in
                        for try await accepted in inbound {
                            if let reason = accepted.refusal {
                                let remoteAddress = accepted.channel.remoteAddress
                                Self.logRefusal(logger, remoteAddress: remoteAddress, reason: reason, subject: nil)
                                admission?.onRefused(remoteAddress, reason)
                                accepted.channel.close(promise: nil)
                                continue
                            }
                            group.addTask {
                                await self.serve(accepted.channel, isTLS: sslContext != nil, watermark: watermark)
                            }
                        }
                    }
                } catch {
                    logger.error("MLLP server stopped accepting", metadata: ["error": "\(error)"])
                }
            }
        } onGracefulShutdown: {
            serverChannel.channel.close(promise: nil)
        }
        logger.info("MLLP server stopped", metadata: ["mllp.address": "\(address)"])
    }

    /// A connection as accepted: its channel, and the reason it is refused (``MLLPAdmission``).
    struct Accepted: Sendable {
        var channel: any Channel
        var refusal: String?
    }

    /// Logs a connection refused by the ``Configuration/admission``: the peer, the reason and,
    /// when the refusal is about it, the subject of its certificate.
    static func logRefusal(_ logger: Logger, remoteAddress: SocketAddress?, reason: String, subject: String?) {
        var metadata: Logger.Metadata = [
            "mllp.remote_address": "\(remoteAddress.map { "\($0)" } ?? "unknown")", "mllp.refusal": "\(reason)",
        ]
        if let subject { metadata["tls.peer_subject"] = "\(subject)" }
        logger.notice("MLLP connection refused", metadata: metadata)
    }

    /// Serves one connection; never throws, so one connection's failure does not stop the server.
    private func serve(_ channel: any Channel, isTLS: Bool, watermark: Int) async {
        var logger = self.logger
        logger[metadataKey: "mllp.remote_address"] = "\(channel.remoteAddress.map { "\($0)" } ?? "unknown")"
        logger.debug("MLLP connection accepted")
        do {
            let connection = try await channel.eventLoop.submit {
                try NIOAsyncChannel<MLLPFrame, ByteBuffer>(
                    wrappingChannelSynchronously: channel,
                    configuration: .init(
                        backPressureStrategy: .init(lowWatermark: max(0, watermark / 2), highWatermark: watermark)))
            }.get()
            try await withGracefulShutdownHandler {
                try await connection.executeThenClose { inbound, outbound in
                    // From here the async channel's back-pressure decides when to read.
                    try await channel.setOption(.autoRead, value: true).get()
                    // The idle clock starts now, also for a connection that never sends.
                    try await channel.triggerUserOutboundEvent(MLLPServerConnectionHandler.Ready()).get()
                    var info: MLLPRequest.Connection?
                    let clock = ContinuousClock()
                    for try await frame in inbound {
                        let read = clock.now
                        let connectionInfo: MLLPRequest.Connection
                        if let info {
                            connectionInfo = info
                        } else {
                            // Read once, at the first frame: the TLS handshake is done by then.
                            connectionInfo = await Self.connectionInfo(channel, isTLS: isTLS)
                            info = connectionInfo
                        }
                        if frame.isOversized {
                            logger.warning("MLLP frame over the size limit", metadata: ["mllp.frame_length": "\(frame.length)"])
                        }
                        let request = MLLPRequest(
                            payload: frame.payload, length: frame.length, isOversized: frame.isOversized, connection: connectionInfo)
                        let response = await handler(request)
                        try await outbound.write(response)
                        onAnswered(request, clock.now - read)
                    }
                }
            } onGracefulShutdown: {
                channel.triggerUserOutboundEvent(MLLPServerConnectionHandler.Drain(), promise: nil)
            }
            logger.debug("MLLP connection closed")
        } catch {
            logger.debug("MLLP connection failed", metadata: ["error": "\(error)"])
            channel.close(promise: nil)
        }
    }

    /// The peer's address and, with TLS, its certificate's common name.
    private static func connectionInfo(_ channel: any Channel, isTLS: Bool) async -> MLLPRequest.Connection {
        var info = MLLPRequest.Connection(remoteAddress: channel.remoteAddress, isTLS: isTLS)
        if isTLS, let certificate = try? await channel.nioSSL_peerCertificate().get() {
            info.peerCertificateCommonName = Self.commonName(of: certificate)
            info.peerCertificateSubject = certificate.rfc4514Subject
        }
        return info
    }

    /// The subject common name of a certificate, read from its description
    /// (`<NIOSSLCertificate;serial_number=…;common_name=NAME;…>`).
    static func commonName(of certificate: NIOSSLCertificate) -> String? {
        let fields = certificate.description.dropFirst().dropLast().split(separator: ";")
        guard let field = fields.first(where: { $0.hasPrefix("common_name=") }) else { return nil }
        return String(field.dropFirst("common_name=".count))
    }
}
