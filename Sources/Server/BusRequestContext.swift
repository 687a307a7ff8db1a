public import Hummingbird
public import NIOCore

/// The request context of the bus's HTTP listener: Hummingbird's basics and the peer's address
/// (`/admin/…` answers loopback peers only).
public struct BusRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's storage.
    public var coreContext: CoreRequestContextStorage
    /// The peer's address.
    public let remoteAddress: SocketAddress?

    /// Creates the context of a request on `source`'s connection.
    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
