import Foundation
import Logging
import Store
import Testing

/// `lienthong audit verify|show`, run as the built executable on a SQLite store.
@Suite struct AuditCommandTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A store file with four audit records (replays by the CLI, a login by `lan`), closed again.
    func withStoreFile(_ body: (_ path: String, _ records: [AuditRecord]) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-audit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bus.sqlite").path
        let store = try SQLiteStore(configuration: .init(path: path), logger: logger)
        let auditor = Auditor(log: store, clock: { Date(timeIntervalSince1970: 1_790_000_000) })
        var records: [AuditRecord] = []
        records.append(try await auditor.record(.login, by: .user("lan"), target: "dashboard", client: "203.0.113.7"))
        for entry in 1...3 {
            records.append(try await auditor.record(.replay, by: .cli, target: "entry \(entry)", detail: "new entry \(entry + 10)"))
        }
        try store.close()
        try await body(path, records)
    }

    @Test func verifyAnIntactLog() async throws {
        try await withStoreFile { path, records in
            let result = try await CommandRun(["audit", "verify", "--store", path])
            #expect(result.status == 0, "\(result.errors)")
            #expect(result.output == "ok: 4 records, chain intact, last hash \(records[3].hash)\n")
        }
    }

    @Test func verifyNamesTheEditedRecord() async throws {
        try await withStoreFile { path, _ in
            let store = try SQLiteStore(configuration: .init(path: path), logger: logger)
            try await store.execute(unsafeSQL: "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'system' WHERE sequence = 3")
            try store.close()
            let result = try await CommandRun(["audit", "verify", "--store", path])
            #expect(result.status == 1)
            #expect(result.output.hasPrefix("tampered: record 3: hash mismatch (a field was edited)\n2 records before it check out"))
        }
    }

    @Test func verifyNamesTheRecordAfterADeletedOne() async throws {
        try await withStoreFile { path, _ in
            let store = try SQLiteStore(configuration: .init(path: path), logger: logger)
            try await store.execute(unsafeSQL: "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE sequence = 2")
            try store.close()
            let result = try await CommandRun(["audit", "verify", "--store", path])
            #expect(result.status == 1)
            #expect(result.output.hasPrefix("tampered: record 3: sequence gap (expected 2: records deleted)\n"))
        }
    }

    @Test func showPrintsOneRecordPerLine() async throws {
        try await withStoreFile { path, _ in
            let all = try await CommandRun(["audit", "show", "--store", path])
            #expect(all.status == 0, "\(all.errors)")
            let lines = all.output.split(separator: "\n").map(String.init)
            #expect(lines.count == 4)
            #expect(lines[0] == "1  2026-09-21T14:13:20Z  user:lan  login  dashboard  from 203.0.113.7")
            #expect(lines[1] == "2  2026-09-21T14:13:20Z  cli  replay  entry 1 — new entry 11")

            let replays = try await CommandRun(["audit", "show", "--store", path, "--action", "replay", "--limit", "2"])
            #expect(replays.output.split(separator: "\n").map(String.init) == [
                "2  2026-09-21T14:13:20Z  cli  replay  entry 1 — new entry 11",
                "3  2026-09-21T14:13:20Z  cli  replay  entry 2 — new entry 12",
                "… more with --after 3",
            ])
            let next = try await CommandRun(["audit", "show", "--store", path, "--action", "replay", "--after", "3"])
            #expect(next.output == "4  2026-09-21T14:13:20Z  cli  replay  entry 3 — new entry 13\n")

            let unknown = try await CommandRun(["audit", "show", "--store", path, "--action", "dance"])
            #expect(unknown.status != 0)
            #expect(unknown.errors.contains("--action must be one of"))
        }
    }

    @Test func aMissingStoreIsAnError() async throws {
        let result = try await CommandRun(["audit", "verify", "--store", "/nonexistent/lienthong-\(UUID().uuidString).sqlite"])
        #expect(result.status != 0)
        #expect(result.errors.contains("no store at"))
    }
}
