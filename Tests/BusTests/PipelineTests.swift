import Foundation
import HL7v2
import Logging
import Store
import Synchronization
import Testing
@testable import Bus

/// A destination whose answers the test scripts: records every delivery, answers with the
/// verdict the script gives for that message's control ID and attempt.
final class ScriptedDestination: Destination {
    let deliveries = Mutex<[(controlID: String, attempt: Int)]>([])
    let script: @Sendable (_ controlID: String, _ attempt: Int) -> DeliveryVerdict

    init(_ script: @escaping @Sendable (String, Int) -> DeliveryVerdict) {
        self.script = script
    }

    func deliver(_ lease: Lease) async -> DeliveryResult {
        let controlID = lease.header.controlID ?? "?"
        deliveries.withLock { $0.append((controlID, lease.attemptNumber)) }
        let verdict = script(controlID, lease.attemptNumber)
        return DeliveryResult(verdict: verdict, responseCode: verdict == .delivered ? "AA" : "AE")
    }

    var delivered: [String] { deliveries.withLock { $0.map(\.controlID) } }
}

/// A store in a fresh temporary folder, removed by the test.
struct TemporaryStore {
    let folder: URL
    let store: SQLiteStore

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-bus-\(UUID().uuidString)")
        store = try SQLiteStore(configuration: .init(path: folder.appendingPathComponent("bus.sqlite").path), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }
}

extension TemporaryStore {
    /// Receives `messages` on channel `his` through an ``Intake``, then routes them with `routes`.
    func receiveAndRoute(_ messages: [[UInt8]], routes: [Route], at date: Date, logger: Logger) async throws {
        let intake = Intake(store: store, logger: logger)
        for message in messages {
            _ = await intake.receive(message, channel: "his", receivedAt: date)
        }
        try await Router(store: store, routes: ["his": routes], logger: logger).routePending(now: date)
    }
}

func hl7(_ type: String, controlID: String, patient: String, facility: String = "BV_A") -> [UInt8] {
    Array("MSH|^~\\&|HIS|\(facility)|BUS|SYT|20261122093000||\(type)|\(controlID)|P|2.5\rEVN||20261122093000\rPID|1||\(patient)^^^\(facility)^MR||DOE^JOHN\rPV1|1|I\r".utf8)
}

@Suite struct PipelineTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func intakeAcknowledgesAfterStoringAndDedupesRetransmissions() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let intake = Intake(store: temporary.store, logger: logger)

        let first = await intake.receive(hl7("ADT^A01^ADT_A01", controlID: "C1", patient: "P1"), channel: "his", receivedAt: start)
        #expect(first.code == .aa)
        #expect(first.isDuplicate == false)
        let ack = try Acknowledgment(parsing: try Message(first.acknowledgment))
        #expect(ack.acknowledgedControlID == "C1")
        let id = try #require(first.messageID)
        let stored = try #require(try await temporary.store.message(id))
        #expect(stored.raw == hl7("ADT^A01^ADT_A01", controlID: "C1", patient: "P1"))
        #expect(stored.header.patientID == "P1")
        #expect(stored.state == .received)

        let again = await intake.receive(hl7("ADT^A01^ADT_A01", controlID: "C1", patient: "P1"), channel: "his", receivedAt: start.addingTimeInterval(5))
        #expect(again.code == .aa)
        #expect(again.isDuplicate)
        #expect(again.messageID == id)
        #expect(try await temporary.store.pendingRouting(limit: 10).count == 1)
    }

    @Test func malformedAndUnparsableInputIsStoredRejectedAndAnsweredWithERR() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let intake = Intake(store: temporary.store, logger: logger)

        let garbage = await intake.receive(Array("hello, not HL7".utf8), channel: "his", receivedAt: start)
        #expect(garbage.code == .ar)
        let garbageAck = try Message(garbage.acknowledgment)
        #expect(garbageAck.segment("ERR") != nil)
        let garbageID = try #require(garbage.messageID)
        let garbageStored = try #require(try await temporary.store.message(garbageID))
        #expect(garbageStored.state == .rejected)
        #expect(garbageStored.rejection == .unparsable)

        var bad = hl7("ADT^A01^ADT_A01", controlID: "C2", patient: "P2")
        bad += Array("p1d|oops\r".utf8)
        let invalid = await intake.receive(bad, channel: "his", receivedAt: start)
        #expect(invalid.code == .ae)
        #expect(try Message(invalid.acknowledgment).segment("ERR") != nil)
        let invalidID = try #require(invalid.messageID)
        let invalidStored = try #require(try await temporary.store.message(invalidID))
        #expect(invalidStored.state == .rejected)
        #expect(invalidStored.rejection == .invalid)
        #expect(try await temporary.store.pendingRouting(limit: 10).isEmpty)
    }

    @Test func routerFiltersAndWorkerDeliversInOrder() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let intake = Intake(store: temporary.store, logger: logger)
        for (n, type) in ["ADT^A01^ADT_A01", "ORU^R01^ORU_R01", "ADT^A08^ADT_A01"].enumerated() {
            _ = await intake.receive(hl7(type, controlID: "M\(n)", patient: "P\(n % 2)"), channel: "his", receivedAt: start)
        }
        let router = Router(store: temporary.store, routes: [
            "his": [
                Route(destination: "adt", filter: try MessageFilter(types: ["ADT"]), orderingKey: "PID-3.1"),
                Route(destination: "everything"),
            ],
        ], logger: logger)
        #expect(try await router.routePending(now: start).count == 3)
        #expect(try await router.routePending(now: start).count == 0)

        let destination = ScriptedDestination { _, _ in .delivered }
        let worker = DestinationWorker(name: "adt", store: temporary.store, destination: destination, logger: logger)
        let now = start
        // M0 and M2 share patient P0: M2 becomes leasable only once M0 is delivered.
        #expect(try await worker.deliverDue(now: { now }) == 1)
        #expect(try await worker.deliverDue(now: { now }) == 1)
        #expect(try await worker.deliverDue(now: { now }) == 0)
        #expect(destination.delivered == ["M0", "M2"])
        let everything = try await temporary.store.entries(destination: "everything", state: nil, after: nil, limit: 10)
        #expect(everything.count == 3)
    }

    @Test func outageRetriesWithBackoffAndDrainsInKeyOrder() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        try await temporary.receiveAndRoute(
            (0..<6).map { hl7("ADT^A08^ADT_A01", controlID: "K\($0)", patient: "P\($0 % 2)") },
            routes: [Route(destination: "lis", orderingKey: "PID-3.1")], at: start, logger: logger)

        // The destination is down for the first two attempts of every message.
        let destination = ScriptedDestination { _, attempt in attempt <= 2 ? .timedOut : .delivered }
        let configuration = DestinationWorker.Configuration(retry: .fixed(.seconds(10)), keyPolicy: .block, leaseDuration: .seconds(30))
        let worker = DestinationWorker(name: "lis", store: temporary.store, destination: destination, configuration: configuration, logger: logger)
        var clock = start
        for _ in 0..<40 {
            let now = clock
            try await worker.deliverDue(now: { now })
            clock = clock.addingTimeInterval(10)
        }
        let delivered = destination.deliveries.withLock { $0.filter { $0.attempt == 3 }.map(\.controlID) }
        #expect(Set(delivered) == Set((0..<6).map { "K\($0)" }))
        // FIFO per key: each patient's messages were delivered in the order they arrived.
        for key in 0..<2 {
            let own = delivered.filter { Int($0.dropFirst())! % 2 == key }
            #expect(own == own.sorted { Int($0.dropFirst())! < Int($1.dropFirst())! })
        }
        // A message was never tried while an earlier one of its key was still undelivered.
        let all = destination.deliveries.withLock { $0 }
        for (index, delivery) in all.enumerated() {
            let n = Int(delivery.controlID.dropFirst())!
            for earlier in stride(from: n % 2, to: n, by: 2) {
                let earlierDone = all[..<index].contains { $0.controlID == "K\(earlier)" && $0.attempt == 3 }
                #expect(earlierDone, "K\(n) attempted before K\(earlier) was delivered")
            }
        }
        let pending = try await temporary.store.entries(destination: "lis", state: .pending, after: nil, limit: 10)
        #expect(pending.isEmpty)
    }

    @Test func poisonMessageGoesToDeadLettersWithoutHoldingUpOtherKeys() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        try await temporary.receiveAndRoute(
            (0..<4).map { hl7("ADT^A08^ADT_A01", controlID: "Q\($0)", patient: "P\($0)") },
            routes: [Route(destination: "lis", orderingKey: "PID-3.1")], at: start, logger: logger)
        let destination = ScriptedDestination { controlID, _ in controlID == "Q1" ? .reject(reason: "rejected (AR)") : .delivered }
        let worker = DestinationWorker(name: "lis", store: temporary.store, destination: destination, logger: logger)
        let now = start
        try await worker.deliverDue(now: { now })
        #expect(Set(destination.delivered) == ["Q0", "Q1", "Q2", "Q3"])
        let dead = try await temporary.store.deadLetters(destination: "lis", includingReplayed: false, after: nil, limit: 10)
        #expect(dead.count == 1)
        #expect(dead.first?.lastError?.contains("AR") == true)
        let deadID = try #require(dead.first?.id)
        let attempts = try await temporary.store.attempts(of: deadID)
        #expect(attempts.count == 1)
    }

    @Test func twoMatchingRoutesToOneDestinationGiveOneEntry() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let routes = [
            Route(destination: "lis", filter: try MessageFilter(types: ["ORU"]), orderingKey: "PID-3.1"),
            Route(destination: "lis", filter: try MessageFilter(conditions: ["PID-3.1 = P1"])),
            Route(destination: "archive"),
        ]
        try await temporary.receiveAndRoute([hl7("ORU^R01^ORU_R01", controlID: "D1", patient: "P1")], routes: routes, at: start, logger: logger)
        let lis = try await temporary.store.entries(destination: "lis", state: nil, after: nil, limit: 10)
        #expect(lis.count == 1)
        #expect(lis.first?.orderingKey == "P1")
        #expect(try await temporary.store.entries(destination: "archive", state: nil, after: nil, limit: 10).count == 1)
    }

    @Test func fileDestinationWritesAtomically() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        try await temporary.receiveAndRoute(
            [hl7("ADT^A01^ADT_A01", controlID: "F1", patient: "P1")], routes: [Route(destination: "outbox")], at: start, logger: logger)
        let outbox = temporary.folder.appendingPathComponent("outbox")
        let worker = DestinationWorker(name: "outbox", store: temporary.store, destination: FileDestination(directory: outbox), logger: logger)
        let now = start
        #expect(try await worker.deliverDue(now: { now }) == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: outbox.path)
        #expect(files.count == 1)
        #expect(files.first?.hasSuffix(".hl7") == true)
        let written = try Data(contentsOf: outbox.appendingPathComponent(files[0]))
        #expect([UInt8](written) == hl7("ADT^A01^ADT_A01", controlID: "F1", patient: "P1"))
    }
}
