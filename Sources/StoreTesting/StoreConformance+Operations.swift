import Foundation
import Store

extension StoreConformance {
    /// The operations checks: discard, pause/resume, activity, accounts and sessions.
    static let operationsChecks: [Check] = [
        Check("discard a pending entry or a dead letter", run: discardEntries),
        Check("a paused destination leases nothing, for every node", run: pauseAndResume),
        Check("activity: received, delivered, failed and latency per bucket and destination", run: activityBuckets),
        Check("accounts: create, update, delete; sessions expire and end with the account", run: accountsAndSessions),
    ]

    static func discardEntries(_ store: any MessageStore) async throws {
        let ids = try await enqueue(store, keys: ["K", "K", nil, nil])
        // ids[0] leased, ids[1] waits behind it on key K, ids[2] dead letter, ids[3] pending.
        let leases = try await store.lease(destination: "lab", limit: 10, duration: .seconds(30), now: epoch)
        try expectEqual(leases.map(\.entry.id), [ids[0], ids[2], ids[3]], "leased")
        try await store.recordAttempt(report(code: "AR"), for: leases[1], outcome: .deadLetter(reason: "AR"), now: epoch)
        try await store.recordAttempt(nil, for: leases[2], outcome: .retry(notBefore: epoch), now: epoch)
        try await expectStoreError(.invalidState) { try await store.discard(entry: ids[0], now: epoch) }
        try await expectStoreError(.notFound) { try await store.discard(entry: EntryID(rawValue: 999_999), now: epoch) }
        try await store.discard(entry: ids[2], now: epoch.addingTimeInterval(1))
        try await store.discard(entry: ids[3], now: epoch.addingTimeInterval(1))
        try await expectStoreError(.invalidState) { try await store.discard(entry: ids[3], now: epoch) }
        try expectEqual(try await store.entry(ids[2])?.state, .discarded, "dead letter discarded")
        try expectEqual(try await store.entry(ids[3])?.state, .discarded, "pending entry discarded")
        try expectEqual(try await leasedIDs(store, seconds: 60), [ids[0]], "a discarded entry is never leased (the expired lease is)")
        try expectEqual(
            try await store.deadLetters(destination: "lab", includingReplayed: true, after: nil, limit: 10).count, 0, "no longer a dead letter")
        let depths = try await store.queueDepths().filter { $0.destination == "lab" && $0.count > 0 }
        try expectEqual(depths.first { $0.state == .discarded }?.count, 2, "queue depth counts discarded entries")
        // A discarded entry can be sent after all: replay.
        let replay = try await store.replay(entry: ids[3], now: epoch.addingTimeInterval(2))
        try expectEqual(try await store.entry(replay)?.state, .pending, "replay of a discarded entry")
    }

    static func pauseAndResume(_ store: any MessageStore) async throws {
        let ids = try await enqueue(store, keys: [nil, nil])
        try await store.pause(destination: "lab", by: "user:lan", now: epoch)
        try await store.pause(destination: "lab", by: "user:minh", now: epoch.addingTimeInterval(5))
        try expectEqual(
            try await store.pausedDestinations(), [DestinationPause(destination: "lab", pausedBy: "user:lan", pausedAt: epoch)],
            "the first pause is kept")
        try expectEqual(try await leasedIDs(store), [], "paused: nothing leased")
        try expectEqual(try await leasedIDs(store, destination: "ris"), [], "other destinations unaffected (empty)")
        try expectEqual(try await store.entry(ids[0])?.state, .pending, "queue kept")
        try expect(try await store.resume(destination: "lab"), "resume reports the pause")
        try expect(!(try await store.resume(destination: "lab")), "second resume: not paused")
        try expectEqual(try await store.pausedDestinations(), [], "no pauses")
        try expectEqual(try await leasedIDs(store), ids, "resumed: leased in order")
    }

    static func activityBuckets(_ store: any MessageStore) async throws {
        // Two messages in the first minute, one in the second; attempts end in minutes 0, 1, 1, 2.
        var messages: [MessageID] = []
        for (index, seconds) in [10.0, 20, 70].enumerated() {
            messages.append(try await store.receive(incoming(controlID: "A\(index)", seconds: seconds), deduplicationWindow: .zero).messageID)
        }
        // A rejected message on another channel, in the second minute.
        _ = try await store.receive(incoming(controlID: "R0", channel: "ris-in", seconds: 65, rejection: .invalid), deduplicationWindow: .zero)
        var entries: [EntryID] = []
        for (index, message) in messages.enumerated() {
            entries += try await store.route(
                message, entries: [RouteEntry(destination: index == 2 ? "ris" : "lab")], now: epoch.addingTimeInterval(30))
        }
        func attempt(_ destination: String, start: Double, milliseconds: Int, outcome: AttemptOutcome) async throws {
            let lease = try await store.lease(destination: destination, limit: 1, duration: .seconds(30), now: epoch.addingTimeInterval(start))[0]
            let report = AttemptReport(
                startedAt: epoch.addingTimeInterval(start), duration: .milliseconds(milliseconds), responseCode: "AA", response: nil, error: nil)
            try await store.recordAttempt(report, for: lease, outcome: outcome, now: epoch.addingTimeInterval(start))
        }
        // lab: message 0 fails at 0:50, delivered at 1:40 (latency 90 s); message 1 delivered at 1:45 (85 s);
        // ris: message 2 delivered at 2:10 (60 s).
        try await attempt("lab", start: 49.5, milliseconds: 500, outcome: .retry(notBefore: epoch.addingTimeInterval(99)))
        try await attempt("lab", start: 99.5, milliseconds: 500, outcome: .delivered)
        try await attempt("lab", start: 104.5, milliseconds: 500, outcome: .delivered)
        try await attempt("ris", start: 129.5, milliseconds: 500, outcome: .delivered)

        let activity = try await store.activity(from: epoch, to: epoch.addingTimeInterval(180), bucket: .seconds(60))
        try expectEqual(activity.buckets.map(\.start), [epoch, epoch.addingTimeInterval(60), epoch.addingTimeInterval(120)], "three minutes")
        try expectEqual(activity.buckets.map(\.received), [2, 2, 0], "received per minute")
        try expectEqual(activity.buckets.map(\.delivered), [0, 2, 1], "delivered per minute")
        try expectEqual(activity.buckets.map(\.failed), [1, 0, 0], "failed per minute")
        try expectEqual(activity.buckets[0].latencyMedian, nil, "no latency without deliveries")
        try expectEqual(activity.buckets[1].latencyMedian, .seconds(85), "median of 85 s and 90 s (nearest rank)")
        try expectEqual(activity.buckets[1].latency95, .seconds(90), "95th percentile")
        try expectEqual(activity.buckets[2].latencyMedian, .seconds(60), "ris latency")
        try expectEqual(activity.destinations["lab"], StoreActivity.Destination(delivered: 2, failed: 1), "lab over the range")
        try expectEqual(activity.destinations["ris"], StoreActivity.Destination(delivered: 1, failed: 0), "ris over the range")
        try expectEqual(activity.destinations["lab"]?.errorRate, 1.0 / 3, "error rate")
        try expect(!activity.latencySampled, "every latency read")
        try expectEqual(
            activity.channels, ["his": StoreActivity.Channel(received: 3), "ris-in": StoreActivity.Channel(received: 1, rejected: 1)], "per channel")
        let counts = try await store.activity(from: epoch, to: epoch.addingTimeInterval(180), bucket: .seconds(60), latencies: false)
        try expectEqual(counts.buckets.map(\.delivered), [0, 2, 1], "counts without latencies")
        try expectEqual(counts.buckets.compactMap(\.latencyMedian), [], "no latencies read")
        // A range that starts later leaves the earlier messages and attempts out.
        let later = try await store.activity(from: epoch.addingTimeInterval(60), to: epoch.addingTimeInterval(120), bucket: .seconds(30))
        try expectEqual(later.buckets.map(\.received), [2, 0], "received from 1:00")
        try expectEqual(later.buckets.map(\.delivered), [0, 2], "delivered from 1:00")
        try expectEqual(later.destinations["ris"], nil, "ris delivered after the range")
        try await expectStoreError(.invalidArgument) { _ = try await store.activity(from: epoch, to: epoch, bucket: .seconds(60)) }
        try await expectStoreError(.invalidArgument) {
            _ = try await store.activity(from: epoch, to: epoch.addingTimeInterval(86_400 * 2), bucket: .seconds(60))
        }
    }

    static func accountsAndSessions(_ store: any MessageStore) async throws {
        guard let accounts = store as? any AccountStore else { throw ConformanceFailure("the store keeps no accounts (AccountStore)") }
        let lan = Account(name: "lan", role: "operator", passwordHash: "scrypt$test$1", createdAt: epoch)
        try await accounts.createAccount(lan)
        try await accounts.createAccount(Account(name: "an", role: "viewer", passwordHash: "scrypt$test$2", createdAt: epoch))
        try await expectStoreError(.invalidState) { try await accounts.createAccount(lan) }
        try expectEqual(try await accounts.account(named: "lan"), lan, "read back")
        try expectEqual(try await accounts.accounts().map(\.name), ["an", "lan"], "by name")
        try expectEqual(try await accounts.account(named: "nobody"), nil, "unknown")

        let session = AccountSession(tokenHash: "h1", account: "lan", createdAt: epoch, expiresAt: epoch.addingTimeInterval(3600))
        try await accounts.createSession(session)
        try await expectStoreError(.notFound) {
            try await accounts.createSession(AccountSession(tokenHash: "h0", account: "nobody", createdAt: epoch, expiresAt: epoch.addingTimeInterval(60)))
        }
        let found = try await accounts.session(tokenHash: "h1", now: epoch.addingTimeInterval(10))
        try expectEqual(found?.session, session, "session found")
        try expectEqual(found?.account, lan, "with its account")
        try expect(try await accounts.session(tokenHash: "h1", now: epoch.addingTimeInterval(3600)) == nil, "expired at its end")
        try expect(try await accounts.session(tokenHash: "h2", now: epoch) == nil, "unknown token")

        // A new password (or role) ends the account's sessions.
        try await accounts.updateAccount(named: "lan", role: nil, passwordHash: "scrypt$test$3", now: epoch.addingTimeInterval(20))
        try expect(try await accounts.session(tokenHash: "h1", now: epoch.addingTimeInterval(30)) == nil, "session ended by a password change")
        let updated = try await accounts.account(named: "lan")
        try expectEqual(updated?.role, "operator", "role kept")
        try expectEqual(updated?.passwordHash, "scrypt$test$3", "password changed")
        try expectEqual(updated?.updatedAt, epoch.addingTimeInterval(20), "update time")
        try await expectStoreError(.notFound) { try await accounts.updateAccount(named: "nobody", role: "admin", passwordHash: nil, now: epoch) }

        try await accounts.createSession(AccountSession(tokenHash: "h3", account: "lan", createdAt: epoch, expiresAt: epoch.addingTimeInterval(60)))
        try await accounts.createSession(AccountSession(tokenHash: "h4", account: "an", createdAt: epoch, expiresAt: epoch.addingTimeInterval(7200)))
        try await accounts.createSession(AccountSession(tokenHash: "h5", account: "an", createdAt: epoch, expiresAt: epoch.addingTimeInterval(7200)))
        try expectEqual(try await accounts.deleteExpiredSessions(now: epoch.addingTimeInterval(120)), 1, "one expired session deleted")
        try expect(try await accounts.deleteSession(tokenHash: "h5"), "logout")
        try expect(!(try await accounts.deleteSession(tokenHash: "h5")), "second logout: none")
        try await accounts.deleteAccount(named: "an")
        try expect(try await accounts.session(tokenHash: "h4", now: epoch) == nil, "sessions end with the account")
        try await expectStoreError(.notFound) { try await accounts.deleteAccount(named: "an") }
        try expectEqual(try await accounts.accounts().map(\.name), ["lan"], "one account left")
    }
}
