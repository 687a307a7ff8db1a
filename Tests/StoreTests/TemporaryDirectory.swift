import Foundation
import Logging
import Store

/// A fresh directory under the system temporary directory, removed by ``remove()``.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

extension Logger {
    /// A logger that drops everything (no global bootstrapping in tests).
    static let silent = Logger(label: "lienthong.store.tests") { _ in SwiftLogNoOpLogHandler() }
}

/// Runs `body` with a new SQLite store in a fresh temporary directory, then closes and removes it.
func withTemporarySQLiteStore<T>(
    configuration: (String) -> SQLiteStore.Configuration = { SQLiteStore.Configuration(path: $0) },
    keys: KeyRing? = nil,
    _ body: (SQLiteStore, TemporaryDirectory) async throws -> T
) async throws -> T {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try SQLiteStore(configuration: configuration(directory.path("data/lienthong.sqlite")), keys: keys, logger: .silent)
    defer { try? store.close() }
    return try await body(store, directory)
}
