import Synchronization

/// Counts the store's operations that are using the pool, so that the pool closes after the last
/// one has ended (postgres-nio 1.33 never answers a query written to a connection the pool has
/// just closed).
final class InFlightOperations: Sendable {
    private let count = Mutex(0)

    init() {}

    /// Runs `body`, counted while it runs.
    func track<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        count.withLock { $0 += 1 }
        defer { count.withLock { $0 -= 1 } }
        return try await body()
    }

    /// The number of operations running.
    var running: Int {
        count.withLock { $0 }
    }

    /// Returns when no operation is running, or after `timeout`; in a task of its own, so that it
    /// waits even when the caller is cancelled.
    func drained(within timeout: Duration) async {
        await Task.detached {
            let clock = ContinuousClock()
            let deadline = clock.now + timeout
            while self.running > 0, clock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }.value
    }
}
