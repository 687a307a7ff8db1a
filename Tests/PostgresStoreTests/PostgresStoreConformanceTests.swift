import Store
import StoreTesting
import Testing

/// The shared store suite (``StoreConformance``) against ``PostgresStore`` on a real server, a
/// fresh schema per check.
@Suite("PostgresStore conformance", .enabled(if: TestServer.isEnabled))
struct PostgresStoreConformanceTests {
    @Test(arguments: StoreConformance.checks)
    func conformance(_ check: StoreConformance.Check) async throws {
        try await withTemporaryPostgresStore { store in
            try await check.run(store)
        }
    }
}
