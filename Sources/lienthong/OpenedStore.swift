import Bus
import Foundation
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
    /// The keys the store was opened with (`nil`: no encryption).
    var keys: KeyRing?

    /// Opens the configuration's store.
    init(_ configuration: BusConfiguration, logger: Logger) throws {
        switch configuration.store {
        case .sqlite(let sqlite):
            let keys = try Self.keys(configuration.security.encryption, sqlitePath: sqlite.path, logger: logger)
            do {
                self.keys = keys
                let store = try SQLiteStore(configuration: sqlite, keys: keys, logger: logger)
                self.store = store
                self.service = sqlite.retention.map { SQLiteRetentionService(store: store, retention: $0, logger: logger) }
                self.close = { try store.close() }
            } catch let error as StoreError where error.code == .keyUnavailable {
                throw CLIError("cannot open the store \(sqlite.path): \(Self.explain(error, keys: keys))")
            } catch {
                throw CLIError("cannot open the store \(sqlite.path): \(error)")
            }
        case .postgres(let postgres):
            let keys = try Self.keys(configuration.security.encryption)
            if keys == nil {
                logger.warning("No security.encryption for the PostgreSQL store: message bodies are stored unencrypted (docs/SECURITY.md)")
            }
            do {
                self.keys = keys
                let store = try PostgresStore(configuration: postgres, keys: keys, logger: logger)
                self.store = store
                self.service = store
                self.close = {}
            } catch {
                throw CLIError("cannot use the PostgreSQL store \(postgres): \(error)")
            }
        }
    }

    /// The configured key ring; for SQLite without `security.encryption`, the key in the file
    /// beside the database (`<path>.key`, id `local`), generated (mode 0600) when missing.
    static func keys(_ encryption: EncryptionConfiguration?, sqlitePath: String? = nil, logger: Logger) throws -> KeyRing? {
        do {
            if let encryption { return try encryption.keyRing() }
            guard let sqlitePath else { return nil }
            let file = sqlitePath + ".key"
            if FileManager.default.fileExists(atPath: file) {
                return try KeyRing(current: .load(id: defaultKeyID, file: file))
            }
            let key = try EncryptionKey.generateFile(id: defaultKeyID, at: file)
            logger.notice(
                "Generated the store's encryption key: keep a copy of this file, the messages cannot be read without it",
                metadata: ["store.key_file": "\(file)", "store.key_id": "\(defaultKeyID)"])
            return try KeyRing(current: key)
        } catch {
            throw CLIError("security.encryption: \(error)")
        }
    }

    static func keys(_ encryption: EncryptionConfiguration?) throws -> KeyRing? {
        do {
            return try encryption?.keyRing()
        } catch {
            throw CLIError("security.encryption: \(error)")
        }
    }

    /// The id of the key generated beside a SQLite store without `security.encryption`.
    static let defaultKeyID = "local"

    /// A ``Store/StoreError/Code/keyUnavailable`` at open, in words.
    static func explain(_ error: StoreError, keys: KeyRing?) -> String {
        let id = error.keyID ?? "?"
        if keys?.key(id: id) != nil {
            return "the configured key \(id) is not the key this store used under that id (another or a regenerated key file?)"
        }
        return "the store holds rows encrypted with key \(id), which is not configured (security.encryption: key-id or previous-keys)"
    }

    /// The background re-encryption (see ``Bus/KeyRotationService``), when the store encrypts.
    func rotationService(logger: Logger) -> KeyRotationService? {
        guard let rotating = store as? any KeyRotatingStore & MessageStore, rotating.currentKeyID != nil else { return nil }
        return KeyRotationService(store: rotating, logger: logger)
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
            } catch let error as StoreError where error.code == .keyUnavailable {
                throw CLIError("cannot open the PostgreSQL store \(postgres.configuration): \(Self.explain(error, keys: keys))")
            } catch {
                throw CLIError("cannot open the PostgreSQL store \(postgres.configuration): \(error)")
            }
            return try await body(store)
        }
    }
}
