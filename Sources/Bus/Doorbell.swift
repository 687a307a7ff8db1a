import Synchronization

/// Wakes a task waiting for work — the router when intake stored a message, a destination's
/// workers when the router enqueued entries — so that the pipeline does not depend on polling.
///
/// A ring with nobody waiting is remembered: the next ``wait(timeout:)`` returns at once, so no
/// wake-up is lost between "found no work" and "started waiting".
final class Doorbell: Sendable {
    private struct State {
        var isRung = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    init() {}

    /// Wakes the longest-waiting task, or the next one to wait.
    ///
    /// One ring, one task: the workers of a destination wait on one doorbell, and waking them
    /// all for a few entries would make all but one lease nothing. A woken worker that finds
    /// more than it can take rings again for a helper.
    func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let first = state.waiters.keys.min() else {
                state.isRung = true
                return nil
            }
            return state.waiters.removeValue(forKey: first)
        }
        waiter?.resume()
    }

    /// The number of tasks waiting for a ring. For tests.
    var waitingCount: Int {
        state.withLock { $0.waiters.count }
    }

    /// Returns when the bell rings, after `timeout`, or when the task is cancelled.
    func wait(timeout: Duration) async {
        let wasRung = state.withLock { state in
            defer { state.isRung = false }
            return state.isRung
        }
        guard !wasRung, !Task.isCancelled else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForRing() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForRing() async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.isRung || Task.isCancelled {
                        state.isRung = false
                        return true
                    }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
