@testable import Bus
import Synchronization
import Testing

@Suite("Doorbell")
struct DoorbellTests {
    @Test("a ring with nobody waiting is kept for the next wait")
    func rememberedRing() async {
        let doorbell = Doorbell()
        doorbell.ring()
        let clock = ContinuousClock()
        let start = clock.now
        await doorbell.wait(timeout: .seconds(20))
        // Returned because of the ring, not the 20 s timeout.
        #expect(clock.now - start < .seconds(20))
        #expect(doorbell.waitingCount == 0)
    }

    @Test("one ring wakes one waiting task; the next ring the next")
    func oneRingOneTask() async throws {
        let doorbell = Doorbell()
        let woken = WakeCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    await doorbell.wait(timeout: .seconds(30))
                    woken.count.withLock { $0 += 1 }
                }
            }
            for _ in 0..<10_000 where doorbell.waitingCount < 2 { try await Task.sleep(for: .milliseconds(1)) }
            #expect(doorbell.waitingCount == 2)
            doorbell.ring()
            for _ in 0..<10_000 where woken.value < 1 { try await Task.sleep(for: .milliseconds(1)) }
            // The other task keeps waiting (its timeout is 30 s away).
            try await Task.sleep(for: .milliseconds(50))
            #expect(woken.value == 1)
            #expect(doorbell.waitingCount == 1)
            doorbell.ring()
            try await group.waitForAll()
            #expect(woken.value == 2)
        }
    }

    @Test("a wait ends at its timeout without a ring")
    func timeout() async {
        let doorbell = Doorbell()
        await doorbell.wait(timeout: .milliseconds(10))
        #expect(doorbell.waitingCount == 0)
    }
}

private final class WakeCounter: Sendable {
    let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
}
