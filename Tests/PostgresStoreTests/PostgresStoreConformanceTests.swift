import PostgresNIO
import PostgresStore
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

/// The shared audit-log checks (``StoreConformance/auditChecks``) against ``PostgresStore``: the
/// SQL runs on the store's pool (its schema first in the search path); the guard is the
/// triggers of migration 3.
@Suite("PostgresStore audit log", .enabled(if: TestServer.isEnabled))
struct PostgresStoreAuditTests {
    @Test(arguments: StoreConformance.auditChecks)
    func audit(_ check: StoreConformance.AuditCheck) async throws {
        try await withTemporaryPostgresStore { store in
            try await check.run(Self.harness([store]))
        }
    }

    @Test("three nodes appending at once make one chain")
    func nodes() async throws {
        let configuration = try TestServer.configuration()
        try await withTemporaryPostgresStore(configuration: configuration) { first in
            try await withTemporaryPostgresStore(configuration: configuration, dropsSchema: false) { second in
                try await withTemporaryPostgresStore(configuration: configuration, dropsSchema: false) { third in
                    try await StoreConformance.auditChecks.first { $0.name.contains("concurrent") }!.run(Self.harness([first, second, third]))
                }
            }
        }
    }

    @Test("TRUNCATE is refused too")
    func truncate() async throws {
        try await withTemporaryPostgresStore { store in
            try await store.appendAudit(AuditEvent(time: StoreConformance.epoch, actor: .cli, action: .replay, target: "entry 1"))
            await #expect(throws: (any Error).self) {
                _ = try await store.client.query(PostgresQuery(unsafeSQL: "TRUNCATE audit_log")).collect()
            }
            #expect(try await store.auditRecords(matching: AuditQuery(), after: nil, limit: 10).count == 1)
        }
    }

    static func harness(_ stores: [PostgresStore]) -> StoreConformance.AuditHarness {
        let store = stores[0]
        return StoreConformance.AuditHarness(
            logs: stores,
            execute: { sql in _ = try await store.client.query(PostgresQuery(unsafeSQL: sql)).collect() },
            dropGuard: { _ = try await store.client.query(PostgresQuery(unsafeSQL: "DROP TRIGGER audit_log_append_only ON audit_log")).collect() })
    }
}
