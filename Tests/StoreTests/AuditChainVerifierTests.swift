import Foundation
import Store
import Testing

/// ``AuditChainVerifier`` and the hash on plain arrays of records, without a store.
@Suite struct AuditChainVerifierTests {
    static let start = Date(timeIntervalSince1970: 1_750_000_000.123456)

    /// `count` records chained as a store chains them.
    static func chain(_ count: Int) -> [AuditRecord] {
        var records: [AuditRecord] = []
        for index in 1...count {
            let event = AuditEvent(
                time: start.addingTimeInterval(Double(index)), actor: index.isMultiple(of: 2) ? .system : .user("lan"),
                action: .replay, target: "entry \(index)", detail: "new entry \(index + 100)")
            records.append(
                AuditRecord(chaining: event, sequence: Int64(index), previousHash: records.last?.hash ?? AuditRecord.genesisHash))
        }
        return records
    }

    /// Test vectors computed independently (Python's hashlib over the documented encoding).
    @Test func hashOfTheDocumentedEncoding() {
        let first = AuditRecord(
            chaining: AuditEvent(
                time: Date(timeIntervalSince1970: 1_750_000_000.123456), actor: .user("lan"), action: .viewMessage, target: "message 42",
                detail: "Bản tin", clientAddress: "203.0.113.7"),
            sequence: 1, previousHash: AuditRecord.genesisHash)
        let expectedEncoding =
            "lienthong-audit-v1\n64:\(AuditRecord.genesisHash)\n1:1\n16:1750000000123456\n8:user:lan\n12:view-message\n10:message 42\n9:Bản tin\n11:203.0.113.7\n"
        #expect(first.canonicalEncoding == Array(expectedEncoding.utf8))
        #expect(first.hash == "f1aa46dad1d0ad59e6e70329cd1b49576de62fba547051e0636210be96af3f45")
        let second = AuditRecord(
            chaining: AuditEvent(
                time: Date(timeIntervalSince1970: 1_750_000_001), actor: .system, action: .configReload, target: "/etc/lienthong/bus.yaml",
                detail: "SIGHUP: applied, 2 changes"),
            sequence: 2, previousHash: first.hash)
        #expect(second.hash == "5d8e348c848f1f179ad29c637b2df82acd02500a5354c6735221863577467da0")
    }

    @Test func aNoneAndAnEmptyClientAddressHashApart() {
        let event = AuditEvent(time: Self.start, actor: .cli, action: .replay, target: "entry 1")
        var withEmpty = event
        withEmpty.clientAddress = ""
        let none = AuditRecord(chaining: event, sequence: 1, previousHash: AuditRecord.genesisHash)
        let empty = AuditRecord(chaining: withEmpty, sequence: 1, previousHash: AuditRecord.genesisHash)
        #expect(none.hash != empty.hash)
        // Moving text from one field to the next changes the hash (length prefixes).
        var shifted = event
        shifted.target = "entry"
        shifted.detail = " 1"
        #expect(AuditRecord(chaining: shifted, sequence: 1, previousHash: AuditRecord.genesisHash).hash != none.hash)
    }

    @Test func anIntactChain() {
        let records = Self.chain(10)
        let verification = AuditChainVerifier.verify(records)
        #expect(verification == AuditVerification(recordCount: 10, lastHash: records[9].hash, lastSequence: 10, problem: nil))
        #expect(AuditChainVerifier.verify([]) == AuditVerification(recordCount: 0, lastHash: nil, lastSequence: nil, problem: nil))
    }

    @Test func anEditedField() {
        var records = Self.chain(10)
        records[4].detail = "new entry 999"
        let verification = AuditChainVerifier.verify(records)
        #expect(verification.problem == AuditChainProblem(sequence: 5, kind: .hashMismatch))
        #expect(verification.recordCount == 4)
        #expect(verification.lastHash == records[3].hash)
        #expect(verification.problem?.description == "record 5: hash mismatch (a field was edited)")
    }

    @Test func eachFieldIsCovered() {
        let records = Self.chain(3)
        let edits: [(String, (inout AuditRecord) -> Void)] = [
            ("time", { $0.time = $0.time.addingTimeInterval(0.000_001) }),
            ("actor", { $0.actor = .user("other") }),
            ("action", { $0.action = .discard }),
            ("target", { $0.target = "entry 99" }),
            ("detail", { $0.detail = "" }),
            ("client", { $0.clientAddress = "198.51.100.1" }),
        ]
        for (field, edit) in edits {
            var tampered = records
            edit(&tampered[1])
            #expect(AuditChainVerifier.verify(tampered).problem == AuditChainProblem(sequence: 2, kind: .hashMismatch), "\(field)")
        }
    }

    @Test func aDeletedRecord() {
        var records = Self.chain(10)
        records.remove(at: 6)
        #expect(AuditChainVerifier.verify(records).problem == AuditChainProblem(sequence: 8, kind: .sequenceGap(expected: 7)))
        // The first record deleted.
        #expect(AuditChainVerifier.verify(Self.chain(3).dropFirst()).problem == AuditChainProblem(sequence: 2, kind: .sequenceGap(expected: 1)))
    }

    @Test func aDeletedRecordWithTheRestRenumbered() {
        var records = Self.chain(6)
        records.remove(at: 2)
        for index in 2..<records.count { records[index].sequence -= 1 }
        // Renumbering changes the hashed sequence: record 3 (formerly 4) no longer links to record 2.
        #expect(AuditChainVerifier.verify(records).problem == AuditChainProblem(sequence: 3, kind: .brokenLink))
    }

    @Test func anInsertedRecord() {
        var records = Self.chain(6)
        // A forger inserts a well-formed record after 3 and renumbers the rest, re-hashing the insert itself.
        let forged = AuditRecord(
            chaining: AuditEvent(time: Self.start, actor: .system, action: .logout, target: "user lan"), sequence: 4,
            previousHash: records[2].hash)
        records.insert(forged, at: 3)
        for index in 4..<records.count { records[index].sequence += 1 }
        #expect(AuditChainVerifier.verify(records).problem == AuditChainProblem(sequence: 5, kind: .brokenLink))
    }

    @Test func aWrongGenesis() {
        var records = Self.chain(2)
        records[0].previousHash = String(repeating: "f", count: 64)
        #expect(AuditChainVerifier.verify(records).problem == AuditChainProblem(sequence: 1, kind: .brokenLink))
    }

    @Test func theFirstProblemIsKept() {
        var records = Self.chain(8)
        records[6].target = "entry 77"
        records[2].target = "entry 33"
        var verifier = AuditChainVerifier()
        for record in records { verifier.check(record) }
        #expect(verifier.problem == AuditChainProblem(sequence: 3, kind: .hashMismatch))
        #expect(verifier.result.recordCount == 2)
    }
}
