import Foundation
import Logging
import ServiceLifecycle
import Store
import Testing
@testable import Bus

@Suite struct SQLiteRetentionServiceTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func removesWhatEndedLongerAgoThanTheRetentionAndKeepsTheRest() async throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let intake = Intake(store: store, logger: logger)
        _ = await intake.receive(hl7("ADT^A01", controlID: "OLD", patient: "P"), channel: "his", receivedAt: start)
        _ = await intake.receive(hl7("ADT^A01", controlID: "NEW", patient: "P"), channel: "his", receivedAt: start.addingTimeInterval(3 * 86_400))
        // Both filtered (no routes): ended when received.
        try await Router(store: store, routes: ["his": []], logger: logger).routePending(now: start.addingTimeInterval(3 * 86_400))
        let service = SQLiteRetentionService(store: store, retention: .seconds(2 * 86_400), logger: logger)
        let result = try await service.runOnce(now: start.addingTimeInterval(3 * 86_400 + 60))
        #expect(result.deletedMessages == 1)
        let left = try await store.messages(matching: MessageQuery(), after: nil, limit: 10)
        #expect(left.map(\.header.controlID) == ["NEW"])
    }

    @Test func runsUntilGracefulShutdown() async throws {
        let temporary = try TemporaryStore()
        let service = SQLiteRetentionService(store: temporary.store, retention: .seconds(86_400), interval: .seconds(3600), logger: logger)
        let group = ServiceGroup(services: [service], logger: logger)
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(200))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
