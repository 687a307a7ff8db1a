import Foundation
import Testing
@testable import Bus

/// A deterministic generator (SplitMix64) so jittered delays are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct RetryPolicyTests {
    @Test func ceilingGrowsExponentiallyUpToTheMaximum() {
        let policy = RetryPolicy.exponentialJitter(initialDelay: .seconds(1), maximumDelay: .seconds(60))
        #expect(policy.ceiling(afterFailedAttempts: 1) == .seconds(1))
        #expect(policy.ceiling(afterFailedAttempts: 2) == .seconds(2))
        #expect(policy.ceiling(afterFailedAttempts: 5) == .seconds(16))
        #expect(policy.ceiling(afterFailedAttempts: 7) == .seconds(60))
        #expect(policy.ceiling(afterFailedAttempts: 50) == .seconds(60))
    }

    @Test func fullJitterStaysWithinTheCeilingAndSpreads() {
        let policy = RetryPolicy.exponentialJitter(initialDelay: .seconds(1), maximumDelay: .seconds(60))
        var generator = SeededGenerator(state: 42)
        let delays = (0..<1000).map { _ in policy.delay(afterFailedAttempts: 4, using: &generator) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(8) })
        #expect(delays.min()! < .seconds(1))
        #expect(delays.max()! > .seconds(7))
        #expect(Set(delays).count > 900)
    }

    @Test func fixedPolicyHasNoJitter() {
        var generator = SeededGenerator(state: 1)
        let policy = RetryPolicy.fixed(.seconds(5))
        #expect(policy.delay(afterFailedAttempts: 1, using: &generator) == .seconds(5))
        #expect(policy.delay(afterFailedAttempts: 9, using: &generator) == .seconds(5))
    }
}

@Suite struct DeliveryDecisionTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func decide(_ verdict: DeliveryVerdict, attempts: Int, age: TimeInterval = 0, keyed: Bool = false,
                retry: RetryPolicy = .exponentialJitter(maximumAttempts: 5, maximumAge: .seconds(3600)),
                keyPolicy: KeyFailurePolicy = .block) -> DeliveryDecision {
        var generator = SeededGenerator(state: 7)
        return DeliveryDecision(after: verdict, failedAttempts: attempts, enqueuedAt: start, hasOrderingKey: keyed,
                                retry: retry, keyPolicy: keyPolicy, now: start.addingTimeInterval(age), using: &generator)
    }

    @Test func deliveredAndRejected() {
        #expect(decide(.delivered, attempts: 0) == .delivered)
        #expect(decide(.reject(reason: "rejected (AR)"), attempts: 1) == .deadLetter(reason: "rejected (AR)"))
    }

    @Test func retriesUntilMaximumAttempts() {
        guard case .retry(let at) = decide(.timedOut, attempts: 4) else { Issue.record("expected a retry"); return }
        #expect(at >= start && at <= start.addingTimeInterval(8))
        guard case .deadLetter(let reason) = decide(.timedOut, attempts: 5) else { Issue.record("expected a dead letter"); return }
        #expect(reason.contains("5 attempts"))
    }

    @Test func givesUpAfterMaximumAge() {
        guard case .deadLetter(let reason) = decide(.timedOut, attempts: 1, age: 3600) else { Issue.record("expected a dead letter"); return }
        #expect(reason.contains("maximum age"))
    }

    @Test func honoursRetryAfterWhenLongerThanTheBackoff() {
        let verdict = DeliveryVerdict.retry(reason: "HTTP 429", retryAfter: .seconds(120))
        #expect(decide(verdict, attempts: 1) == .retry(at: start.addingTimeInterval(120)))
    }

    @Test func keyPolicyMovesAsideOnlyKeyedEntries() {
        let policy = KeyFailurePolicy.moveAside(afterAttempts: 3)
        guard case .deadLetter = decide(.timedOut, attempts: 3, keyed: true, keyPolicy: policy) else { Issue.record("expected move aside"); return }
        guard case .retry = decide(.timedOut, attempts: 3, keyed: false, keyPolicy: policy) else { Issue.record("unkeyed entries retry"); return }
        guard case .retry = decide(.timedOut, attempts: 3, keyed: true, keyPolicy: .block) else { Issue.record("block keeps retrying"); return }
    }
}
