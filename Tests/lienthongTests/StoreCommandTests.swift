import Foundation
import Logging
import Store
import Testing

/// `lienthong store key-status|rotate-key`, run as the built executable on a SQLite store.
@Suite struct StoreCommandTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A folder with `k1.key`, `k2.key` (base64 keys) and a store `bus.sqlite` holding three
    /// messages (each routed to `archive` with a payload, and delivered with a response) sealed with k1.
    func withFolder(_ body: (URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, byte) in [("k1", UInt8(1)), ("k2", UInt8(2)), ("k3", UInt8(3))] {
            try Data((Data(repeating: byte, count: 32).base64EncodedString() + "\n").utf8)
                .write(to: folder.appendingPathComponent("\(name).key"))
        }
        let keys = try KeyRing(current: EncryptionKey.load(id: "k1", file: folder.appendingPathComponent("k1.key").path))
        let store = try SQLiteStore(configuration: .init(path: folder.appendingPathComponent("bus.sqlite").path), keys: keys, logger: logger)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        for index in 1...3 {
            let raw = Array("MSH|^~\\&|HIS|BV|BUS|SYT|20261122||ADT^A01|C\(index)|P|2.5\rPID|||P\(index)||SECRET^NAME\r".utf8)
            let incoming = IncomingMessage(
                channel: "his", raw: raw, header: MessageHeader(messageType: "ADT", controlID: "C\(index)", patientID: "P\(index)"),
                receivedAt: now.addingTimeInterval(Double(index)))
            guard case .stored(let id) = try await store.receive(incoming, deduplicationWindow: .seconds(60)) else { continue }
            try await store.route(id, entries: [RouteEntry(destination: "archive", payload: Array("SECRET^NAME \(index)".utf8))], now: now)
            for lease in try await store.lease(destination: "archive", limit: 10, duration: .seconds(30), now: now) {
                let report = AttemptReport(startedAt: now, duration: .milliseconds(1), responseCode: "AA", response: Array("MSA|AA|SECRET".utf8))
                try await store.recordAttempt(report, for: lease, outcome: .delivered, now: now)
            }
        }
        try store.close()
        try await body(folder)
    }

    /// A configuration file using the store of ``withFolder(_:)`` and the given `security.encryption` lines.
    func configuration(_ folder: URL, name: String = "bus.yaml", encryption: String) throws -> String {
        let file = folder.appendingPathComponent(name)
        try """
            store: {sqlite: {path: bus.sqlite}}
            channels:
              his: {mllp: {port: 0}, routes: [{destination: archive}]}
            destinations:
              archive: {file: {directory: out}}
            security:
              encryption: \(encryption)
            """.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func keyStatusCountsRowsPerKey() async throws {
        try await withFolder { folder in
            let config = try configuration(folder, encryption: "{key-id: k1, key-file: k1.key}")
            let result = try await CommandRun(["store", "key-status", "--config", config])
            #expect(result.status == 0, "\(result.errors)")
            let lines = result.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
            #expect(lines == ["message k1 3", "entry k1 3", "attempt k1 3", "current key: k1"], "\(result.output)")
        }
    }

    @Test func rotateKeyReencryptsEverythingAndTheOldKeyCanGo() async throws {
        try await withFolder { folder in
            let rotating = try configuration(folder, encryption: "{key-id: k2, key-file: k2.key, previous-keys: [{key-id: k1, key-file: k1.key}]}")
            let before = try await CommandRun(["store", "key-status", "--config", rotating])
            #expect(before.output.contains("previous key k1: 9 rows, still needed"), "\(before.output)\(before.errors)")

            let rotated = try await CommandRun(["store", "rotate-key", "--config", rotating, "--batch-size", "2"])
            #expect(rotated.status == 0, "\(rotated.errors)")
            #expect(rotated.output == "re-encrypted 3 messages, 3 entries, 3 attempts under key k2\n")

            let after = try await CommandRun(["store", "key-status", "--config", rotating])
            #expect(after.output.contains("previous key k1: no rows, can be removed"), "\(after.output)")
            #expect(!after.output.contains(" k1 "))

            // Audited.
            let audit = try await CommandRun(["audit", "show", "--config", rotating, "--action", "key-rotation"])
            #expect(audit.output.contains("cli  key-rotation  key k2 — re-encrypted 3 messages, 3 entries, 3 attempts"), "\(audit.output)\(audit.errors)")

            // k1 removed from the configuration: the store still reads (queue show prints the output).
            let current = try configuration(folder, name: "k2.yaml", encryption: "{key-id: k2, key-file: k2.key}")
            let status = try await CommandRun(["store", "key-status", "--config", current])
            #expect(status.status == 0, "\(status.errors)")
            #expect(status.output.contains("current key: k2"))

            // The database file holds no patient name.
            let bytes = try Data(contentsOf: folder.appendingPathComponent("bus.sqlite"))
            #expect(bytes.range(of: Data("SECRET".utf8)) == nil)
        }
    }

    @Test func aMissingKeyIsNamed() async throws {
        try await withFolder { folder in
            let wrong = try configuration(folder, encryption: "{key-id: k3, key-file: k3.key}")
            let result = try await CommandRun(["store", "key-status", "--config", wrong])
            #expect(result.status != 0)
            #expect(result.errors.contains("rows encrypted with key k1, which is not configured"), "\(result.errors)")

            let impostor = try configuration(folder, name: "impostor.yaml", encryption: "{key-id: k1, key-file: k2.key}")
            let other = try await CommandRun(["store", "key-status", "--config", impostor])
            #expect(other.status != 0)
            #expect(other.errors.contains("the configured key k1 is not the key this store used"), "\(other.errors)")

            let unreadable = try configuration(folder, name: "env.yaml", encryption: "{key-id: k1, key-env: LIENTHONG_TEST_NO_SUCH_KEY}")
            let missing = try await CommandRun(["store", "key-status", "--config", unreadable])
            #expect(missing.status != 0)
            #expect(missing.errors.contains("key k1 (environment LIENTHONG_TEST_NO_SUCH_KEY)"), "\(missing.errors)")
        }
    }

    @Test func withoutConfiguredKeysASQLiteStoreGetsAKeyFileBesideIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A store from before encryption: rows without a key id.
        let path = folder.appendingPathComponent("bus.sqlite").path
        let store = try SQLiteStore(configuration: .init(path: path), logger: logger)
        let raw = Array("MSH|^~\\&|HIS|BV|BUS|SYT|20261122||ADT^A01|C1|P|2.5\rPID|||P1||SECRET^NAME\r".utf8)
        _ = try await store.receive(
            IncomingMessage(channel: "his", raw: raw, header: MessageHeader(controlID: "C1", patientID: "P1"), receivedAt: Date()),
            deduplicationWindow: .zero)
        try store.close()
        let config = folder.appendingPathComponent("bus.yaml")
        try """
            store: {sqlite: {path: bus.sqlite}}
            channels:
              his: {mllp: {port: 0}, routes: [{destination: archive}]}
            destinations:
              archive: {file: {directory: out}}
            """.write(to: config, atomically: true, encoding: .utf8)

        let rotated = try await CommandRun(["store", "rotate-key", "--config", config.path])
        #expect(rotated.status == 0, "\(rotated.errors)")
        #expect(rotated.output == "re-encrypted 1 messages, 0 entries, 0 attempts under key local\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: path + ".key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let key = try String(contentsOfFile: path + ".key", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!rotated.output.contains(key) && !rotated.errors.contains(key), "the key is never printed")
        let reopened = try SQLiteStore.openedAsTheBus(path: path, logger: logger)
        defer { try? reopened.close() }
        #expect(try await reopened.message(MessageID(rawValue: 1))?.raw == raw)
    }
}
