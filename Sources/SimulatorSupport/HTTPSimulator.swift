public import Foundation
public import Hummingbird

/// A simulated peer of the bus served over HTTP by Hummingbird (the insurance gateway, the FHIR
/// server, the e-prescription system): tests run it in-process with ``withRunning(host:_:)``.
public protocol HTTPSimulator: Sendable {
    /// The Hummingbird application the simulator serves.
    associatedtype SimulatorApplication: ApplicationProtocol

    /// The application listening on `host:port` (port 0 picks a free one); `onListening` gets the
    /// bound port.
    func application(host: String, port: Int, onListening: @escaping @Sendable (_ port: Int) async -> Void) -> SimulatorApplication
}

extension HTTPSimulator {
    /// Runs the simulator on `host` (a free port) around `body`, which gets its base URL; stops
    /// it when `body` returns or throws.
    ///
    /// ```swift
    /// try await simulator.withRunning { url in
    ///     let client = InsuranceGatewayClient(configuration: .init(url: url, credentials: credentials), logger: logger)
    ///     …
    /// }
    /// ```
    public func withRunning<Result: Sendable>(host: String = "127.0.0.1", _ body: (URL) async throws -> Result) async throws -> Result {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = self.application(host: host, port: 0, onListening: { port in continuation.yield(port) })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await application.runService(gracefulShutdownSignals: [])
                continuation.finish()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), let url = URL(string: "http://\(host):\(port)") else {
                group.cancelAll()
                throw CancellationError()
            }
            do {
                let result = try await body(url)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}
