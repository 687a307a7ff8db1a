import Store
import StoreTesting
import Testing

/// The shared store suite (``StoreConformance``) against ``SQLiteStore`` on real files.
@Suite("SQLiteStore conformance")
struct SQLiteStoreConformanceTests {
    /// Encrypted at rest, as the bus runs it (the test below runs unencrypted).
    @Test(arguments: StoreConformance.checks)
    func conformance(_ check: StoreConformance.Check) async throws {
        try await withTemporarySQLiteStore(keys: StoreConformance.testRing(StoreConformance.testKey("k1", byte: 1))) { store, _ in
            try await check.run(store)
        }
    }

    @Test("conformance with power-loss durability and batches of one")
    func conformanceFullDurability() async throws {
        for check in StoreConformance.checks {
            try await withTemporarySQLiteStore(configuration: {
                SQLiteStore.Configuration(path: $0, durability: .full, maximumBatchSize: 1)
            }) { store, _ in
                try await check.run(store)
            }
        }
    }
}

/// The shared audit-log checks (``StoreConformance/auditChecks``) against ``SQLiteStore``: the
/// SQL runs on the store's file past the store; the guard is the two triggers of migration v6.
@Suite("SQLiteStore audit log")
struct SQLiteStoreAuditTests {
    @Test(arguments: StoreConformance.auditChecks)
    func audit(_ check: StoreConformance.AuditCheck) async throws {
        try await withTemporarySQLiteStore { store, _ in
            try await check.run(
                StoreConformance.AuditHarness(
                    logs: [store],
                    execute: { sql in try await store.execute(unsafeSQL: sql) },
                    dropGuard: { try await store.execute(unsafeSQL: "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete") }))
        }
    }

    @Test("two stores on one file append to one chain")
    func twoConnections() async throws {
        try await withTemporarySQLiteStore { store, directory in
            let other = try SQLiteStore(configuration: .init(path: directory.path("data/lienthong.sqlite")), logger: .silent)
            defer { try? other.close() }
            try await StoreConformance.auditChecks.first { $0.name.contains("concurrent") }!.run(
                StoreConformance.AuditHarness(
                    logs: [store, other], execute: { sql in try await store.execute(unsafeSQL: sql) }, dropGuard: {}))
        }
    }
}
