public import HL7v2
public import Logging
public import NIOCore
public import NIOPosix
import NIOSSL

/// An MLLP sender: sends framed HL7 messages to one host and port and awaits each response.
///
/// The client connects on the first send and reuses the connection for the next ones. After a
/// failure (timeout, closed connection) the connection is dropped and the next send connects
/// again. Sends issued concurrently are pipelined on the one connection and their responses
/// are matched in order. Call ``close()`` when done: the connection stays open until then.
///
/// ```swift
/// let client = try MLLPClient(configuration: .init(host: "10.0.0.5", port: 2575), logger: logger)
/// let ack = try await client.send(message)     // checks MSA-2 == MSH-10
/// if ack.code.isAccept { … }
/// await client.close()
/// ```
public actor MLLPClient {
    /// Where and how to connect.
    public struct Configuration: Sendable {
        /// The host to connect to.
        public var host: String
        /// The port to connect to.
        public var port: Int
        /// How long a connection attempt may take (including the TCP handshake).
        public var connectTimeout: Duration
        /// How long to wait for the response to a frame before giving up and closing the
        /// connection.
        public var responseTimeout: Duration
        /// The largest response payload accepted.
        public var maximumFrameLength: Int
        /// TLS (and mutual TLS); `nil` for plain TCP.
        public var tls: MLLPTLSConfiguration?

        /// Creates a configuration; everything but the host and port has a default.
        public init(
            host: String,
            port: Int,
            connectTimeout: Duration = .seconds(10),
            responseTimeout: Duration = .seconds(30),
            maximumFrameLength: Int = MLLPFrameDecoder.defaultMaximumFrameLength,
            tls: MLLPTLSConfiguration? = nil
        ) {
            self.host = host
            self.port = port
            self.connectTimeout = connectTimeout
            self.responseTimeout = responseTimeout
            self.maximumFrameLength = maximumFrameLength
            self.tls = tls
        }
    }

    /// The configuration the client was created with.
    public nonisolated let configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let sslContext: NIOSSLContext?
    /// The connection being made or made.
    private var connection: EventLoopFuture<any Channel>?
    /// The channel `connection` gave, once it did.
    private var currentChannel: (any Channel)?

    private var peer: String { "\(configuration.host):\(configuration.port)" }

    /// Creates a client; it connects on the first send.
    ///
    /// - Throws: ``MLLPError`` with ``MLLPError/Code/tlsConfiguration`` for a bad TLS setup.
    public init(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) throws(MLLPError) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.sslContext = try configuration.tls.map { tls throws(MLLPError) in try tls.makeContext() }
    }

    /// Sends a message and returns its acknowledgment.
    ///
    /// - Throws: ``MLLPError``: `connectFailed`, `connectTimeout`, `responseTimeout`,
    ///   `connectionClosed`, `frameTooLarge` (response), `invalidAck` (the response has no MSA),
    ///   or `ackMismatch` (MSA-2 is not the message's MSH-10; a message without MSH-10 can never
    ///   be matched).
    public func send(_ message: Message) async throws(MLLPError) -> Acknowledgment {
        let controlID = message.controlID
        let response = try await send(payload: ByteBuffer(bytes: message.encoded()), controlID: controlID)
        let acknowledgment: Acknowledgment
        do {
            acknowledgment = try Acknowledgment(parsing: Message(response.readableBytesView))
        } catch {
            throw MLLPError(.invalidAck, peer: peer, controlID: controlID, cause: error)
        }
        guard acknowledgment.acknowledges(message) else {
            throw MLLPError(
                .ackMismatch, peer: peer, controlID: controlID,
                acknowledgedControlID: acknowledgment.acknowledgedControlID)
        }
        logger.debug(
            "MLLP message acknowledged",
            metadata: ["hl7.control_id": "\(controlID ?? "")", "hl7.ack_code": "\(acknowledgment.code)"])
        return acknowledgment
    }

    /// Sends one frame and returns the payload of the response frame, without reading it.
    ///
    /// - Parameters:
    ///   - payload: the frame's payload (an encoded message).
    ///   - controlID: the message's MSH-10, for errors and logs only.
    /// - Throws: ``MLLPError``: `connectFailed`, `connectTimeout`, `responseTimeout`,
    ///   `connectionClosed`, or `frameTooLarge` when the response is over the limit.
    public func send(payload: ByteBuffer, controlID: String? = nil) async throws(MLLPError) -> ByteBuffer {
        let channel = try await connectedChannel(controlID: controlID)
        let response = channel.eventLoop.makePromise(of: MLLPFrame.self)
        let request = MLLPClientHandler.Request(
            payload: payload, response: response, timeout: TimeAmount(configuration.responseTimeout))
        // A write that fails before reaching the handler (closed channel) fails the request too;
        // completing an already completed promise is a no-op.
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { response.fail($0) }
        channel.writeAndFlush(request, promise: written)
        let frame: MLLPFrame
        do {
            frame = try await response.futureResult.get()
        } catch {
            drop(channel)
            let code: MLLPError.Code = (error as? MLLPClientHandler.Failure) == .timeout ? .responseTimeout : .connectionClosed
            logger.debug("MLLP send failed", metadata: ["hl7.control_id": "\(controlID ?? "")", "mllp.error": "\(code)"])
            throw MLLPError(code, peer: peer, controlID: controlID, cause: error is MLLPClientHandler.Failure ? nil : error)
        }
        guard !frame.isOversized else {
            throw MLLPError(.frameTooLarge, peer: peer, controlID: controlID)
        }
        return frame.payload
    }

    /// Closes the connection, if any. A later send connects again.
    public func close() async {
        guard let connection else { return }
        self.connection = nil
        currentChannel = nil
        if let channel = try? await connection.get() {
            try? await channel.close()
        }
    }

    /// The open connection, or a new one.
    private func connectedChannel(controlID: String?) async throws(MLLPError) -> any Channel {
        let future: EventLoopFuture<any Channel>
        if let connection {
            future = connection
        } else {
            future = connect()
            connection = future
        }
        do {
            let channel = try await future.get()
            if connection === future { currentChannel = channel }
            if channel.isActive { return channel }
            drop(channel)
            return try await connectedChannel(controlID: controlID)
        } catch let error as MLLPError {
            throw error
        } catch {
            if connection === future { connection = nil }
            var code = MLLPError.Code.connectFailed
            if case .connectTimeout = error as? ChannelError { code = .connectTimeout }
            logger.debug("MLLP connect failed", metadata: ["mllp.peer": "\(peer)", "mllp.error": "\(code)"])
            throw MLLPError(code, peer: peer, controlID: controlID, cause: error)
        }
    }

    /// Forgets `channel` if it is the current connection, and closes it.
    private func drop(_ channel: any Channel) {
        if currentChannel === channel {
            connection = nil
            currentChannel = nil
        }
        channel.close(promise: nil)
    }

    private func connect() -> EventLoopFuture<any Channel> {
        let sslContext = self.sslContext
        let host = configuration.host
        let serverHostname: String? =
            configuration.tls?.serverHostname ?? ((try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil)
        let maximumFrameLength = configuration.maximumFrameLength
        let logger = self.logger
        return ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    if let sslContext {
                        try operations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname))
                    }
                    try operations.addHandler(
                        ByteToMessageHandler(MLLPFrameDecoder(maximumFrameLength: maximumFrameLength, logger: logger)))
                    try operations.addHandler(MessageToByteHandler(MLLPFrameEncoder()))
                    try operations.addHandler(MLLPClientHandler())
                }
            }
            .connect(host: host, port: configuration.port)
    }
}
