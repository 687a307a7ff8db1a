import Foundation
import GRDB
import Logging
@testable import Store
import StoreTesting
import Testing

@Suite("SQLiteStore retention")
struct SQLiteStoreRetentionTests {
    let june = StoreConformance.epoch  // 2025-06-15

    /// The size of the database file plus its WAL.
    func fileSize(_ path: String) throws -> Int {
        var total = 0
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            total += (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        }
        return total
    }

    /// `count` messages of 16 KiB of random bytes, received at `time`, routed to `lab` and delivered with one attempt.
    func fill(_ store: SQLiteStore, count: Int, at time: Date, prefix: String) async throws -> [MessageID] {
        var random = SystemRandomNumberGenerator()
        var block = (0..<2_048).flatMap { _ in withUnsafeBytes(of: random.next() as UInt64) { Array($0) } }
        var ids: [MessageID] = []
        for index in 0..<count {
            var message = StoreConformance.incoming(controlID: "\(prefix)\(index)")
            message.receivedAt = time
            block[0] = UInt8(index & 0xFF)
            message.raw = block
            ids.append(try await store.receive(message, deduplicationWindow: .zero).messageID)
        }
        try await store.route(ids.map { RoutingDecision(message: $0, entries: [RouteEntry(destination: "lab")]) }, now: time)
        while true {
            let leases = try await store.lease(destination: "lab", limit: 100, duration: .seconds(30), now: time)
            if leases.isEmpty { break }
            for lease in leases {
                try await store.recordAttempt(
                    AttemptReport(startedAt: time, duration: .milliseconds(5), responseCode: "AA"), for: lease, outcome: .delivered, now: time)
            }
        }
        return ids
    }

    @Test("a new file is in incremental auto-vacuum mode")
    func newFileMode() async throws {
        try await withTemporarySQLiteStore { store, _ in
            let mode = try await store.autoVacuumMode()
            #expect(mode == 2)
        }
    }

    @Test("retention removes ended messages with their entries and attempts, keeps live and recent ones, and the file shrinks")
    func removesEndedMessages() async throws {
        try await withTemporarySQLiteStore { store, directory in
            let path = directory.path("data/lienthong.sqlite")
            let july = june.addingTimeInterval(30 * 86_400)
            let old = try await fill(store, count: 200, at: june, prefix: "J")
            // Waiting for delivery, and waiting for routing: both kept, however old.
            let waiting = try await store.receive(StoreConformance.incoming(controlID: "LIVE"), deduplicationWindow: .zero).messageID
            try await store.route(waiting, entries: [RouteEntry(destination: "ris")], now: june)
            let unrouted = try await store.receive(StoreConformance.incoming(controlID: "UNROUTED"), deduplicationWindow: .zero).messageID
            // Received in June but delivered in July: ended after the cutoff, kept.
            let late = try await store.receive(StoreConformance.incoming(controlID: "LATE"), deduplicationWindow: .zero).messageID
            try await store.route(late, entries: [RouteEntry(destination: "late")], now: june)
            let lateLease = try await store.lease(destination: "late", limit: 1, duration: .seconds(30), now: july)[0]
            try await store.recordAttempt(nil, for: lateLease, outcome: .delivered, now: july)
            let recent = try await fill(store, count: 5, at: july, prefix: "R")
            let cutoff = june.addingTimeInterval(10 * 86_400)

            let before = try fileSize(path)
            let result = try await store.removeEnded(before: cutoff, batchSize: 64)
            let after = try fileSize(path)

            #expect(result.deletedMessages == 200)
            #expect(result.deletedEntries == 200)
            #expect(result.deletedAttempts == 200)
            #expect(result.keptMessages == 3)
            #expect(result.freedPages > 0)
            #expect(before - after >= 200 * 16_384, "the removed messages' bytes are given back: \(before) → \(after)")
            #expect(try await store.message(old[0]) == nil)
            #expect(try await store.entries(of: old[199]).isEmpty)
            for id in [waiting, unrouted, late, recent[0]] {
                #expect(try await store.message(id) != nil)
            }
            #expect(try await store.entries(of: recent[4]).count == 1)
            // Depths count only what is left.
            #expect(try await store.queueDepths().first { $0.destination == "lab" }?.count == 5)
            #expect(try await store.queueDepths().first { $0.destination == "ris" } == QueueDepth(destination: "ris", state: .pending, count: 1))
            // Nothing more to remove before the cutoff.
            #expect(try await store.removeEnded(before: cutoff).deletedMessages == 0)

            // Once delivered, the waiting one goes too (ended before the later cutoff).
            let lease = try await store.lease(destination: "ris", limit: 1, duration: .seconds(30), now: june)[0]
            try await store.recordAttempt(nil, for: lease, outcome: .delivered, now: june.addingTimeInterval(86_400))
            #expect(try await store.removeEnded(before: cutoff).deletedMessages == 1)
            #expect(try await store.message(waiting) == nil)
            #expect(try await store.message(unrouted) != nil)
        }
    }

    @Test("opening an older file (auto_vacuum NONE) with a retention converts it once, keeping its data")
    func convertsOlderFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("old.sqlite")
        // A file as stores made it before: WAL on before any auto_vacuum setting.
        do {
            let queue = try DatabaseQueue(path: path)
            try await queue.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
            try queue.close()
        }
        let id: MessageID
        do {
            let store = try SQLiteStore(configuration: .init(path: path), logger: .silent)
            #expect(try await store.autoVacuumMode() == 0)
            id = try await store.receive(StoreConformance.incoming(controlID: "OLD"), deduplicationWindow: .zero).messageID
            try store.close()
        }
        let store = try SQLiteStore(configuration: .init(path: path, retention: .seconds(86_400)), logger: .silent)
        defer { try? store.close() }
        #expect(try await store.autoVacuumMode() == 2)
        #expect(try await store.message(id)?.header.controlID == "OLD")
    }
}
