import NIOCore

/// The server's per-connection channel handler: closes an idle connection and drains one on
/// graceful shutdown.
///
/// It sits between the framing handlers and the `NIOAsyncChannel`, counts the frames read and
/// the responses written (one per frame), and
/// - closes the connection after `idleTimeout` with no frame awaiting its response;
/// - on ``Drain``: stops reading from the socket, and closes the connection as soon as every
///   frame already read has been answered.
final class MLLPServerConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = MLLPFrame
    typealias InboundOut = MLLPFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The outbound user event that starts draining the connection.
    struct Drain: Sendable {}

    /// The outbound user event that starts the idle clock: the connection's task is ready and
    /// reading is on. (Turning `autoRead` on reads from the socket without a `read` passing
    /// through the pipeline, so a connection that never sends would never start the clock.)
    struct Ready: Sendable {}

    private let idleTimeout: TimeAmount?
    private var outstanding = 0
    private var draining = false
    private var idleTimer: Scheduled<Void>?
    private var readStarted = false

    init(idleTimeout: TimeAmount?) {
        self.idleTimeout = idleTimeout
    }


    func channelInactive(context: ChannelHandlerContext) {
        cancelIdleTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelIdleTimer()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        outstanding += 1
        cancelIdleTimer()
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        // While draining, read nothing more from the socket.
        guard !draining else { return }
        // The connection is idle from the first read on: the server turns reading on only once
        // the connection's task is ready, and time spent waiting for that task is not idleness
        // (closing then would reset a connection whose first frame is still unread).
        if !readStarted {
            readStarted = true
            scheduleIdleTimer(context: context)
        }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        outstanding = max(0, outstanding - 1)
        guard outstanding == 0 else {
            context.write(data, promise: promise)
            return
        }
        if draining {
            let written = promise ?? context.eventLoop.makePromise()
            context.write(data, promise: written)
            context.flush()
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.write(data, promise: promise)
            scheduleIdleTimer(context: context)
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is Ready {
            if !readStarted {
                readStarted = true
                if outstanding == 0 { scheduleIdleTimer(context: context) }
            }
            promise?.succeed()
            return
        }
        guard event is Drain else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        draining = true
        promise?.succeed()
        if outstanding == 0 { context.close(promise: nil) }
    }

    private func scheduleIdleTimer(context: ChannelHandlerContext) {
        guard let idleTimeout, idleTimer == nil, !draining else { return }
        let loopBoundContext = context.loopBound
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: idleTimeout) {
            loopBoundContext.value.close(promise: nil)
        }
    }

    private func cancelIdleTimer() {
        idleTimer?.cancel()
        idleTimer = nil
    }
}

@available(*, unavailable)
extension MLLPServerConnectionHandler: Sendable {}
