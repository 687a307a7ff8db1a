import Synchronization

/// Batches concurrent submissions into one commit (group commit), without a background task.
///
/// Every submitter waits in a queue. When no commit is running, the first waiter becomes the
/// *leader*: it takes up to `maximumBatchSize` waiters from the front of the queue (itself
/// included), runs `commit` once for all of them, hands each its result, then makes the next
/// waiter (if any) the leader and returns its own result. So every caller returns only after the
/// batch that contains its item committed, and while one batch commits the next one gathers.
final class GroupCommit<Item: Sendable, Output: Sendable>: Sendable {
    /// Commits a batch; returns one output per item, in order. Throwing fails the whole batch.
    typealias Commit = @Sendable ([Item]) async throws -> [Output]

    /// Counters, for statistics and tests.
    struct Counters: Sendable, Hashable {
        /// Commits run (successful or not).
        var batches = 0
        /// Items in those commits.
        var items = 0
    }

    private enum Signal: Sendable {
        case lead
        case finished(Result<Output, any Error>)
    }

    private struct Waiter: Sendable {
        var ticket: UInt64
        var item: Item
        var continuation: CheckedContinuation<Signal, Never>
    }

    private struct State: Sendable {
        var waiters: [Waiter] = []
        var committing = false
        var held = false
        var nextTicket: UInt64 = 0
        var counters = Counters()
    }

    private let state = Mutex(State())
    private let maximumBatchSize: Int
    private let commit: Commit

    init(maximumBatchSize: Int, commit: @escaping Commit) {
        precondition(maximumBatchSize > 0, "maximumBatchSize must be positive")
        self.maximumBatchSize = maximumBatchSize
        self.commit = commit
    }

    /// Submits one item and returns its output once its batch committed.
    func submit(_ item: Item) async throws -> Output {
        let ticket = state.withLock { state in
            state.nextTicket += 1
            return state.nextTicket
        }
        let signal = await withCheckedContinuation { (continuation: CheckedContinuation<Signal, Never>) in
            state.withLock { state in
                state.waiters.append(Waiter(ticket: ticket, item: item, continuation: continuation))
                Self.electLeaderIfIdle(&state)
            }
        }
        switch signal {
        case .finished(let result):
            return try result.get()
        case .lead:
            return try await lead(ticket: ticket).get()
        }
    }

    /// The counters so far.
    var counters: Counters {
        state.withLock { $0.counters }
    }

    /// The number of submissions waiting for a batch (not yet taken by a leader).
    var waitingCount: Int {
        state.withLock { $0.waiters.count }
    }

    /// Stops starting commits (a running one finishes); submissions queue up. For tests.
    func hold() {
        state.withLock { $0.held = true }
    }

    /// Starts commits again, beginning with everything queued while held. For tests.
    func release() {
        state.withLock { state in
            state.held = false
            Self.electLeaderIfIdle(&state)
        }
    }

    private static func electLeaderIfIdle(_ state: inout State) {
        guard !state.committing, !state.held, let first = state.waiters.first else { return }
        state.committing = true
        first.continuation.resume(returning: .lead)
    }

    private func lead(ticket: UInt64) async -> Result<Output, any Error> {
        let batch = state.withLock { state in
            let count = min(maximumBatchSize, state.waiters.count)
            let batch = Array(state.waiters.prefix(count))
            state.waiters.removeFirst(count)
            state.counters.batches += 1
            state.counters.items += count
            return batch
        }
        let outputs: Result<[Output], any Error>
        do {
            let values = try await commit(batch.map(\.item))
            precondition(values.count == batch.count, "commit must return one output per item")
            outputs = .success(values)
        } catch {
            outputs = .failure(error)
        }
        var own: Result<Output, any Error>?
        for (index, waiter) in batch.enumerated() {
            let result = outputs.map { $0[index] }
            if waiter.ticket == ticket {
                own = result
            } else {
                waiter.continuation.resume(returning: .finished(result))
            }
        }
        state.withLock { state in
            state.committing = false
            Self.electLeaderIfIdle(&state)
        }
        guard let own else {
            preconditionFailure("the leader's own item is always in its batch")
        }
        return own
    }
}
