public import Logging
public import MLLP
import NIOCore
public import ServiceLifecycle

/// Runs an ``MLLP/MLLPServer`` on 127.0.0.1 (a free port) in a service group around `body`,
/// then shuts it down gracefully and waits for it to return. For tests of anything that talks
/// MLLP to a peer.
///
/// ```swift
/// try await withMLLPTestServer(logger: logger, handler: { request in ack(request) }) { port, _ in
///     let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port), logger: logger)
///     …
/// }
/// ```
public func withMLLPTestServer(
    configuration: MLLPServer.Configuration = MLLPServer.Configuration(port: 0),
    logger: Logger,
    handler: @escaping MLLPServer.Handler,
    _ body: (_ port: Int, _ group: ServiceGroup) async throws -> Void
) async throws {
    let (addresses, continuation) = AsyncStream.makeStream(of: SocketAddress.self)
    let server = MLLPServer(configuration: configuration, logger: logger, onListening: { continuation.yield($0) }, handler: handler)
    let group = ServiceGroup(services: [server], logger: logger)
    try await withThrowingTaskGroup { tasks in
        tasks.addTask { try await group.run() }
        var iterator = addresses.makeAsyncIterator()
        guard let port = await iterator.next()?.port, server.localAddress?.port == port else {
            await group.triggerGracefulShutdown()
            throw MLLPTestServerError()
        }
        do {
            try await body(port, group)
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// A free port on 127.0.0.1, for a server a test starts later (a peer that comes back, a child
/// process): bound by a test server, read, and released.
public func freeLoopbackPort(logger: Logger) async throws -> Int {
    var port = 0
    try await withMLLPTestServer(logger: logger, handler: { _ in ByteBuffer() }) { bound, _ in port = bound }
    return port
}

/// The test server did not report a listening port, or its `localAddress` disagrees with it.
public struct MLLPTestServerError: Error, CustomStringConvertible {
    public var description: String { "the MLLP test server did not start listening on the port it reports" }
}
