import Bus
import Metrics
import Prometheus

/// The metrics backend of `lienthong serve`: a Prometheus registry, the swift-metrics factory
/// that records into it, and its text exposition for `GET /metrics`.
///
/// Only `serve` makes one, and bootstraps the process's metrics system with it once
/// (``bootstrap()``); the bus records through the factory it is given (``Bus/BusMetrics``).
struct MetricsExport: Sendable {
    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Store operations take well under a millisecond on SQLite; deliveries wait for retries
        // (minutes, hours). Acknowledgements use the default buckets (5 ms … 10 s).
        factory.durationHistogramBuckets[BusMetrics.Name.storeOperationDuration] = [
            .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        factory.durationHistogramBuckets[BusMetrics.Name.deliveryLatency] = [
            .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(900), .seconds(3600),
        ]
        self.factory = factory
    }

    /// Makes ``factory`` the process's metrics system (what libraries record goes to `/metrics`
    /// too). Once per process.
    func bootstrap() {
        MetricsSystem.bootstrap(factory)
    }

    /// What the bus records, through ``factory``.
    var busMetrics: BusMetrics { BusMetrics(factory: factory) }

    /// The metrics in Prometheus' text format.
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
