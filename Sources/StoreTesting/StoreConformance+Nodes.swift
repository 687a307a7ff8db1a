import Foundation
public import Store
import Synchronization

extension StoreConformance {
    /// A check of what several bus nodes sharing one database rely on: it takes one or more
    /// stores open on the *same* data (one per simulated node) and spreads its concurrent callers
    /// over them. With a single store, the callers are concurrent tasks of one process.
    public struct NodesCheck: Sendable, CustomStringConvertible {
        /// What the check proves.
        public var name: String
        /// Runs the check against empty stores that share their data.
        public var run: @Sendable ([any MessageStore]) async throws -> Void

        /// Creates a check.
        public init(_ name: String, run: @escaping @Sendable ([any MessageStore]) async throws -> Void) {
            self.name = name
            self.run = run
        }

        /// The check's name.
        public var description: String { name }
    }

    /// The checks of concurrent callers (routers, workers, intakes) on shared data. Each is also
    /// in ``checks``, run with one store.
    public static let nodesChecks: [NodesCheck] = [
        NodesCheck("per-key order with concurrent workers", run: perKeyOrderWithConcurrentWorkers),
        NodesCheck("copies of a message received at once are stored once", run: concurrentCopiesStoredOnce),
        NodesCheck("a batch routed by two routers at once is routed once", run: concurrentRoutingOnce),
        NodesCheck("an expired head is leased again before its key moves on", run: expiredHeadBlocksItsKey),
    ]

    /// The store a concurrent caller uses: callers take turns over the stores.
    static func shared(_ stores: [any MessageStore], caller: Int) -> any MessageStore {
        stores[caller % stores.count]
    }

    /// Four workers lease (3 at a time) and finish entries of 8 keys and unkeyed ones until the
    /// queue is empty: no two entries of one key are ever leased at once, each key's entries are
    /// finished in enqueue order, and every entry is finished exactly once.
    static func perKeyOrderWithConcurrentWorkers(_ stores: [any MessageStore]) async throws {
        let keys: [String?] = (0..<60).map { $0 % 5 == 4 ? nil : "K\($0 % 8)" }
        let ids = try await enqueue(stores[0], keys: keys)
        let tally = WorkerTally()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                let store = shared(stores, caller: worker)
                group.addTask {
                    var idle = 0
                    while tally.state.withLock({ $0.all.count }) < ids.count {
                        let leases = try await store.lease(destination: "lab", limit: 3, duration: .seconds(30), now: epoch)
                        if leases.isEmpty {
                            idle += 1
                            guard idle < 20_000 else { throw ConformanceFailure("worker \(worker) found nothing to lease for too long") }
                            await Task.yield()
                            continue
                        }
                        idle = 0
                        tally.state.withLock { state in
                            for lease in leases {
                                guard let key = lease.entry.orderingKey else { continue }
                                if !state.held.insert(key).inserted {
                                    state.violations.append("entry \(lease.entry.id) of key \(key) leased while another entry of \(key) was leased")
                                }
                            }
                        }
                        for lease in leases {
                            // The key is released before the entry is finished in the store, so
                            // a lease of the next entry in between would show as a violation.
                            tally.state.withLock { state in
                                if let key = lease.entry.orderingKey {
                                    state.held.remove(key)
                                    state.finished[key, default: []].append(lease.entry.id)
                                }
                                state.all.append(lease.entry.id)
                            }
                            try await store.recordAttempt(report(), for: lease, outcome: .delivered, now: epoch)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let result = tally.state.withLock { $0 }
        try expect(result.violations.isEmpty, "per-key exclusivity: \(result.violations.prefix(3))")
        try expectEqual(result.all.count, ids.count, "every entry finished exactly once")
        try expectEqual(Set(result.all), Set(ids), "the finished entries are the enqueued ones")
        for key in Set(keys.compactMap { $0 }) {
            let expected = zip(ids, keys).filter { $0.1 == key }.map(\.0)
            try expectEqual(result.finished[key] ?? [], expected, "key \(key) finished in enqueue order")
        }
    }

    /// Four control IDs, six copies of each received at the same time (over the stores): one
    /// copy of each is stored, the others are duplicates of it, counted as retransmissions.
    static func concurrentCopiesStoredOnce(_ stores: [any MessageStore]) async throws {
        let results = try await withThrowingTaskGroup(of: (String, ReceiveResult).self) { group in
            for copy in 0..<6 {
                for controlID in ["D0", "D1", "D2", "D3"] {
                    let store = shared(stores, caller: copy)
                    group.addTask {
                        (controlID, try await store.receive(incoming(controlID: controlID), deduplicationWindow: window))
                    }
                }
            }
            var results: [(String, ReceiveResult)] = []
            for try await result in group { results.append(result) }
            return results
        }
        for controlID in ["D0", "D1", "D2", "D3"] {
            let own = results.filter { $0.0 == controlID }.map(\.1)
            let stored = own.compactMap { result -> MessageID? in
                if case .stored(let id) = result { return id }
                return nil
            }
            try expectEqual(stored.count, 1, "copies of \(controlID) stored")
            try expect(own.allSatisfy { $0.messageID == stored[0] }, "every copy of \(controlID) names the stored one")
            try expectEqual(try await stores[0].message(stored[0])?.retransmissionCount, 5, "retransmissions of \(controlID)")
        }
        try expectEqual(try await stores[0].pendingRouting(limit: 100).count, 4, "one message per control ID waits for routing")
    }

    /// Three routers read the same 20 waiting messages and route them as one batch each, at the
    /// same time: every message gets exactly one entry, the entries follow the messages' order,
    /// and a router that lost the race gets ``StoreError/Code/invalidState`` (the bus then routes
    /// its batch one by one, skipping what is routed).
    static func concurrentRoutingOnce(_ stores: [any MessageStore]) async throws {
        var messages: [MessageID] = []
        for index in 0..<20 {
            messages.append(try await stores[0].receive(incoming(controlID: "R\(index)"), deduplicationWindow: .zero).messageID)
        }
        let pending = try await stores[0].pendingRouting(limit: 100).map(\.id)
        try expectEqual(pending, messages, "waiting messages in arrival order")
        let batch = pending.map { RoutingDecision(message: $0, entries: [RouteEntry(destination: "lab", orderingKey: "P1")]) }
        let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
            for router in 0..<3 {
                let store = shared(stores, caller: router)
                group.addTask {
                    do {
                        try await store.route(batch, now: epoch)
                        return "routed"
                    } catch let error as StoreError {
                        return "\(error.code)"
                    }
                }
            }
            var outcomes: [String] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        try expectEqual(outcomes.filter { $0 == "routed" }.count, 1, "routers that routed the batch (\(outcomes))")
        try expectEqual(outcomes.filter { $0 == "\(StoreError.Code.invalidState)" }.count, 2, "routers that found it routed (\(outcomes))")
        var entries: [EntryID] = []
        for id in messages {
            let own = try await stores[0].entries(of: id)
            try expectEqual(own.count, 1, "entries of message \(id)")
            entries += own.map(\.id)
        }
        try expectEqual(entries, entries.sorted(), "entries follow the messages' order")
    }

    /// A worker leases the head of a key and dies: the next entry of the key waits until the head
    /// is leased again (after its lease expires) and finished, even when other callers look.
    static func expiredHeadBlocksItsKey(_ stores: [any MessageStore]) async throws {
        let ids = try await enqueue(stores[0], keys: ["A", "A", "B"])
        let dead = try await shared(stores, caller: 0).lease(destination: "lab", limit: 10, duration: .seconds(30), now: epoch)
        try expectEqual(dead.map(\.entry.id), [ids[0], ids[2]], "the heads of A and B")
        let other = shared(stores, caller: 1)
        try expectEqual(try await leasedIDs(other, seconds: 29), [], "nothing leasable before the lease expires")
        let again = try await other.lease(destination: "lab", limit: 10, duration: .seconds(30), now: epoch.addingTimeInterval(30))
        try expectEqual(again.map(\.entry.id), [ids[0], ids[2]], "the expired heads, not the next entry of A")
        try expectEqual(try await leasedIDs(other, seconds: 31), [], "A's next entry waits for its head")
        try await other.recordAttempt(report(), for: again[0], outcome: .delivered, now: epoch.addingTimeInterval(31))
        try expectEqual(try await leasedIDs(shared(stores, caller: 2), seconds: 32), [ids[1]], "then A moves on")
        try await expectStoreError(.leaseLost) {
            try await shared(stores, caller: 0).recordAttempt(report(), for: dead[0], outcome: .delivered, now: epoch.addingTimeInterval(40))
        }
    }
}

/// What the workers of ``StoreConformance/perKeyOrderWithConcurrentWorkers(_:)`` saw.
private final class WorkerTally: Sendable {
    struct State: Sendable {
        /// The keys with a leased entry.
        var held: Set<String> = []
        /// Finished entries per key, in the order they were finished.
        var finished: [String: [EntryID]] = [:]
        /// Every finished entry.
        var all: [EntryID] = []
        /// Entries leased while another entry of their key was.
        var violations: [String] = []
    }
    let state = Mutex(State())
}
