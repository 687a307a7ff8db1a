import Foundation
public import Store
import Synchronization

extension StoreConformance {
    /// What an encryption check needs: stores opened on one database with the keys the check
    /// chooses, the database's stored bytes, and SQL past the store (to tamper).
    public struct EncryptionHarness: Sendable {
        /// Opens a store on the harness's database with `keys` and runs `body` with it (throws
        /// what opening throws: a missing key may be refused at open or at the first read).
        public var withStore:
            @Sendable (KeyRing?, @escaping @Sendable (any MessageStore & KeyRotatingStore) async throws -> Void) async throws -> Void
        /// What the database holds: SQLite, the bytes of the file and its WAL; PostgreSQL, every
        /// body and patient identifier column as stored.
        public var storedBytes: @Sendable () async throws -> [UInt8]
        /// Runs one SQL statement on the database directly.
        public var execute: @Sendable (String) async throws -> Void

        /// Creates a harness.
        public init(
            withStore: @escaping @Sendable (KeyRing?, @escaping @Sendable (any MessageStore & KeyRotatingStore) async throws -> Void) async throws
                -> Void,
            storedBytes: @escaping @Sendable () async throws -> [UInt8],
            execute: @escaping @Sendable (String) async throws -> Void
        ) {
            self.withStore = withStore
            self.storedBytes = storedBytes
            self.execute = execute
        }
    }

    /// One named encryption check.
    public struct EncryptionCheck: Sendable, CustomStringConvertible {
        /// What the check proves.
        public var name: String
        /// Runs the check against a harness on an empty database.
        public var run: @Sendable (EncryptionHarness) async throws -> Void

        /// Creates a check.
        public init(_ name: String, run: @escaping @Sendable (EncryptionHarness) async throws -> Void) {
            self.name = name
            self.run = run
        }

        /// The check's name.
        public var description: String { name }
    }

    /// Every check of encryption at rest.
    public static let encryptionChecks: [EncryptionCheck] = [
        EncryptionCheck("encryption: without keys the stored bytes show the patient (control)", run: encryptionControl),
        EncryptionCheck("encryption: bodies round-trip, no patient name or identifier in the database", run: encryptionRoundTrip),
        EncryptionCheck("encryption: a missing or different key is refused, naming the key id", run: encryptionMissingKey),
        EncryptionCheck("encryption: a moved or truncated ciphertext does not open", run: encryptionTampered),
        EncryptionCheck("encryption: rotation re-encrypts every row while reads go on; the old key can then go", run: encryptionRotation),
        EncryptionCheck("encryption: rows stored without keys are read, searched and encrypted by rotation", run: encryptionLegacyRows),
    ]

    // MARK: Fixtures

    /// A test key: 32 copies of `byte`.
    public static func testKey(_ id: String, byte: UInt8) -> EncryptionKey {
        try! EncryptionKey(id: id, bytes: [UInt8](repeating: byte, count: 32))
    }

    /// A ring of test keys.
    public static func testRing(_ current: EncryptionKey, _ previous: EncryptionKey...) -> KeyRing {
        try! KeyRing(current: current, previous: previous)
    }

    /// The test patient's name and identifier: never to be found in an encrypted database.
    public static let secretName = "SECRETNAME^TESTPATIENT"
    /// The test patient's identifier.
    public static let secretIdentifier = "PID-774411"

    /// An ADT^A01 about the test patient.
    static func patientMessage(controlID: String, seconds: Double = 0, rejection: RejectionReason? = nil) -> IncomingMessage {
        var message = incoming(controlID: controlID, patientID: secretIdentifier, seconds: seconds, rejection: rejection)
        message.raw = Array("MSH|^~\\&|HIS|BVCR|LIS|LAB|20250101||ADT^A01|\(controlID)|P|2.5\rPID|||\(secretIdentifier)||\(secretName)\r".utf8)
        return message
    }

    static func patientPayload(_ controlID: String) -> [UInt8] {
        Array("{\"resourceType\":\"Patient\",\"id\":\"\(controlID)\",\"name\":[{\"text\":\"\(secretName)\"}]}".utf8)
    }

    static func patientResponse(_ controlID: String) -> AttemptReport {
        var report = report(seconds: 2)
        report.response = Array("MSH|^~\\&|||||||ACK|\(controlID)|P|2.5\rMSA|AA|\(controlID)|\(secretName)\r".utf8)
        return report
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let needle = Array(needle.utf8)
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { buffer in
            (0...(buffer.count - needle.count)).contains { start in
                buffer[start] == needle[0] && Array(buffer[start..<(start + needle.count)]) == needle
            }
        }
    }

    /// Stores one message about the test patient routed to `lab` (a payload) and `archive` (none),
    /// leases both, delivers the `lab` one with a response; returns the message and the lab entry.
    static func storePatientTraffic(_ store: any MessageStore, controlID: String, seconds: Double = 0) async throws -> (MessageID, EntryID) {
        guard case .stored(let id) = try await store.receive(patientMessage(controlID: controlID, seconds: seconds), deduplicationWindow: window)
        else { throw ConformanceFailure("receive must store") }
        let entries = try await store.route(
            id,
            entries: [
                RouteEntry(destination: "lab", payload: patientPayload(controlID), payloadFormat: .fhirJSON),
                RouteEntry(destination: "archive"),
            ],
            now: epoch.addingTimeInterval(seconds))
        for lease in try await store.lease(destination: "lab", limit: 100, duration: .seconds(30), now: epoch.addingTimeInterval(seconds + 1))
        where lease.entry.id == entries[0] {
            try await store.recordAttempt(patientResponse(controlID), for: lease, outcome: .delivered, now: epoch.addingTimeInterval(seconds + 2))
        }
        return (id, entries[0])
    }

    /// Reads back what ``storePatientTraffic(_:controlID:seconds:)`` stored and compares it.
    static func expectPatientTraffic(_ store: any MessageStore, _ message: MessageID, _ entry: EntryID, controlID: String) async throws {
        guard let stored = try await store.message(message) else { throw ConformanceFailure("message \(message) is gone") }
        let expected = patientMessage(controlID: controlID)
        try expectEqual(stored.raw, expected.raw, "raw bytes")
        try expectEqual(stored.header, expected.header, "header (patient identifier included)")
        guard let output = try await store.output(of: entry) else { throw ConformanceFailure("entry \(entry) has no output") }
        try expectEqual(output.payload, patientPayload(controlID), "payload")
        let attempts = try await store.attempts(of: entry)
        try expectEqual(attempts.map(\.report.response), [patientResponse(controlID).response], "attempt responses")
    }

    // MARK: Checks

    static func encryptionControl(_ harness: EncryptionHarness) async throws {
        try await harness.withStore(nil) { store in
            _ = try await storePatientTraffic(store, controlID: "C1")
        }
        let bytes = try await harness.storedBytes()
        try expect(contains(bytes, secretName), "without keys the stored bytes must show the patient's name (else the reader proves nothing)")
        try expect(contains(bytes, secretIdentifier), "without keys the stored bytes must show the patient's identifier")
    }

    static func encryptionRoundTrip(_ harness: EncryptionHarness) async throws {
        let ring = testRing(testKey("k1", byte: 1))
        try await harness.withStore(ring) { store in
            let (message, entry) = try await storePatientTraffic(store, controlID: "C1")
            try await expectPatientTraffic(store, message, entry, controlID: "C1")
            // Leases carry the opened body: the archive entry has no payload, so the message's raw bytes.
            let archive = try await store.lease(destination: "archive", limit: 10, duration: .seconds(30), now: epoch.addingTimeInterval(5))
            try expectEqual(archive.map(\.payload), [patientMessage(controlID: "C1").raw], "lease of the message's raw bytes")
            try expectEqual(archive.map(\.header.patientID), [secretIdentifier], "lease header's patient identifier")
            // A rejected message is sealed too.
            guard case .stored(let rejected) = try await store.receive(
                patientMessage(controlID: "C2", seconds: 3, rejection: .unparsable), deduplicationWindow: window)
            else { throw ConformanceFailure("a rejected message is stored") }
            try expectEqual(try await store.message(rejected)?.raw, patientMessage(controlID: "C2").raw, "rejected raw bytes")
            // Equality search by patient identifier still works; another identifier finds nothing.
            let found = try await store.messages(matching: MessageQuery(patientID: secretIdentifier), after: nil, limit: 10)
            try expectEqual(found.map(\.id), [message, rejected], "search by patient identifier")
            try expectEqual(
                try await store.messages(matching: MessageQuery(patientID: "PID-000000"), after: nil, limit: 10).count, 0, "other patient")
            // Replays open and re-seal the payload.
            let replayed = try await store.replay(entry: entry, now: epoch.addingTimeInterval(6))
            try expectEqual(try await store.output(of: replayed)?.payload, patientPayload("C1"), "replayed payload")
            let again = try await store.replay(message: message, to: .originalDestinations, now: epoch.addingTimeInterval(7))
            try expectEqual(try await store.output(of: again[0])?.payload, patientPayload("C1"), "payload replayed with its message")
            let usage = try await store.keyUsage()
            try expect(usage.allSatisfy { $0.keyID == "k1" }, "every row is under k1: \(usage)")
        }
        let bytes = try await harness.storedBytes()
        try expect(!bytes.isEmpty, "the stored bytes are read")
        try expect(!contains(bytes, secretName), "the patient's name is in the database in clear")
        try expect(!contains(bytes, secretIdentifier), "the patient's identifier is in the database in clear")
    }

    static func encryptionMissingKey(_ harness: EncryptionHarness) async throws {
        let k1 = testKey("k1", byte: 1)
        let ids = Mutex<(MessageID, EntryID)?>(nil)
        try await harness.withStore(testRing(k1)) { store in
            let stored = try await storePatientTraffic(store, controlID: "C1")
            ids.withLock { $0 = stored }
        }
        guard let (message, entry) = ids.withLock({ $0 }) else { throw ConformanceFailure("nothing stored") }
        let attempts: [(String, KeyRing?)] = [
            ("no keys", nil),
            ("another current key, k1 absent", testRing(testKey("k2", byte: 2))),
            ("another key under the id k1", testRing(testKey("k1", byte: 9))),
        ]
        for (what, ring) in attempts {
            do {
                try await harness.withStore(ring) { store in
                    _ = try await store.message(message)
                    _ = try await store.output(of: entry)
                }
                throw ConformanceFailure("\(what): the store opened and read an encrypted row")
            } catch let error as StoreError {
                try expectEqual(error.code, .keyUnavailable, "\(what): error code")
                try expectEqual(error.keyID, "k1", "\(what): the error names the key")
            }
        }
        // With k1 among the previous keys, everything reads.
        try await harness.withStore(testRing(testKey("k2", byte: 2), k1)) { store in
            try await expectPatientTraffic(store, message, entry, controlID: "C1")
        }
    }

    static func encryptionTampered(_ harness: EncryptionHarness) async throws {
        let ring = testRing(testKey("k1", byte: 1))
        let box = Mutex<[(MessageID, EntryID)]>([])
        try await harness.withStore(ring) { store in
            let first = try await storePatientTraffic(store, controlID: "C1")
            let second = try await storePatientTraffic(store, controlID: "C2", seconds: 10)
            box.withLock { $0 = [first, second] }
        }
        let stored = box.withLock { $0 }
        guard stored.count == 2 else { throw ConformanceFailure("nothing stored") }
        // Row 1 gets row 2's ciphertexts (a valid ciphertext under the right key, from another row).
        try await harness.execute("UPDATE message SET raw = (SELECT raw FROM message WHERE control_id = 'C2') WHERE control_id = 'C1'")
        try await harness.execute(
            "UPDATE entry SET payload = (SELECT payload FROM entry WHERE id = \(stored[1].1.rawValue)) WHERE id = \(stored[0].1.rawValue)")
        try await harness.execute("UPDATE attempt SET response = substr(response, 1, 40) WHERE entry_id = \(stored[1].1.rawValue)")
        try await harness.withStore(ring) { store in
            try await expectStoreError(.undecryptable) { _ = try await store.message(stored[0].0) }
            try await expectStoreError(.undecryptable) { _ = try await store.output(of: stored[0].1) }
            try await expectStoreError(.undecryptable) { _ = try await store.attempts(of: stored[1].1) }
            // The untouched bodies still open.
            try expectEqual(try await store.message(stored[1].0)?.raw, patientMessage(controlID: "C2").raw, "untouched message")
            try expectEqual(try await store.output(of: stored[1].1)?.payload, patientPayload("C2"), "untouched payload")
        }
    }

    static func encryptionRotation(_ harness: EncryptionHarness) async throws {
        let k1 = testKey("k1", byte: 1)
        let k2 = testKey("k2", byte: 2)
        let count = 12
        let box = Mutex<[(MessageID, EntryID, String)]>([])
        try await harness.withStore(testRing(k1)) { store in
            for index in 0..<count {
                let controlID = "R\(index)"
                let (message, entry) = try await storePatientTraffic(store, controlID: controlID, seconds: Double(index * 10))
                box.withLock { $0.append((message, entry, controlID)) }
            }
        }
        let traffic = box.withLock { $0 }
        try await harness.withStore(testRing(k2, k1)) { store in
            let batches = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    var batches = 0
                    while try await store.reencrypt(batchSize: 3).total > 0 { batches += 1 }
                    return batches
                }
                group.addTask {
                    // Reads during the rotation see every body whole, under whichever key.
                    for (message, entry, controlID) in traffic {
                        try await expectPatientTraffic(store, message, entry, controlID: controlID)
                    }
                    return 0
                }
                var total = 0
                for try await value in group { total += value }
                return total
            }
            // 12 messages, 24 entries, 12 attempts in batches of 3 per table: at least 8 batches.
            try expect(batches >= 8, "rotation ran in small batches (\(batches))")
            let usage = try await store.keyUsage()
            try expect(usage.allSatisfy { $0.keyID == "k2" }, "every row is under k2 after rotation: \(usage)")
            try expectEqual(usage.reduce(0) { $0 + $1.rows }, count * 4, "rows counted")
        }
        // The old key can go: everything reads and searches with k2 alone.
        try await harness.withStore(testRing(k2)) { store in
            for (message, entry, controlID) in traffic {
                try await expectPatientTraffic(store, message, entry, controlID: controlID)
            }
            let found = try await store.messages(matching: MessageQuery(patientID: secretIdentifier), after: nil, limit: 100)
            try expectEqual(found.map(\.id), traffic.map(\.0), "search by patient identifier after rotation")
        }
        let bytes = try await harness.storedBytes()
        try expect(!contains(bytes, secretName), "the patient's name is in the database in clear after rotation")
    }

    static func encryptionLegacyRows(_ harness: EncryptionHarness) async throws {
        let ids = Mutex<(MessageID, EntryID)?>(nil)
        try await harness.withStore(nil) { store in
            let stored = try await storePatientTraffic(store, controlID: "C1")
            ids.withLock { $0 = stored }
        }
        guard let (message, entry) = ids.withLock({ $0 }) else { throw ConformanceFailure("nothing stored") }
        try await harness.withStore(testRing(testKey("k1", byte: 1))) { store in
            try await expectPatientTraffic(store, message, entry, controlID: "C1")
            try expectEqual(
                try await store.messages(matching: MessageQuery(patientID: secretIdentifier), after: nil, limit: 10).map(\.id), [message],
                "search finds a row stored without keys")
            try expect(try await store.keyUsage().allSatisfy { $0.keyID == nil }, "rows stored without keys have no key id")
            var moved = 0
            while case let batch = try await store.reencrypt(batchSize: 2), batch.total > 0 { moved += batch.total }
            try expectEqual(moved, 4, "1 message, 2 entries, 1 attempt encrypted")
            try expect(try await store.keyUsage().allSatisfy { $0.keyID == "k1" }, "every row is under k1")
            try await expectPatientTraffic(store, message, entry, controlID: "C1")
            try expectEqual(
                try await store.messages(matching: MessageQuery(patientID: secretIdentifier), after: nil, limit: 10).map(\.id), [message],
                "search after encryption")
        }
        try await expectStoreError(.keyUnavailable) {
            try await harness.withStore(nil) { store in _ = try await store.message(message) }
        }
    }
}
