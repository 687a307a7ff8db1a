import Foundation
import GRDB
import Store
import StoreTesting
import Testing

/// The shared encryption checks (``StoreConformance/encryptionChecks``) against ``SQLiteStore``:
/// each store of a check opens the same file; the stored bytes are the file and its WAL.
@Suite("SQLiteStore encryption at rest")
struct SQLiteStoreEncryptionTests {
    @Test(arguments: StoreConformance.encryptionChecks)
    func encryption(_ check: StoreConformance.EncryptionCheck) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("data/lienthong.sqlite")
        try await check.run(
            StoreConformance.EncryptionHarness(
                withStore: { keys, body in
                    let store = try SQLiteStore(configuration: .init(path: path), keys: keys, logger: .silent)
                    defer { try? store.close() }
                    try await body(store)
                },
                storedBytes: {
                    let files = [path, path + "-wal"].filter { FileManager.default.fileExists(atPath: $0) }
                    return try files.flatMap { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
                },
                execute: { sql in
                    // Past the store (which would refuse to open without the key).
                    let database = try DatabaseQueue(path: path)
                    try await database.write { db in try db.execute(sql: sql) }
                    try database.close()
                }))
    }

    @Test("a key file: base64 or 32 raw bytes; anything else is refused, naming the key, never its content")
    func keyFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let raw = [UInt8](repeating: 7, count: 32)
        try Data(raw).write(to: URL(fileURLWithPath: directory.path("raw.key")))
        try Data((Data(raw).base64EncodedString() + "\n").utf8).write(to: URL(fileURLWithPath: directory.path("b64.key")))
        try Data("c2hvcnQ=".utf8).write(to: URL(fileURLWithPath: directory.path("short.key")))
        let fromRaw = try EncryptionKey.load(id: "k1", file: directory.path("raw.key"))
        let fromBase64 = try EncryptionKey.load(id: "k1", file: directory.path("b64.key"))
        #expect(fromRaw.fingerprint == fromBase64.fingerprint)
        #expect(String(describing: fromRaw) == "EncryptionKey(k1)")
        #expect(throws: EncryptionKeyError.self) { try EncryptionKey.load(id: "k1", file: directory.path("short.key")) }
        #expect(throws: EncryptionKeyError.self) { try EncryptionKey.load(id: "k1", file: directory.path("missing.key")) }
        #expect(throws: EncryptionKeyError.self) { try EncryptionKey(id: "bad id", bytes: raw) }
        let fromEnvironment = try EncryptionKey.load(id: "k1", environment: "KEY", from: ["KEY": Data(raw).base64EncodedString()])
        #expect(fromEnvironment.fingerprint == fromRaw.fingerprint)
        do {
            _ = try EncryptionKey.load(id: "k9", environment: "NOPE", from: [:])
            Issue.record("a missing variable must fail")
        } catch {
            #expect(error.description.contains("k9") && error.description.contains("NOPE"))
        }
    }

    @Test("a generated key file is mode 0600 and never overwritten")
    func generatedKeyFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("data/store.key")
        let key = try EncryptionKey.generateFile(id: "local", at: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try EncryptionKey.load(id: "local", file: path).fingerprint == key.fingerprint)
        #expect(throws: EncryptionKeyError.self) { try EncryptionKey.generateFile(id: "local", at: path) }
        #expect(try EncryptionKey.load(id: "local", file: path).fingerprint == key.fingerprint)
    }
}
