import NIOCore

/// The client's channel handler: matches each response frame to the oldest request awaiting
/// one, and fails requests on timeout or when the connection closes.
///
/// After a response timeout the connection is closed: a late response would otherwise be taken
/// for the answer to the next request.
final class MLLPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = MLLPFrame
    typealias OutboundIn = Request
    typealias OutboundOut = ByteBuffer

    /// One frame to send and the promise of its response.
    struct Request: Sendable {
        var payload: ByteBuffer
        var response: EventLoopPromise<MLLPFrame>
        var timeout: TimeAmount
    }

    /// Why a request failed, mapped to ``MLLPError`` by the client.
    enum Failure: Error {
        case timeout
        case closed
    }

    private struct Pending {
        var response: EventLoopPromise<MLLPFrame>
        var timer: Scheduled<Void>?
    }

    private var pending: [Pending] = []
    private var isActive = true

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard isActive else {
            request.response.fail(Failure.closed)
            promise?.fail(Failure.closed)
            return
        }
        let timer = context.eventLoop.assumeIsolated().scheduleTask(in: request.timeout) {
            // The oldest request timed out first; the others fail with `closed` when the
            // connection goes inactive.
            if !self.pending.isEmpty { self.pending.removeFirst().response.fail(Failure.timeout) }
            context.close(promise: nil)
        }
        pending.append(Pending(response: request.response, timer: timer))
        context.write(wrapOutboundOut(request.payload), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard !pending.isEmpty else { return }  // an unsolicited frame: nobody to give it to
        let first = pending.removeFirst()
        first.timer?.cancel()
        first.response.succeed(frame)
    }

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        failAll(Failure.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(Failure.closed)
    }

    private func failAll(_ error: any Error) {
        let failed = pending
        pending.removeAll()
        for entry in failed {
            entry.timer?.cancel()
            entry.response.fail(error)
        }
    }
}

@available(*, unavailable)
extension MLLPClientHandler: Sendable {}
