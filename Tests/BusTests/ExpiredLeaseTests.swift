import Foundation
import HL7v2
import Logging
import Store
import Synchronization
import Testing
@testable import Bus

/// A worker never delivers an entry whose lease ran out while it waited its turn in the batch:
/// by then another worker (of this node or another) may hold it, and may have delivered the next
/// entry of its key.
@Suite struct ExpiredLeaseTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func entryWhoseLeaseExpiredInTheBatchIsNotDelivered() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        // Two patients: one batch leases both heads.
        try await temporary.receiveAndRoute(
            [hl7("ADT^A08^ADT_A01", controlID: "S0", patient: "P0"), hl7("ADT^A08^ADT_A01", controlID: "S1", patient: "P1")],
            routes: [Route(destination: "lis", orderingKey: "PID-3.1")], at: start, logger: logger)
        // The first delivery takes 20 s of the clock, longer than the 10 s lease.
        let clock = Mutex(start)
        let destination = ScriptedDestination { _, _ in
            clock.withLock { $0 = $0.addingTimeInterval(20) }
            return .delivered
        }
        let configuration = DestinationWorker.Configuration(leaseDuration: .seconds(10), batchSize: 10)
        let worker = DestinationWorker(name: "lis", store: temporary.store, destination: destination, configuration: configuration, logger: logger)
        #expect(try await worker.deliverDue(now: { clock.withLock { $0 } }) == 1)
        #expect(destination.delivered == ["S0"])
        let entries = try await temporary.store.entries(destination: "lis", state: nil, after: nil, limit: 10)
        #expect(entries.map(\.state) == [.delivered, .leased], "the skipped entry keeps its (expired) lease, no attempt recorded")
        #expect(entries.last?.attemptCount == 0)
        // Its lease has expired: the next round (any worker's) leases and delivers it.
        #expect(try await worker.deliverDue(now: { clock.withLock { $0 } }) == 1)
        #expect(destination.delivered == ["S0", "S1"])
    }
}
