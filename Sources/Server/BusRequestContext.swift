public import Hummingbird
public import NIOCore
import MLLP
import NIOSSL

/// The request context of the bus's HTTP listener: Hummingbird's basics, the peer's address
/// (`/admin/…` answers loopback peers only) and its certificate over mutual TLS (allow-lists).
public struct BusRequestContext: RequestContext, RemoteAddressRequestContext, SenderRequestContext {
    /// Hummingbird's storage.
    public var coreContext: CoreRequestContextStorage
    /// The peer's address.
    public let remoteAddress: SocketAddress?
    /// The connection.
    let channel: any Channel

    /// Creates the context of a request on `source`'s connection.
    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The subject of the peer's certificate (RFC 4514), read from the connection's TLS handler.
    public func peerCertificateSubject() async -> String? {
        guard let certificate = try? await channel.nioSSL_peerCertificate().get() else { return nil }
        return certificate.rfc4514Subject
    }
}
