import ArgumentParser
import Bus
import Foundation
import Logging
import PostgresStore
import Store

/// `--config FILE` or `--store PATH|URL`: the store a command reads or changes, beside a
/// running bus or without one.
struct StoreOptions: ParsableArguments {
    @OptionGroup var bus: BusOptions
    @Option(help: "The store itself instead of --config: a SQLite file, or a postgres:// URL.") var store: String?

    /// Opens the store for one command (`command` names it in errors) and runs `body` with it.
    /// With `mustExist`, a SQLite file that does not exist is an error rather than created.
    func withStore<T>(command: String, mustExist: Bool, _ body: (any MessageStore) async throws -> T) async throws -> T {
        let logger = Logger(label: "lienthong.\(command)", factory: { _ in SwiftLogNoOpLogHandler() })
        var configuration = try bus.load()
        if let store {
            guard bus.config == nil else { throw ValidationError("give --config or --store, not both") }
            if store.hasPrefix("postgres://") || store.hasPrefix("postgresql://") {
                do {
                    configuration.store = .postgres(try PostgresStore.Configuration(url: store))
                } catch {
                    throw ValidationError("--store: \(error)")
                }
            } else {
                configuration.store = .sqlite(SQLiteStore.Configuration(path: store))
            }
        }
        if mustExist, case .sqlite(let sqlite) = configuration.store, !FileManager.default.fileExists(atPath: sqlite.path) {
            throw CLIError("\(command): no store at \(sqlite.path) (run the bus first, or name its configuration with --config)")
        }
        let opened = try bus.openStore(configuration, logger: logger)
        defer { try? opened.close() }
        return try await opened.withRunning(body)
    }
}
