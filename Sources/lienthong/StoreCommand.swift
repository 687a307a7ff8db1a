import ArgumentParser
import Bus
import Foundation
import Logging
import Store

/// `lienthong store key-status|rotate-key`
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Encryption at rest: rows per key, and re-encryption under the current key.",
        discussion: """
            Uses the store and the keys (security.encryption) of --config, or the defaults (SQLite in \
            ./data/lienthong.sqlite, its key in ./data/lienthong.sqlite.key). Runs next to a running \
            bus. Rotation: make the new key current, list the old one under previous-keys, restart or \
            run `lienthong store rotate-key`; when `key-status` shows no row under the old key, remove \
            it from previous-keys. See docs/SECURITY.md.
            """,
        subcommands: [KeyStatus.self, RotateKey.self]
    )

    /// Opens the configuration's store (it must exist) and runs `body` with it.
    static func withStore<T>(_ options: BusOptions, _ body: (any KeyRotatingStore & MessageStore) async throws -> T) async throws -> T {
        let logger = Logger(label: "lienthong.store", factory: { _ in SwiftLogNoOpLogHandler() })
        let configuration = try options.load()
        if case .sqlite(let sqlite) = configuration.store, !FileManager.default.fileExists(atPath: sqlite.path) {
            throw CLIError("store: no store at \(sqlite.path) (run the bus first, or name its configuration with --config)")
        }
        let opened = try options.openStore(configuration, logger: logger)
        defer { try? opened.close() }
        return try await opened.withRunning { store in
            guard let rotating = store as? any KeyRotatingStore & MessageStore else { throw CLIError("store: this store does not encrypt") }
            return try await body(rotating)
        }
    }

    struct KeyStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key-status",
            abstract: "Rows of each table per key id; an old key can go once no row uses it.",
            discussion: """
                One line per table and key: `message  2026-11  1520` (`none`: rows stored without \
                encryption), then `current key: ID` and, per previous key, whether rows still use it.
                """)

        @OptionGroup var options: BusOptions

        func run() async throws {
            let configuration = try options.load()
            try await StoreCommand.withStore(options) { store in
                let usage = try await store.keyUsage()
                for line in StoreCommand.lines(usage, current: store.currentKeyID, previous: configuration.security.encryption?.previous.map(\.id) ?? []) {
                    print(line)
                }
            }
        }
    }

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Re-encrypt every row under a previous key (or unencrypted) with the current key, then print the counts.",
            discussion: """
                Small batches, each a short transaction: safe next to a running bus, and on PostgreSQL \
                next to other nodes doing the same. Audited as key-rotation.
                """)

        @OptionGroup var options: BusOptions
        @Option(help: "Rows per table per batch.") var batchSize: Int = 500

        func run() async throws {
            guard batchSize > 0 else { throw ValidationError("--batch-size must be above 0") }
            try await StoreCommand.withStore(options) { store in
                guard let current = store.currentKeyID else { throw CLIError("store: no key configured (security.encryption)") }
                var moved: [String: Int] = [:]
                while true {
                    let batch = try await store.reencrypt(batchSize: batchSize)
                    if batch.total == 0 { break }
                    moved.merge(batch.reencrypted, uniquingKeysWith: +)
                }
                let detail = "re-encrypted \(moved["message"] ?? 0) messages, \(moved["entry"] ?? 0) entries, \(moved["attempt"] ?? 0) attempts"
                if moved.values.reduce(0, +) > 0 {
                    try await Auditor(store: store)?.record(.keyRotation, by: .cli, target: "key \(current)", detail: detail)
                }
                print("\(detail) under key \(current)")
                let usage = try await store.keyUsage()
                let left = usage.filter { $0.keyID != current && $0.rows > 0 }
                for item in left {
                    print("left: \(item.table) \(item.keyID ?? "none") \(item.rows) (key not configured)")
                }
            }
        }
    }

    /// The lines of `key-status`.
    static func lines(_ usage: [KeyUsage], current: String?, previous: [String]) -> [String] {
        var lines = usage.map { "\($0.table.padding(toLength: 8, withPad: " ", startingAt: 0)) \($0.keyID ?? "none")  \($0.rows)" }
        lines.append("current key: \(current ?? "none (bodies stored unencrypted)")")
        for id in previous {
            let rows = usage.filter { $0.keyID == id }.reduce(0) { $0 + $1.rows }
            lines.append(rows == 0 ? "previous key \(id): no rows, can be removed" : "previous key \(id): \(rows) rows, still needed")
        }
        return lines
    }
}
