import Foundation
@testable import Store
import StoreTesting
import Testing

/// The cost of encryption at rest on the store's path (only with `LIENTHONG_BENCH_ENCRYPTION=1`):
/// the same workload — receive (8 concurrent callers, group commit), route in batches of 100,
/// lease in batches of 100, record each delivery with an ACK response — on a fresh SQLite store
/// without keys and with a key, alternated. Prints numbers for bench/RESULTS.md; checks only that
/// every message was delivered.
@Suite("SQLite encryption benchmark", .enabled(if: ProcessInfo.processInfo.environment["LIENTHONG_BENCH_ENCRYPTION"] == "1"))
struct SQLiteEncryptionBenchmark {
    static let message: [UInt8] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/examples/adt-a01.hl7")
        return [UInt8]((try? Data(contentsOf: url)) ?? Data(repeating: 65, count: 1200))
    }()

    /// Seconds for the whole workload of `count` messages.
    static func run(count: Int, keys: KeyRing?) async throws -> Double {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(configuration: .init(path: directory.path("bench.sqlite")), keys: keys, logger: .silent)
        defer { try? store.close() }
        let now = StoreConformance.epoch
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<8 {
                group.addTask {
                    for index in stride(from: caller, to: count, by: 8) {
                        let incoming = IncomingMessage(
                            channel: "his", raw: message,
                            header: MessageHeader(messageType: "ADT", triggerEvent: "A01", controlID: "C\(index)", patientID: "P\(index)"),
                            receivedAt: now.addingTimeInterval(Double(index) / 1000))
                        _ = try await store.receive(incoming, deduplicationWindow: .seconds(3600))
                    }
                }
            }
            try await group.waitForAll()
        }
        while case let pending = try await store.pendingRouting(limit: 100), !pending.isEmpty {
            try await store.route(pending.map { RoutingDecision(message: $0.id, entries: [RouteEntry(destination: "lis")]) }, now: now)
        }
        var delivered = 0
        while case let leases = try await store.lease(destination: "lis", limit: 100, duration: .seconds(60), now: now), !leases.isEmpty {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lease in leases {
                    group.addTask {
                        let ack = Array("MSH|^~\\&|LIS|LAB|HIS|BV|20261122||ACK|A\(lease.entry.id)|P|2.5\rMSA|AA|\(lease.header.controlID ?? "")\r".utf8)
                        let report = AttemptReport(startedAt: now, duration: .milliseconds(1), responseCode: "AA", response: ack)
                        try await store.recordAttempt(report, for: lease, outcome: .delivered, now: now)
                    }
                }
                try await group.waitForAll()
            }
            delivered += leases.count
        }
        #expect(delivered == count)
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @Test func encryptionCost() async throws {
        let count = ProcessInfo.processInfo.environment["LIENTHONG_BENCH_MESSAGES"].flatMap(Int.init) ?? 5_000
        let ring = StoreConformance.testRing(StoreConformance.testKey("bench", byte: 7))
        var plain: [Double] = []
        var sealed: [Double] = []
        for _ in 0..<3 {
            plain.append(try await Self.run(count: count, keys: nil))
            sealed.append(try await Self.run(count: count, keys: ring))
        }
        // The cipher alone: seal and open each message (and its patient identifier) once.
        let cipher = BodyCipher(ring)
        let sealing = ContinuousClock.now
        for index in 0..<count {
            let binding = BodyCipher.message(channel: "his", receivedAt: Int64(index), controlID: "C\(index)")
            let sealed = try cipher.sealMessage(raw: Self.message, patientID: "P\(index)", binding: binding)
            _ = try cipher.openMessage(raw: sealed.raw, patientID: sealed.patientID, keyID: "bench", binding: binding)
        }
        let cipherTime = ContinuousClock.now - sealing
        print("encryption-bench cipher seal+open per message: \(cipherTime / count)")
        let format = { (values: [Double]) in values.map { String(format: "%.2f", $0) }.joined(separator: ",") }
        print("encryption-bench sqlite messages=\(count) bytes=\(Self.message.count) plain_s=\(format(plain)) encrypted_s=\(format(sealed)) "
            + "plain_best_msg_s=\(Int(Double(count) / plain.min()!)) encrypted_best_msg_s=\(Int(Double(count) / sealed.min()!))")
    }
}
