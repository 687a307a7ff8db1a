import Synchronization

/// Wakes the tasks waiting for work — the router when intake stored a message, a destination's
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

    /// Wakes every waiting task, or the next one to wait.
    func ring() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.waiters.isEmpty else {
                state.isRung = true
                return []
            }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
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
