@testable import Bus
import Store
import Testing

@Suite("WakeUpService")
struct WakeUpServiceTests {
    /// A store's wake-ups, sent by the test.
    struct Source: WakeUpSource {
        let stream: AsyncStream<StoreWakeUp>
        func wakeUps() -> AsyncStream<StoreWakeUp> { stream }
    }

    @Test("store wake-ups ring the router's and the destination's doorbells", .timeLimit(.minutes(1)))
    func forwards() async throws {
        let (stream, continuation) = AsyncStream.makeStream(of: StoreWakeUp.self)
        let incoming = Doorbell()
        let lab = Doorbell()
        let ris = Doorbell()
        let service = WakeUpService(source: Source(stream: stream), incoming: incoming, destinations: ["lab": lab, "ris": ris])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            // Each wait would last an hour (past the time limit) unless the forwarded ring ends it.
            continuation.yield(.routing)
            await incoming.wait(timeout: .seconds(3600))
            continuation.yield(.queue(destination: "lab"))
            await lab.wait(timeout: .seconds(3600))
            continuation.yield(.queue(destination: "unknown"))
            continuation.yield(.everything)
            await ris.wait(timeout: .seconds(3600))
            await incoming.wait(timeout: .seconds(3600))
            continuation.finish()
            try await group.waitForAll()
        }
    }
}
