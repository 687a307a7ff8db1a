import Store
import Synchronization

/// Hands each wake-up to every current subscriber's stream.
final class WakeUpHub: Sendable {
    private struct State {
        var next = 0
        var subscribers: [Int: AsyncStream<StoreWakeUp>.Continuation] = [:]
    }

    private let state = Mutex(State())

    init() {}

    /// A new subscriber's stream; it keeps the newest 64 wake-ups its reader has not taken.
    func subscribe() -> AsyncStream<StoreWakeUp> {
        let (stream, continuation) = AsyncStream.makeStream(of: StoreWakeUp.self, bufferingPolicy: .bufferingNewest(64))
        let id = state.withLock { state in
            defer { state.next += 1 }
            state.subscribers[state.next] = continuation
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// The number of subscribers. For tests.
    var subscriberCount: Int {
        state.withLock { $0.subscribers.count }
    }

    func publish(_ wakeUp: StoreWakeUp) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(wakeUp) }
    }

    /// Ends every subscriber's stream.
    func finish() {
        let subscribers = state.withLock { state in
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
