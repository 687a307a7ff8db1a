import Foundation
import HL7v2
import Logging
import Metrics
import MetricsTestKit
import MLLP
import NIOCore
import ServiceLifecycle
import Store
import Testing
@testable import Bus

/// What the bus records through swift-metrics, with a test factory (never the global system).
@Suite struct BusMetricsTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    typealias Name = BusMetrics.Name

    func received(_ test: TestMetrics, type: String, outcome: String, channel: String = "his") throws -> Int64 {
        try test.expectCounter(Name.messagesReceived, [("channel", channel), ("type", type), ("outcome", outcome)]).totalValue
    }

    /// Every label value of every metric recorded.
    func labelValues(_ test: TestMetrics) -> [String] {
        test.counters.flatMap { $0.dimensions.map(\.1) } + test.timers.flatMap { $0.dimensions.map(\.1) }
            + test.meters.flatMap { $0.dimensions.map(\.1) }
    }

    @Test func intakeCountsMessagesByChannelTypeAndOutcomeAndTimesTheStore() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let test = TestMetrics()
        let intake = Intake(store: temporary.store, metrics: BusMetrics(factory: test), logger: logger)

        _ = await intake.receive(hl7("ADT^A01^ADT_A01", controlID: "CTRL-1", patient: "PAT-1"), channel: "his", receivedAt: start)
        _ = await intake.receive(hl7("ADT^A01^ADT_A01", controlID: "CTRL-1", patient: "PAT-1"), channel: "his", receivedAt: start)
        _ = await intake.receive(hl7("ORU^R01^ORU_R01", controlID: "CTRL-2", patient: "PAT-2"), channel: "his", receivedAt: start)
        _ = await intake.receive(Array("this is not HL7".utf8), channel: "his", receivedAt: start)

        #expect(try received(test, type: "ADT^A01", outcome: "accepted") == 1)
        #expect(try received(test, type: "ADT^A01", outcome: "duplicate") == 1)
        #expect(try received(test, type: "ORU^R01", outcome: "accepted") == 1)
        #expect(try received(test, type: "unknown", outcome: "rejected") == 1)
        #expect(test.counterTotal(label: Name.messagesReceived) == 4)
        #expect(try test.expectTimer(Name.storeOperationDuration, [("operation", "receive")]).values.count == 4)
        // No control ID, patient identifier or name in any label.
        let values = labelValues(test)
        for secret in ["CTRL", "PAT", "DOE", "JOHN"] {
            #expect(!values.contains { $0.contains(secret) }, "\(secret) in \(values)")
        }
    }

    @Test func workersCountOutcomesAndRecordTheLatencyOfDeliveries() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let test = TestMetrics()
        let metrics = BusMetrics(factory: test)
        let intake = Intake(store: temporary.store, metrics: metrics, logger: logger)
        _ = await intake.receive(hl7("ADT^A01^ADT_A01", controlID: "C1", patient: "P1"), channel: "his", receivedAt: start)
        _ = await intake.receive(hl7("ADT^A08^ADT_A01", controlID: "C2", patient: "P2"), channel: "his", receivedAt: start)
        _ = await intake.receive(hl7("ADT^A03^ADT_A03", controlID: "C3", patient: "P3"), channel: "his", receivedAt: start)
        try await Router(store: temporary.store, routes: ["his": [Route(destination: "lab")]], metrics: metrics, logger: logger)
            .routePending(now: start)

        let destination = ScriptedDestination { controlID, _ in
            switch controlID {
            case "C1": .delivered
            case "C2": .retry(reason: "busy", retryAfter: nil)
            default: .reject(reason: "refused")
            }
        }
        let worker = DestinationWorker(
            name: "lab", store: temporary.store, destination: destination,
            configuration: .init(retry: .fixed(.seconds(10)), leaseDuration: .seconds(60)), metrics: metrics, logger: logger)
        let now = start.addingTimeInterval(30)
        #expect(try await worker.deliverDue(now: { now }) == 3)

        func attempts(_ type: String, _ outcome: String) throws -> Int64 {
            try test.expectCounter(Name.deliveryAttempts, [("destination", "lab"), ("type", type), ("outcome", outcome)]).totalValue
        }
        #expect(try attempts("ADT^A01", "delivered") == 1)
        #expect(try attempts("ADT^A08", "retry") == 1)
        #expect(try attempts("ADT^A03", "dead_letter") == 1)
        // Enqueued at `start`, delivered 30 s later: one latency, of the delivery only.
        let latency = try test.expectTimer(Name.deliveryLatency, [("destination", "lab")])
        #expect(latency.values == [30_000_000_000])
        #expect(try test.expectTimer(Name.storeOperationDuration, [("operation", "lease")]).values.count == 1)
        #expect(try test.expectTimer(Name.storeOperationDuration, [("operation", "record_attempt")]).values.count == 3)
        #expect(try test.expectTimer(Name.storeOperationDuration, [("operation", "route")]).values.count == 1)
        #expect(test.counters(label: Name.storeErrors).isEmpty)
    }

    @Test func failedMappingsAreCountedAsDeadLettersWhenRouted() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let test = TestMetrics()
        let metrics = BusMetrics(factory: test)
        _ = await Intake(store: temporary.store, logger: logger)
            .receive(hl7("ADT^A01^ADT_A01", controlID: "C1", patient: "P1"), channel: "his", receivedAt: start)
        // No mappings loaded: the route's mapping fails and its entry is a dead letter.
        try await Router(
            store: temporary.store, routes: ["his": [Route(destination: "fhir", mapping: "ADT_A01"), Route(destination: "archive")]],
            metrics: metrics, logger: logger
        ).routePending(now: start)
        #expect(try test.expectCounter(Name.routingDeadLetters, [("destination", "fhir")]).totalValue == 1)
        #expect(test.counters(label: Name.routingDeadLetters).count == 1, "the archive's entry is no dead letter")
    }

    @Test func queueGaugesFollowTheStoreAndGoBackToZero() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let test = TestMetrics()
        let metrics = BusMetrics(factory: test)
        try await temporary.receiveAndRoute(
            [hl7("ADT^A01^ADT_A01", controlID: "C1", patient: "P1"), hl7("ADT^A01^ADT_A01", controlID: "C2", patient: "P2")],
            routes: [Route(destination: "lab")], at: start, logger: logger)
        let routing = RoutingTable(routes: ["his": [Route(destination: "lab")], "other": [Route(destination: "idle")]], mappings: nil)
        let service = QueueMetricsService(store: temporary.store, routing: routing, metrics: metrics, interval: .seconds(10), logger: logger)

        func gauge(_ name: String, _ destination: String) throws -> Double? {
            try test.expectMeter(name, [("destination", destination)]).lastValue
        }
        let known = try await service.refresh(now: start.addingTimeInterval(60))
        #expect(known == ["lab", "idle"])
        #expect(try gauge(Name.queueDepth, "lab") == 2)
        #expect(try gauge(Name.queueOldestPendingAge, "lab") == 60)
        #expect(try gauge(Name.queueDeadLetters, "lab") == 0)
        #expect(try gauge(Name.queueDepth, "idle") == 0)
        #expect(try gauge(Name.queueOldestPendingAge, "idle") == 0)

        // One delivered, one dead-lettered: nothing waits any more.
        let worker = DestinationWorker(
            name: "lab", store: temporary.store,
            destination: ScriptedDestination { controlID, _ in controlID == "C1" ? .delivered : .reject(reason: "refused") }, logger: logger)
        let later = start.addingTimeInterval(61)
        try await worker.deliverDue(now: { later })
        try await service.refresh(known: known, now: start.addingTimeInterval(70))
        #expect(try gauge(Name.queueDepth, "lab") == 0)
        #expect(try gauge(Name.queueOldestPendingAge, "lab") == 0)
        #expect(try gauge(Name.queueDeadLetters, "lab") == 1)
    }

    @Test func typeLabelsAreShortCodesAndBounded() {
        let metrics = BusMetrics(factory: TestMetrics(), maximumTypes: 3)
        #expect(metrics.typeLabel(MessageHeader(messageType: "ADT", triggerEvent: "A01")) == "ADT^A01")
        #expect(metrics.typeLabel(MessageHeader(messageType: "Patient")) == "Patient")
        #expect(metrics.typeLabel(MessageHeader(messageType: "Bundle", triggerEvent: "http://example.org/fhir/event?x=1")) == "Bundle^other")
        #expect(metrics.typeLabel(MessageHeader()) == "unknown")
        // Three distinct types admitted; the fourth is `other`, the first ones stay.
        #expect(metrics.typeLabel(MessageHeader(messageType: "ORU", triggerEvent: "R01")) == "other")
        #expect(metrics.typeLabel(MessageHeader(messageType: "ADT", triggerEvent: "A01")) == "ADT^A01")
    }

    @Test func storeFailuresAreCountedAndRethrown() async throws {
        struct Failure: Error {}
        let test = TestMetrics()
        let metrics = BusMetrics(factory: test)
        await #expect(throws: Failure.self) {
            try await metrics.timing(.lease) { () async throws -> Int in throw Failure() }
        }
        #expect(try test.expectCounter(Name.storeErrors, [("operation", "lease")]).totalValue == 1)
        #expect(try test.expectTimer(Name.storeOperationDuration, [("operation", "lease")]).values.count == 1)
    }

    @Test func aRunningNodeTimesAcknowledgementsOverMLLPAndIsReadyOnceBound() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let test = TestMetrics()
        let configuration = BusConfiguration(
            store: .sqlite(.init(path: temporary.folder.appendingPathComponent("bus.sqlite").path)),
            channels: [ChannelConfiguration(name: "his", listener: .init(host: "127.0.0.1", port: 0), routes: [])],
            destinations: [])
        let node = BusNode(configuration: configuration, store: temporary.store, metrics: BusMetrics(factory: test), logger: logger)
        // The store answers (however slow the machine); the bus does not run.
        #expect(await node.readiness(timeout: .seconds(60)).problems == ["bus: not running"])

        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(services: try node.services { _, address in continuation.yield(address.port ?? 0) }, logger: logger)
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            // Ready once the listener is bound (announced just before it is marked bound).
            #expect(await eventually { await node.readiness().isReady })

            let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port, responseTimeout: .seconds(60)), logger: logger)
            let ack = try await client.send(try Message(hl7("ADT^A01^ADT_A01", controlID: "C1", patient: "P1")))
            await client.close()
            #expect(ack.code == .aa)
            // Recorded once the ACK is written, which may be just after the client read it.
            let timed = await eventually { ((try? test.expectTimer(Name.acknowledgmentDuration, [("channel", "his")]).values.count) ?? 0) == 1 }
            #expect(timed)
            #expect(try received(test, type: "ADT^A01", outcome: "accepted") == 1)

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
