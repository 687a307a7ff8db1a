public import Bus
import Foundation
public import Hummingbird
import HTTPTypes
import NIOCore

/// The bus's operations endpoints on the HTTP listener, for probes and scrapers:
///
/// | request | answer |
/// | --- | --- |
/// | `GET /health` | 200 `{"status":"ok"}` while the process runs (liveness) |
/// | `GET /ready` | 200 `{"problems":[],"status":"ready"}` when the store answers and every MLLP listener is bound, else 503 `{"problems":[…],"status":"not ready"}` |
/// | `GET /metrics` | 200, the metrics in Prometheus' text format (when the bus records metrics) |
///
/// They answer every peer: they carry no message content, no control ID and no patient data.
public struct OperationsRoutes: Sendable {
    /// What is not ready (see ``Bus/BusNode/readiness(timeout:)``).
    let readiness: @Sendable () async -> Readiness
    /// The metrics in Prometheus' text format; `nil`: no `/metrics`.
    let metrics: (@Sendable () -> [UInt8])?

    /// The media type of Prometheus' text format.
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Creates the routes.
    ///
    /// - Parameters:
    ///   - readiness: runs for every `GET /ready`.
    ///   - metrics: runs for every `GET /metrics` and returns the text exposition
    ///     (`PrometheusCollectorRegistry.emitToBuffer()`); without it there is no `/metrics`.
    public init(readiness: @escaping @Sendable () async -> Readiness, metrics: (@Sendable () -> [UInt8])? = nil) {
        self.readiness = readiness
        self.metrics = metrics
    }

    /// Adds `GET /health`, `GET /ready` and `GET /metrics` to `router`.
    public func add<Context: RequestContext>(to router: Hummingbird.Router<Context>) {
        router.get("/health") { _, _ in
            Self.json(status: .ok, ["status": "ok"] as [String: String])
        }
        router.get("/ready") { _, _ in
            let state = await readiness()
            return Self.json(status: state.isReady ? .ok : .serviceUnavailable, Answer(state))
        }
        if let metrics {
            router.get("/metrics") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: Self.metricsContentType],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics())))
            }
        }
    }

    /// The body of `/ready`.
    struct Answer: Encodable {
        var status: String
        var problems: [String]

        init(_ readiness: Readiness) {
            status = readiness.isReady ? "ready" : "not ready"
            problems = readiness.problems
        }
    }

    static func json(status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        Response.json(value, status: status)
    }
}
