import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// Asks ``MLLPAdmission/certificate`` once the TLS handshake is done; a refused connection is
/// closed and nothing it sent reaches the framing handlers. Sits right after the TLS handler.
final class MLLPAdmissionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let admission: MLLPAdmission
    private let logger: Logger
    private var admitted = false

    init(admission: MLLPAdmission, logger: Logger) {
        self.admission = admission
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Application data comes after the handshake; until it is admitted, nothing passes.
        guard admitted else { return }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate()
            let subject = certificate.flatMap { $0.rfc4514Subject }
            let remoteAddress = context.channel.remoteAddress
            if let reason = admission.certificate(remoteAddress, subject) {
                MLLPServer.logRefusal(logger, remoteAddress: remoteAddress, reason: reason, subject: subject)
                admission.onRefused(remoteAddress, reason)
                context.close(promise: nil)
                return
            }
            admitted = true
        }
        context.fireUserInboundEventTriggered(event)
    }
}

@available(*, unavailable)
extension MLLPAdmissionHandler: Sendable {}
