import Logging
import Store
public import ServiceLifecycle

/// Runs a ``Router`` until graceful shutdown: routes what intake stored as soon as intake rings,
/// and wakes the workers of the destinations that got entries. Each round routes by the routes
/// and mappings of the ``RoutingTable`` at its start, so a configuration reload takes effect
/// between two rounds.
///
/// Every routing step is one store transaction, so stopping (or crashing) between two messages
/// loses nothing: what is not routed yet is routed at the next start.
public struct RouterService: Service {
    let store: any MessageStore
    let routing: RoutingTable
    let incoming: Doorbell
    let destinations: DoorbellRegistry
    /// How long the router sleeps without a ring before it looks at the store again (messages
    /// stored by another process, a missed ring).
    let pollInterval: Duration
    let metrics: BusMetrics
    let logger: Logger

    init(
        store: any MessageStore, routing: RoutingTable, incoming: Doorbell, destinations: DoorbellRegistry, pollInterval: Duration = .seconds(1),
        metrics: BusMetrics = .disabled, logger: Logger
    ) {
        self.store = store
        self.routing = routing
        self.incoming = incoming
        self.destinations = destinations
        self.pollInterval = pollInterval
        self.metrics = metrics
        self.logger = logger
    }

    /// Messages routed per round (one read and one write operation).
    static let batchSize = 256

    public func run() async throws {
        var failures = 0
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let table = routing.current
                let router = Router(store: store, routes: table.routes, mappings: table.mappings, metrics: metrics, logger: logger)
                let routed = try await router.routePending(limit: Self.batchSize)
                failures = 0
                for name in routed.destinations { destinations[name].ring() }
                // Fewer than a batch: nothing else was pending; what intake stores since rings.
                if routed.count >= Self.batchSize { continue }
            } catch {
                failures += 1
                logger.error("routing failed; trying again", metadata: ["error": "\(String(describing: error))"])
                await backOff(afterFailures: failures)
                continue
            }
            await gracefulWait(incoming, timeout: pollInterval)
        }
        logger.debug("router stopped")
    }
}

/// Waits for a ring, returning early on graceful shutdown.
func gracefulWait(_ doorbell: Doorbell, timeout: Duration) async {
    await cancelWhenGracefulShutdown {
        await doorbell.wait(timeout: timeout)
    }
}

/// After `failures` store failures in a row: waits 100 ms per failure, at most 5 s, returning
/// early on graceful shutdown.
func backOff(afterFailures failures: Int) async {
    try? await gracefulSleep(for: .milliseconds(min(5000, 100 * failures)))
}

/// Sleeps, returning early on graceful shutdown.
func gracefulSleep(for duration: Duration) async throws {
    try await cancelWhenGracefulShutdown {
        try await Task.sleep(for: duration)
    }
}
