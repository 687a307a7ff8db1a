import Foundation
import Logging
public import ServiceLifecycle
import Store

/// Refreshes the queue gauges of ``BusMetrics`` (``BusMetrics/Name/queueDepth``,
/// ``BusMetrics/Name/queueDeadLetters``, ``BusMetrics/Name/queueOldestPendingAge``) from the
/// store at a fixed interval, until graceful shutdown.
///
/// Each refresh reads the store's queue statistics (``Store/MessageStore/queueDepths()``) and,
/// for each destination with entries waiting, its oldest waiting entry (one indexed read per
/// destination). Destinations routed to but without entries, and those whose entries are gone,
/// are set to zero. The gauges are as old as the last refresh: a scrape never queries the store.
public struct QueueMetricsService: Service {
    let store: any MessageStore
    let routing: RoutingTable
    let metrics: BusMetrics
    let interval: Duration
    let logger: Logger

    init(store: any MessageStore, routing: RoutingTable, metrics: BusMetrics, interval: Duration, logger: Logger) {
        self.store = store
        self.routing = routing
        self.metrics = metrics
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        var known = Set<String>()
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                known = try await refresh(known: known)
            } catch {
                logger.warning("could not read the queue statistics for the metrics", metadata: ["error": "\(String(describing: error))"])
            }
            try? await gracefulSleep(for: interval)
        }
    }

    /// Sets every destination's gauges once; returns the destinations set (pass them to the next
    /// refresh, so that a destination whose entries are gone goes back to zero).
    @discardableResult
    func refresh(known: Set<String> = [], now: Date = Date()) async throws -> Set<String> {
        let depths = try await store.queueDepths()
        var destinations = known
        for routes in routing.current.routes.values {
            for route in routes { destinations.insert(route.destination) }
        }
        var waiting: [String: Int] = [:]
        var deadLetters: [String: Int] = [:]
        for depth in depths {
            destinations.insert(depth.destination)
            if depth.state.isActive { waiting[depth.destination, default: 0] += depth.count }
            if depth.state == .deadLettered { deadLetters[depth.destination, default: 0] += depth.count }
        }
        for destination in destinations {
            let count = waiting[destination] ?? 0
            var age = Duration.zero
            if count > 0 {
                var oldest: Date?
                for state in [EntryState.pending, .leased] {
                    guard let first = try await store.entries(destination: destination, state: state, after: nil, limit: 1).first else { continue }
                    oldest = min(oldest ?? first.enqueuedAt, first.enqueuedAt)
                }
                if let oldest { age = .seconds(max(0, now.timeIntervalSince(oldest))) }
            }
            metrics.queue(destination: destination, depth: count, deadLetters: deadLetters[destination] ?? 0, oldestPendingAge: age)
        }
        return destinations
    }
}
