import Store
import StoreTesting
import Testing

/// The shared store suite (``StoreConformance``) against ``SQLiteStore`` on real files.
@Suite("SQLiteStore conformance")
struct SQLiteStoreConformanceTests {
    @Test(arguments: StoreConformance.checks)
    func conformance(_ check: StoreConformance.Check) async throws {
        try await withTemporarySQLiteStore { store, _ in
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
