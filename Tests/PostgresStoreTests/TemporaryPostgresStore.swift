import Foundation
import Logging
import PostgresNIO
import PostgresStore
import Store
import Testing

/// The PostgreSQL server the tests use: `LIENTHONG_TEST_POSTGRES_URL` (set by `scripts/test`,
/// which starts a private server). Without it the tests fail, unless `LIENTHONG_SKIP_POSTGRES=1`
/// says to skip them knowingly.
enum TestServer {
    static let url = ProcessInfo.processInfo.environment["LIENTHONG_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether the PostgreSQL tests run: always, unless there is no server and skipping was asked for.
    static let isEnabled = url != nil || ProcessInfo.processInfo.environment["LIENTHONG_SKIP_POSTGRES"] != "1"

    static let logger = Logger(label: "lienthong.test.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The server's configuration with a new, unique schema.
    static func configuration() throws -> PostgresStore.Configuration {
        guard let url else {
            throw TestServerMissing()
        }
        var configuration = try PostgresStore.Configuration(url: url)
        configuration.schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        // Each check runs beside the others: 4 connections each (3 + the listener) stay well
        // below a default server's 100.
        configuration.poolSize = 3
        return configuration
    }
}

struct TestServerMissing: Error, CustomStringConvertible {
    var description: String {
        "LIENTHONG_TEST_POSTGRES_URL is not set: run scripts/test (it starts a private PostgreSQL), or set LIENTHONG_SKIP_POSTGRES=1 to skip these tests knowingly"
    }
}

/// Runs `body` with a running store in a fresh schema of the test server, then drops the schema
/// (unless `dropsSchema` is false: another store of the test shares it and drops it).
func withTemporaryPostgresStore<T: Sendable>(
    configuration: PostgresStore.Configuration? = nil,
    keys: KeyRing? = nil,
    dropsSchema: Bool = true,
    _ body: @Sendable (PostgresStore) async throws -> T
) async throws -> T {
    let configuration = try configuration ?? TestServer.configuration()
    let store = try PostgresStore(configuration: configuration, keys: keys, logger: TestServer.logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await store.run() }
        defer { group.cancelAll() }
        try await store.waitUntilReady()
        let result: Result<T, any Error>
        do {
            result = .success(try await body(store))
        } catch {
            result = .failure(error)
        }
        if dropsSchema {
            try await store.client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(configuration.schema) CASCADE"))
        }
        return try result.get()
    }
}
