import Synchronization

/// Holds back the store's operations until its schema is migrated, then lets every one through
/// (or fails them all with the migration's error).
final class StartupGate: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Void, any Error>])
        case open
        case failed(any Error)
    }

    private let state = Mutex(State.waiting([]))

    init() {}

    /// Returns once the gate is open; throws the error it failed with.
    func wait() async throws {
        let ready: Result<Bool, any Error> = state.withLock { state in
            switch state {
            case .open: .success(true)
            case .failed(let error): .failure(error)
            case .waiting: .success(false)
            }
        }
        if try ready.get() { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, any Error>? = state.withLock { state in
                switch state {
                case .open: return .success(())
                case .failed(let error): return .failure(error)
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                }
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    /// Whether the gate is open.
    var isOpen: Bool {
        state.withLock { if case .open = $0 { true } else { false } }
    }

    /// Opens the gate: waiting and later operations run.
    func open() {
        finish(.success(()))
    }

    /// Fails waiting and later operations with `error`.
    func fail(_ error: any Error) {
        finish(.failure(error))
    }

    private func finish(_ result: Result<Void, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            switch result {
            case .success: state = .open
            case .failure(let error): state = .failed(error)
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}
