public import Hummingbird
public import NIOCore

/// A request context that knows who sent the request: the peer's address and, over mutual TLS,
/// its certificate's subject. Allow-lists (``Bus/SenderAllowList``) need it; a context that is
/// not one (a test router's) is refused by any allow-list.
public protocol SenderRequestContext: RequestContext {
    /// The peer's address.
    var remoteAddress: SocketAddress? { get }
    /// The subject of the peer's TLS certificate in RFC 4514 form; `nil` without TLS or
    /// without a client certificate.
    func peerCertificateSubject() async -> String?
}
