import Bus
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import Server

/// `/health`, `/ready` and `/metrics` over HTTP: statuses, media types, bodies.
@Suite struct OperationsRoutesTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func withRoutes(_ routes: OperationsRoutes, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = Hummingbird.Router()
        routes.add(to: router)
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: Self.logger)
        try await application.test(.router, body)
    }

    struct Answer: Decodable {
        var status: String
        var problems: [String]?
    }

    /// The JSON body, or `nil` when it is not one.
    static func answer(_ body: ByteBuffer) -> Answer? {
        try? JSONDecoder().decode(Answer.self, from: Data(body.readableBytesView))
    }

    @Test func healthIsOKAndReadyIsOKWithoutProblems() async throws {
        try await withRoutes(OperationsRoutes(readiness: { Readiness(problems: []) })) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(Self.answer(response.body)?.status == "ok")
            }
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
                let body = Self.answer(response.body)
                #expect(body?.status == "ready")
                #expect(body?.problems == [])
            }
            // No metrics given: no /metrics.
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func readyIs503WithWhatIsNotReady() async throws {
        let problems = ["store: no answer within 5.0 seconds", "channel his: the MLLP listener is not bound"]
        try await withRoutes(OperationsRoutes(readiness: { Readiness(problems: problems) })) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = Self.answer(response.body)
                #expect(body?.status == "not ready")
                #expect(body?.problems == problems)
            }
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok, "liveness does not depend on readiness")
            }
        }
    }

    @Test func metricsAreServedInPrometheusTextFormat() async throws {
        let text = "# TYPE lienthong_messages_received_total counter\nlienthong_messages_received_total{channel=\"his\"} 3\n"
        try await withRoutes(OperationsRoutes(readiness: { Readiness(problems: []) }, metrics: { Array(text.utf8) })) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                #expect(String(decoding: Data(response.body.readableBytesView), as: UTF8.self) == text)
            }
        }
    }
}
