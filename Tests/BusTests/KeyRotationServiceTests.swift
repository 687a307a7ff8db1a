import Bus
import Foundation
import Logging
import Store
import Testing

/// ``KeyRotationService``: one pass moves every row to the current key and is audited.
@Suite struct KeyRotationServiceTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func onePassReencryptsEverythingAndIsAudited() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-rotation-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bus.sqlite").path
        let k1 = try EncryptionKey(id: "k1", bytes: [UInt8](repeating: 1, count: 32))
        let k2 = try EncryptionKey(id: "k2", bytes: [UInt8](repeating: 2, count: 32))
        let old = try SQLiteStore(configuration: .init(path: path), keys: KeyRing(current: k1), logger: logger)
        for index in 0..<7 {
            let raw = Array("MSH|^~\\&|HIS|BV|BUS|SYT|20261122||ADT^A01|C\(index)|P|2.5\rPID|||P\(index)\r".utf8)
            _ = try await old.receive(
                IncomingMessage(channel: "his", raw: raw, header: MessageHeader(controlID: "C\(index)", patientID: "P\(index)"), receivedAt: Date()),
                deduplicationWindow: .zero)
        }
        try old.close()

        let store = try SQLiteStore(configuration: .init(path: path), keys: KeyRing(current: k2, previous: [k1]), logger: logger)
        defer { try? store.close() }
        let service = KeyRotationService(store: store, batchSize: 3, logger: logger)
        let moved = try await service.runOnce(pauseBetweenBatches: false)
        #expect(moved["message"] == 7)
        #expect(try await store.keyUsage() == [KeyUsage(table: "message", keyID: "k2", rows: 7)])
        let records = try await store.auditRecords(matching: AuditQuery(), after: nil, limit: 10)
        #expect(records.map(\.action) == [.keyRotation])
        #expect(records.first?.actor == .system)
        #expect(records.first?.target == "key k2")
        // Nothing left: a second pass moves nothing and audits nothing.
        #expect(try await service.runOnce(pauseBetweenBatches: false).isEmpty)
        #expect(try await store.auditRecords(matching: AuditQuery(), after: nil, limit: 10).count == 1)
    }
}
