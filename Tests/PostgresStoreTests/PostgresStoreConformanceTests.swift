import PostgresNIO
import PostgresStore
import Store
import StoreTesting
import Testing

/// The shared store suite (``StoreConformance``) against ``PostgresStore`` on a real server, a
/// fresh schema per check.
@Suite("PostgresStore conformance", .enabled(if: TestServer.isEnabled))
struct PostgresStoreConformanceTests {
    /// Encrypted at rest, as the bus runs it.
    @Test(arguments: StoreConformance.checks)
    func conformance(_ check: StoreConformance.Check) async throws {
        try await withTemporaryPostgresStore(keys: StoreConformance.testRing(StoreConformance.testKey("k1", byte: 1))) { store in
            try await check.run(store)
        }
    }
}

/// The shared encryption checks (``StoreConformance/encryptionChecks``) against ``PostgresStore``:
/// each store of a check runs on the same schema; the stored bytes are the body and patient
/// identifier columns as the server returns them.
@Suite("PostgresStore encryption at rest", .enabled(if: TestServer.isEnabled))
struct PostgresStoreEncryptionTests {
    @Test(arguments: StoreConformance.encryptionChecks)
    func encryption(_ check: StoreConformance.EncryptionCheck) async throws {
        let configuration = try TestServer.configuration()
        // The first store creates the schema and drops it at the end; the check's stores share it.
        try await withTemporaryPostgresStore(configuration: configuration) { owner in
            try await check.run(
                StoreConformance.EncryptionHarness(
                    withStore: { keys, body in
                        try await withTemporaryPostgresStore(configuration: configuration, keys: keys, dropsSchema: false) { store in
                            try await body(store)
                        }
                    },
                    storedBytes: {
                        let rows = try await owner.client.query(
                            PostgresQuery(unsafeSQL: """
                                SELECT raw FROM message
                                UNION ALL SELECT convert_to(patient_id, 'UTF8') FROM message WHERE patient_id IS NOT NULL
                                UNION ALL SELECT payload FROM entry WHERE payload IS NOT NULL
                                UNION ALL SELECT response FROM attempt WHERE response IS NOT NULL
                                """)
                        ).collect()
                        return try rows.flatMap { row in Array(try row.decode(ByteBuffer.self).readableBytesView) }
                    },
                    execute: { sql in _ = try await owner.client.query(PostgresQuery(unsafeSQL: sql)).collect() }))
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
