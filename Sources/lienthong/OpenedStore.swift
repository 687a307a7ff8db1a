import Bus
import Logging
import PostgresStore
import ServiceLifecycle
import Store

/// The store a configuration names, opened: the store, the service that must run for it to
/// work (PostgreSQL's connection pool and migrations; SQLite's retention, when set) and how to close it.
struct OpenedStore {
    var store: any MessageStore
    /// Runs beside the bus, first in its service group so that it stops last.
    var service: (any Service)?
    var close: () throws -> Void

    /// Opens the configuration's store.
    init(_ configuration: BusConfiguration, logger: Logger) throws {
        switch configuration.store {
        case .sqlite(let sqlite):
            do {
                let store = try SQLiteStore(configuration: sqlite, logger: logger)
                self.store = store
                self.service = sqlite.retention.map { SQLiteRetentionService(store: store, retention: $0, logger: logger) }
                self.close = { try store.close() }
            } catch {
                throw CLIError("cannot open the store \(sqlite.path): \(error)")
            }
        case .postgres(let postgres):
            do {
                let store = try PostgresStore(configuration: postgres, logger: logger)
                self.store = store
                self.service = store
                self.close = {}
            } catch {
                throw CLIError("cannot use the PostgreSQL store \(postgres): \(error)")
            }
        }
    }

    /// Runs `body` with the store, its service running beside it (the store ready: migrated)
    /// when it has one; stops the service afterwards.
    func withRunning<T>(_ body: (any MessageStore) async throws -> T) async throws -> T {
        guard let service, let postgres = store as? PostgresStore else { return try await body(store) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            defer { group.cancelAll() }
            do {
                try await postgres.waitUntilReady()
            } catch {
                throw CLIError("cannot open the PostgreSQL store \(postgres.configuration): \(error)")
            }
            return try await body(store)
        }
    }
}
