import Foundation
public import Store
import Synchronization

extension StoreConformance {
    /// What an audit check needs of a store: its log (one or more, open on the same data, as
    /// several bus nodes share a database), a way to run SQL on the database past the store,
    /// and a way to drop the triggers that keep the log append-only.
    public struct AuditHarness: Sendable {
        /// The logs, all on the same data; concurrent callers take turns over them.
        public var logs: [any AuditLog]
        /// Runs one SQL statement on the database directly (throws what the database throws).
        public var execute: @Sendable (String) async throws -> Void
        /// Drops the append-only triggers (to tamper as an attacker with the database's
        /// owner's rights could).
        public var dropGuard: @Sendable () async throws -> Void

        /// Creates a harness.
        public init(
            logs: [any AuditLog], execute: @escaping @Sendable (String) async throws -> Void,
            dropGuard: @escaping @Sendable () async throws -> Void
        ) {
            self.logs = logs
            self.execute = execute
            self.dropGuard = dropGuard
        }

        var log: any AuditLog { logs[0] }
    }

    /// One named audit-log check.
    public struct AuditCheck: Sendable, CustomStringConvertible {
        /// What the check proves.
        public var name: String
        /// Runs the check against a store with an empty audit log.
        public var run: @Sendable (AuditHarness) async throws -> Void

        /// Creates a check.
        public init(_ name: String, run: @escaping @Sendable (AuditHarness) async throws -> Void) {
            self.name = name
            self.run = run
        }

        /// The check's name.
        public var description: String { name }
    }

    /// Every check of ``Store/AuditLog``.
    public static let auditChecks: [AuditCheck] = [
        AuditCheck("audit: append, list and verify", run: auditAppendListVerify),
        AuditCheck("audit: a chain across many appends, paged", run: auditManyAppends),
        AuditCheck("audit: filters by time, action and actor", run: auditFilters),
        AuditCheck("audit: concurrent appends make one chain", run: auditConcurrentAppends),
        AuditCheck("audit: the database refuses UPDATE and DELETE", run: auditAppendOnly),
        AuditCheck("audit: an edited field is found past the guard", run: auditTamperEdit),
        AuditCheck("audit: a deleted record is found past the guard", run: auditTamperDelete),
        AuditCheck("audit: a record re-hashed after an edit breaks the next link", run: auditTamperRehash),
    ]

    static func auditEvent(_ index: Int, action: AuditAction = .replay, actor: AuditActor = .cli, client: String? = nil) -> AuditEvent {
        AuditEvent(
            time: epoch.addingTimeInterval(Double(index) + 0.000_123_4), actor: actor, action: action, target: "entry \(index)",
            detail: "new entry \(index + 1000)", clientAddress: client)
    }

    static func allRecords(_ log: any AuditLog, pageSize: Int = 1_000) async throws -> [AuditRecord] {
        var records: [AuditRecord] = []
        var after: Int64?
        while true {
            let page = try await log.auditRecords(matching: AuditQuery(), after: after, limit: pageSize)
            guard let last = page.last else { return records }
            records += page
            after = last.sequence
        }
    }

    // MARK: Checks

    static func auditAppendListVerify(_ harness: AuditHarness) async throws {
        let log = harness.log
        let empty = try await log.verifyAuditChain()
        try expectEqual(empty, AuditVerification(recordCount: 0, lastHash: nil, lastSequence: nil, problem: nil), "an empty log verifies")
        let first = try await log.appendAudit(auditEvent(1, action: .login, actor: .user("lan"), client: "203.0.113.7"))
        let second = try await log.appendAudit(auditEvent(2, action: .viewMessage, actor: .token("ops")))
        try expectEqual(first.sequence, 1, "first sequence")
        try expectEqual(first.previousHash, AuditRecord.genesisHash, "the first record chains to the genesis hash")
        try expectEqual(first.hash, first.computedHash, "hash of the first record")
        try expectEqual(first.hash.count, 64, "hex SHA-256")
        try expectEqual(second.sequence, 2, "second sequence")
        try expectEqual(second.previousHash, first.hash, "the second record chains to the first")
        let stored = try await log.auditRecords(matching: AuditQuery(), after: nil, limit: 10)
        try expectEqual(stored, [first, second], "records read back as appended")
        try expectEqual(stored[0].clientAddress, "203.0.113.7", "client address")
        try expectEqual(stored[0].actor, .user("lan"), "actor")
        try expectEqual(stored[1].clientAddress, nil, "no client address")
        try expect(abs(stored[0].time.timeIntervalSince(auditEvent(1).time)) < 0.000_001, "time kept to the microsecond")
        let verification = try await log.verifyAuditChain()
        try expectEqual(verification.recordCount, 2, "verified records")
        try expectEqual(verification.lastHash, second.hash, "last hash")
        try expect(verification.isIntact, "chain intact: \(String(describing: verification.problem))")
        try await expectStoreError(.invalidArgument) { _ = try await log.auditRecords(matching: AuditQuery(), after: nil, limit: 0) }
    }

    static func auditManyAppends(_ harness: AuditHarness) async throws {
        let log = harness.log
        var appended: [AuditRecord] = []
        for index in 1...120 {
            appended.append(try await log.appendAudit(auditEvent(index, action: AuditAction.allCases[index % AuditAction.allCases.count])))
        }
        let paged = try await allRecords(log, pageSize: 7)
        try expectEqual(paged, appended, "every record, in order, over pages of 7")
        try expectEqual(paged.map(\.sequence), Array(1...120), "sequences without gaps")
        let verification = try await log.verifyAuditChain(pageSize: 13)
        try expectEqual(verification.recordCount, 120, "verified records")
        try expectEqual(verification.lastHash, appended.last?.hash, "last hash")
        try expect(verification.isIntact, "chain intact: \(String(describing: verification.problem))")
    }

    static func auditFilters(_ harness: AuditHarness) async throws {
        let log = harness.log
        for index in 1...10 {
            try await log.appendAudit(
                auditEvent(index, action: index.isMultiple(of: 2) ? .login : .replay, actor: index <= 5 ? .user("lan") : .system))
        }
        func sequences(_ query: AuditQuery, after: Int64? = nil, limit: Int = 100) async throws -> [Int64] {
            try await log.auditRecords(matching: query, after: after, limit: limit).map(\.sequence)
        }
        try expectEqual(try await sequences(AuditQuery(action: .login)), [2, 4, 6, 8, 10], "by action")
        try expectEqual(try await sequences(AuditQuery(actor: .user("lan"))), [1, 2, 3, 4, 5], "by actor")
        try expectEqual(try await sequences(AuditQuery(action: .login, actor: .system)), [6, 8, 10], "by action and actor")
        let from = epoch.addingTimeInterval(3), before = epoch.addingTimeInterval(7)
        try expectEqual(try await sequences(AuditQuery(from: from, before: before)), [3, 4, 5, 6], "by time: from <= time < before")
        try expectEqual(try await sequences(AuditQuery(action: .login), after: 4, limit: 2), [6, 8], "keyset paging with a filter")
        try expectEqual(try await sequences(AuditQuery(action: .keyRotation)), [], "no match")
    }

    static func auditConcurrentAppends(_ harness: AuditHarness) async throws {
        let tasks = 6, appendsPerTask = 15
        let appended = AppendedRecords()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                let log = harness.logs[task % harness.logs.count]
                group.addTask {
                    for index in 0..<appendsPerTask {
                        let record = try await log.appendAudit(auditEvent(task * 100 + index, actor: .user("u\(task)")))
                        appended.records.withLock { $0.append(record) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let stored = try await allRecords(harness.log)
        try expectEqual(stored.count, tasks * appendsPerTask, "every append stored once")
        try expectEqual(stored.map(\.sequence), Array(1...Int64(tasks * appendsPerTask)), "one sequence without gaps")
        try expectEqual(Set(stored), Set(appended.records.withLock { $0 }), "the records returned are the records stored")
        for task in 0..<tasks {
            let own = stored.filter { $0.actor == .user("u\(task)") }.map(\.target)
            try expectEqual(own, (0..<appendsPerTask).map { "entry \(task * 100 + $0)" }, "task \(task)'s appends in its order")
        }
        let verification = try await harness.log.verifyAuditChain()
        try expect(verification.isIntact, "one valid chain: \(String(describing: verification.problem))")
        try expectEqual(verification.recordCount, tasks * appendsPerTask, "verified records")
    }

    /// What concurrent appenders got back.
    final class AppendedRecords: Sendable {
        let records = Mutex<[AuditRecord]>([])
    }

    static func auditAppendOnly(_ harness: AuditHarness) async throws {
        for index in 1...3 { try await harness.log.appendAudit(auditEvent(index)) }
        let before = try await allRecords(harness.log)
        for statement in [
            "UPDATE audit_log SET detail = 'edited' WHERE sequence = 2",
            "UPDATE audit_log SET hash = previous_hash",
            "DELETE FROM audit_log WHERE sequence = 3",
            "DELETE FROM audit_log",
        ] {
            var refused = false
            do {
                try await harness.execute(statement)
            } catch {
                refused = true
            }
            try expect(refused, "the database must refuse: \(statement)")
        }
        try expectEqual(try await allRecords(harness.log), before, "the log is unchanged")
        try expect(try await harness.log.verifyAuditChain().isIntact, "and still verifies")
        // Appending still works after refused edits.
        let next = try await harness.log.appendAudit(auditEvent(4))
        try expectEqual(next.sequence, 4, "the next sequence")
    }

    /// Appends five records, drops the guard, runs `tampering`, and expects the verifier to name
    /// `sequence` with `kind`, after `goodRecords` records that check out.
    static func expectTamperingFound(
        _ harness: AuditHarness, _ tampering: String, sequence: Int64, kind: AuditChainProblem.Kind, goodRecords: Int,
        file: String = #fileID, line: Int = #line
    ) async throws {
        for index in 1...5 { try await harness.log.appendAudit(auditEvent(index)) }
        try expect(try await harness.log.verifyAuditChain().isIntact, "intact before tampering", file: file, line: line)
        try await harness.dropGuard()
        try await harness.execute(tampering)
        let verification = try await harness.log.verifyAuditChain()
        try expectEqual(verification.problem, AuditChainProblem(sequence: sequence, kind: kind), "the problem found", file: file, line: line)
        try expectEqual(verification.recordCount, goodRecords, "the good records before it", file: file, line: line)
    }

    static func auditTamperEdit(_ harness: AuditHarness) async throws {
        try await expectTamperingFound(harness, "UPDATE audit_log SET target = 'entry 99' WHERE sequence = 3", sequence: 3, kind: .hashMismatch, goodRecords: 2)
    }

    static func auditTamperDelete(_ harness: AuditHarness) async throws {
        try await expectTamperingFound(harness, "DELETE FROM audit_log WHERE sequence = 2", sequence: 3, kind: .sequenceGap(expected: 2), goodRecords: 1)
    }

    /// Someone edits record 3 and gives it the hash of its new fields: record 3 checks out
    /// alone, but record 4 no longer links to it.
    static func auditTamperRehash(_ harness: AuditHarness) async throws {
        for index in 1...5 { try await harness.log.appendAudit(auditEvent(index)) }
        var forged = try await harness.log.auditRecords(matching: AuditQuery(), after: 2, limit: 1)[0]
        forged.target = "entry 99"
        forged.hash = forged.computedHash
        try await harness.dropGuard()
        try await harness.execute("UPDATE audit_log SET target = 'entry 99', hash = '\(forged.hash)' WHERE sequence = 3")
        try expectEqual(try await harness.log.auditRecords(matching: AuditQuery(), after: 2, limit: 1)[0], forged, "the forged record")
        let verification = try await harness.log.verifyAuditChain()
        try expectEqual(verification.problem, AuditChainProblem(sequence: 4, kind: .brokenLink), "the problem found")
        try expectEqual(verification.recordCount, 3, "the records before it check out")
    }
}
