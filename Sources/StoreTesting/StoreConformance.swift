public import Foundation
public import Store

/// The behaviour every ``MessageStore`` must show, written against the protocol only, so each
/// implementation (SQLite, PostgreSQL) runs the very same checks.
///
/// Each check gets a fresh, empty store and throws ``ConformanceFailure`` (or the store's error)
/// when the store misbehaves. With Swift Testing, one parameterised test runs them all:
/// ```swift
/// @Test(arguments: StoreConformance.checks)
/// func conformance(_ check: StoreConformance.Check) async throws {
///     let store = try makeEmptyStore()
///     try await check.run(store)
/// }
/// ```
public enum StoreConformance {
    /// One named check.
    public struct Check: Sendable, CustomStringConvertible {
        /// What the check proves, e.g. `lease exclusivity`.
        public var name: String
        /// Runs the check against an empty store.
        public var run: @Sendable (any MessageStore) async throws -> Void

        /// Creates a check.
        public init(_ name: String, run: @escaping @Sendable (any MessageStore) async throws -> Void) {
            self.name = name
            self.run = run
        }

        /// The check's name.
        public var description: String { name }
    }

    /// Every check (``nodesChecks`` included, with one store).
    public static let checks: [Check] = [
        Check("receive and get", run: receiveAndGet),
        Check("the format is kept with the message and its leases", run: formatKept),
        Check("search messages", run: searchMessages),
        Check("duplicate inside the window", run: duplicateInsideWindow),
        Check("no duplicate outside the window or across senders", run: noDuplicateOutsideWindow),
        Check("rejected messages are never routed", run: rejectedNeverRouted),
        Check("route creates entries atomically", run: routeCreatesEntries),
        Check("route in batches", run: routeInBatches),
        Check("lease exclusivity under concurrency", run: leaseExclusivity),
        Check("an expired lease is leasable again", run: leaseExpiry),
        Check("FIFO per key, other keys in parallel", run: fifoPerKey),
        Check("retry keeps the key blocked, dead letter releases it", run: retryBlocksDeadLetterReleases),
        Check("attempts history and lost leases", run: attemptsHistory),
        Check("replay a dead letter", run: replayDeadLetter),
        Check("replay a message", run: replayMessage),
        Check("mapped entries: payload format, mapping, dead letter at enqueue", run: mappedEntries),
        Check("queue depths", run: queueDepths),
    ] + operationsChecks + nodesChecks.map { check in Check(check.name) { store in try await check.run([store]) } }

    // MARK: Fixtures

    /// A fixed start time for the checks' clock.
    public static let epoch = Date(timeIntervalSince1970: 1_750_000_000)

    /// An incoming ADT^A01 with the given control ID, `seconds` after ``epoch``.
    public static func incoming(
        controlID: String,
        channel: String = "his",
        application: String = "HIS",
        facility: String = "BVCR",
        patientID: String = "P1",
        seconds: Double = 0,
        rejection: RejectionReason? = nil
    ) -> IncomingMessage {
        let text = "MSH|^~\\&|\(application)|\(facility)|LIS|LAB|20250101||ADT^A01|\(controlID)|P|2.5\rPID|||\(patientID)\r"
        return IncomingMessage(
            channel: channel,
            raw: Array(text.utf8),
            header: MessageHeader(
                messageType: "ADT",
                triggerEvent: "A01",
                controlID: controlID,
                sendingApplication: application,
                sendingFacility: facility,
                patientID: patientID
            ),
            receivedAt: epoch.addingTimeInterval(seconds),
            rejection: rejection
        )
    }

    static let window = Duration.seconds(3600)

    /// Receives and routes one message per key to `destination`; returns the entry IDs in order.
    static func enqueue(_ store: any MessageStore, keys: [String?], destination: String = "lab") async throws -> [EntryID] {
        var ids: [EntryID] = []
        for (index, key) in keys.enumerated() {
            let id = try await store.receive(incoming(controlID: "C\(index)"), deduplicationWindow: .zero).messageID
            ids += try await store.route(id, entries: [RouteEntry(destination: destination, orderingKey: key)], now: epoch)
        }
        return ids
    }

    static func leasedIDs(_ store: any MessageStore, limit: Int = 100, seconds: Double = 0, destination: String = "lab") async throws -> [EntryID] {
        try await store.lease(destination: destination, limit: limit, duration: .seconds(30), now: epoch.addingTimeInterval(seconds))
            .map(\.entry.id)
    }

    static func report(seconds: Double = 1, code: String? = "AA", error: String? = nil) -> AttemptReport {
        AttemptReport(
            startedAt: epoch.addingTimeInterval(seconds),
            duration: .milliseconds(12),
            responseCode: code,
            response: code.map { Array("MSH|^~\\&|||||||ACK||P|2.5\rMSA|\($0)|C0\r".utf8) },
            error: error
        )
    }

    static func expectStoreError(
        _ code: StoreError.Code,
        file: String = #fileID,
        line: Int = #line,
        _ body: () async throws -> Void
    ) async throws {
        do {
            try await body()
        } catch let error as StoreError {
            try expectEqual(error.code, code, "error code", file: file, line: line)
            return
        }
        throw ConformanceFailure("expected StoreError \(code), nothing was thrown", file: file, line: line)
    }

    // MARK: Checks

    static func receiveAndGet(_ store: any MessageStore) async throws {
        let incoming = incoming(controlID: "MSG1", seconds: 1.5)
        guard case .stored(let id) = try await store.receive(incoming, deduplicationWindow: window) else {
            throw ConformanceFailure("first receive must store")
        }
        guard let stored = try await store.message(id) else { throw ConformanceFailure("stored message not found") }
        try expectEqual(stored.raw, incoming.raw, "raw bytes")
        try expectEqual(stored.header, incoming.header, "header")
        try expectEqual(stored.channel, "his", "channel")
        try expectEqual(stored.receivedAt, incoming.receivedAt, "receivedAt")
        try expectEqual(stored.state, .received, "state")
        try expectEqual(stored.retransmissionCount, 0, "retransmissions")
        let second = try await store.receive(Self.incoming(controlID: "MSG2", seconds: 2), deduplicationWindow: window)
        try expect(second.messageID > id, "IDs grow in arrival order")
        try expect(try await store.message(MessageID(rawValue: 999_999)) == nil, "unknown ID gives nil")
        try expectEqual(try await store.pendingRouting(limit: 10).map(\.id), [id, second.messageID], "pending routing order")
        try expectEqual(try await store.pendingRouting(limit: 1).map(\.id), [id], "pending routing limit")
    }

    static func formatKept(_ store: any MessageStore) async throws {
        var fhir = incoming(controlID: "urn:uuid:1", seconds: 1)
        fhir.raw = Array(#"{"resourceType":"Bundle","type":"message"}"#.utf8)
        fhir.format = .fhirJSON
        let hl7 = try await store.receive(incoming(controlID: "F1"), deduplicationWindow: window).messageID
        let json = try await store.receive(fhir, deduplicationWindow: window).messageID
        try expectEqual(try await store.message(hl7)?.format, .hl7v2, "an HL7 v2 message's format")
        try expectEqual(try await store.message(json)?.format, .fhirJSON, "a FHIR message's format")
        try expectEqual(try await store.pendingRouting(limit: 10).map(\.format), [.hl7v2, .fhirJSON], "formats of messages waiting for routing")
        try await store.route([RoutingDecision(message: hl7, entries: [RouteEntry(destination: "lab")]),
                               RoutingDecision(message: json, entries: [RouteEntry(destination: "lab")])], now: epoch)
        let leases = try await store.lease(destination: "lab", limit: 10, duration: .seconds(30), now: epoch.addingTimeInterval(2))
        try expectEqual(leases.map(\.format), [.hl7v2, .fhirJSON], "formats of leased entries")
        try expectEqual(leases.last?.payload, fhir.raw, "a FHIR message's leased bytes")
    }

    static func searchMessages(_ store: any MessageStore) async throws {
        let a = try await store.receive(incoming(controlID: "S1", patientID: "P1", seconds: 0), deduplicationWindow: .zero).messageID
        let b = try await store.receive(incoming(controlID: "S2", patientID: "P2", seconds: 10), deduplicationWindow: .zero).messageID
        let c = try await store.receive(incoming(controlID: "S3", channel: "lab", patientID: "P1", seconds: 20), deduplicationWindow: .zero).messageID
        let d = try await store.receive(incoming(controlID: "S4", patientID: "P1", seconds: 30, rejection: .invalid), deduplicationWindow: .zero).messageID
        try await store.route(b, entries: [], now: epoch)
        func search(_ query: MessageQuery, after: MessageID? = nil, limit: Int = 10) async throws -> [MessageID] {
            try await store.messages(matching: query, after: after, limit: limit).map(\.id)
        }
        try expectEqual(try await search(MessageQuery()), [a, b, c, d], "everything in arrival order")
        try expectEqual(try await search(MessageQuery(patientID: "P1")), [a, c, d], "by patient")
        try expectEqual(try await search(MessageQuery(channel: "his", patientID: "P1")), [a, d], "by channel and patient")
        try expectEqual(try await search(MessageQuery(controlID: "S2")), [b], "by control ID")
        try expectEqual(try await search(MessageQuery(state: .filtered)), [b], "by state")
        try expectEqual(try await search(MessageQuery(state: .rejected)), [d], "rejected")
        try expectEqual(try await search(MessageQuery(messageType: "ADT", triggerEvent: "A01", sendingApplication: "HIS", sendingFacility: "BVCR")).count, 4, "by header")
        try expectEqual(try await search(MessageQuery(messageType: "ORU")), [], "no match")
        try expectEqual(
            try await search(MessageQuery(receivedFrom: epoch.addingTimeInterval(10), receivedBefore: epoch.addingTimeInterval(30))),
            [b, c],
            "time range is inclusive-exclusive"
        )
        try expectEqual(try await search(MessageQuery(), limit: 2), [a, b], "first page")
        try expectEqual(try await search(MessageQuery(), after: b, limit: 2), [c, d], "second page")
    }

    static func duplicateInsideWindow(_ store: any MessageStore) async throws {
        let first = try await store.receive(incoming(controlID: "DUP"), deduplicationWindow: window)
        let again = try await store.receive(incoming(controlID: "DUP", seconds: 3599), deduplicationWindow: window)
        try expectEqual(again, .duplicate(of: first.messageID), "retransmission inside the window")
        try expectEqual(try await store.pendingRouting(limit: 10).count, 1, "one copy to route")
        try expectEqual(try await store.message(first.messageID)?.retransmissionCount, 1, "retransmission recorded")
    }

    static func noDuplicateOutsideWindow(_ store: any MessageStore) async throws {
        let first = try await store.receive(incoming(controlID: "DUP"), deduplicationWindow: window)
        let late = try await store.receive(incoming(controlID: "DUP", seconds: 3601), deduplicationWindow: window)
        try expect(late != .duplicate(of: first.messageID), "outside the window is a new message")
        let otherFacility = try await store.receive(incoming(controlID: "DUP", facility: "OTHER", seconds: 10), deduplicationWindow: window)
        try expect(otherFacility.messageID != first.messageID, "another facility is another message")
        let otherApplication = try await store.receive(incoming(controlID: "DUP", application: "RIS", seconds: 10), deduplicationWindow: window)
        try expect(otherApplication.messageID != first.messageID, "another application is another message")
        let noWindow = try await store.receive(incoming(controlID: "DUP", seconds: 11), deduplicationWindow: .zero)
        guard case .stored = noWindow else { throw ConformanceFailure("a zero window stores every message") }
        try expectEqual(try await store.pendingRouting(limit: 10).count, 5, "all stored for routing")
    }

    static func rejectedNeverRouted(_ store: any MessageStore) async throws {
        let bad = incoming(controlID: "BAD", rejection: .unparsable)
        let first = try await store.receive(bad, deduplicationWindow: window)
        let second = try await store.receive(bad, deduplicationWindow: window)
        guard case .stored(let id) = first, case .stored(let id2) = second else {
            throw ConformanceFailure("rejected input is always stored")
        }
        try expect(id != id2, "rejected input is not deduplicated")
        let stored = try await store.message(id)
        try expectEqual(stored?.state, .rejected, "state")
        try expectEqual(stored?.rejection, .unparsable, "reason")
        try expectEqual(stored?.raw, bad.raw, "raw kept")
        try expect(try await store.pendingRouting(limit: 10).isEmpty, "rejected messages are not pending routing")
        // A good message with the same control ID is not a duplicate of a rejected one.
        guard case .stored = try await store.receive(incoming(controlID: "BAD"), deduplicationWindow: window) else {
            throw ConformanceFailure("a rejected message does not count for deduplication")
        }
        try await expectStoreError(.invalidState) {
            try await store.route(id, entries: [RouteEntry(destination: "lab")], now: epoch)
        }
        try await expectStoreError(.invalidState) {
            try await store.replay(message: id, to: .destination("lab"), now: epoch)
        }
        try expect(try await store.entries(of: id).isEmpty, "no entries for a rejected message")
    }

    static func routeCreatesEntries(_ store: any MessageStore) async throws {
        let id = try await store.receive(incoming(controlID: "R1"), deduplicationWindow: window).messageID
        let payload: [UInt8] = Array("transformed".utf8)
        let entries = try await store.route(
            id,
            entries: [
                RouteEntry(destination: "lab", orderingKey: "P1"),
                RouteEntry(destination: "ris", payload: payload),
            ],
            now: epoch
        )
        try expectEqual(entries.count, 2, "one entry per destination")
        try expectEqual(try await store.message(id)?.state, .routed, "message routed")
        try expect(try await store.pendingRouting(limit: 10).isEmpty, "routed is no longer pending")
        let stored = try await store.entries(of: id)
        try expectEqual(stored.map(\.id), entries, "entries of the message")
        try expectEqual(stored.map(\.destination), ["lab", "ris"], "destinations")
        try expectEqual(stored.map(\.orderingKey), ["P1", nil], "keys")
        try expect(stored.allSatisfy { $0.state == .pending && !$0.isReplay && $0.attemptCount == 0 }, "new entries are pending")
        let risLease = try await store.lease(destination: "ris", limit: 10, duration: .seconds(30), now: epoch)
        try expectEqual(risLease.first?.payload, payload, "payload overrides raw")
        let labLease = try await store.lease(destination: "lab", limit: 10, duration: .seconds(30), now: epoch)
        try expectEqual(labLease.first?.payload, try await store.message(id)?.raw, "raw delivered without payload")
        try expectEqual(labLease.first?.header.controlID, "R1", "lease carries the header")
        try await expectStoreError(.invalidState) {
            try await store.route(id, entries: [RouteEntry(destination: "lab")], now: epoch)
        }
        try await expectStoreError(.notFound) {
            try await store.route(MessageID(rawValue: 999_999), entries: [], now: epoch)
        }
        let filtered = try await store.receive(incoming(controlID: "R2"), deduplicationWindow: window).messageID
        try expectEqual(try await store.route(filtered, entries: [], now: epoch), [], "no entries")
        try expectEqual(try await store.message(filtered)?.state, .filtered, "no destination means filtered")
    }

    static func routeInBatches(_ store: any MessageStore) async throws {
        var ids: [MessageID] = []
        for index in 0..<3 {
            ids.append(try await store.receive(incoming(controlID: "B\(index)"), deduplicationWindow: .zero).messageID)
        }
        let results = try await store.route([
            RoutingDecision(message: ids[0], entries: [RouteEntry(destination: "lab", orderingKey: "P1"), RouteEntry(destination: "ris")]),
            RoutingDecision(message: ids[1], entries: []),
            RoutingDecision(message: ids[2], entries: [RouteEntry(destination: "lab")]),
        ], now: epoch)
        try expect(results.map(\.count) == [2, 0, 1], "one result per message, one ID per entry: \(results)")
        try expect(try await store.message(ids[0])?.state == .routed, "the first message is routed")
        try expect(try await store.message(ids[1])?.state == .filtered, "a message without entries is filtered")
        let lab = try await store.entries(destination: "lab", state: nil, after: nil, limit: 10)
        try expect(lab.map(\.messageID) == [ids[0], ids[2]], "entries in batch order")
        try expect(lab.first?.orderingKey == "P1", "the ordering key is kept")
        try expect(try await store.pendingRouting(limit: 10).isEmpty, "nothing waits after the batch")
        // A batch naming a message that is no longer waiting fails, and routes nothing of it.
        let fresh = try await store.receive(incoming(controlID: "B9"), deduplicationWindow: .zero).messageID
        try await expectStoreError(.invalidState) {
            try await store.route([RoutingDecision(message: fresh, entries: []), RoutingDecision(message: ids[0], entries: [])], now: epoch)
        }
        try expect(try await store.message(ids[0])?.state == .routed, "a failed batch leaves a routed message as it was")
        try expect(try await store.entries(of: ids[0]).count == 2, "and adds no entries to it")
    }

    static func leaseExclusivity(_ store: any MessageStore) async throws {
        let all = try await enqueue(store, keys: Array(repeating: nil, count: 40))
        let leased = try await withThrowingTaskGroup(of: [EntryID].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var mine: [EntryID] = []
                    while true {
                        let batch = try await leasedIDs(store, limit: 3)
                        if batch.isEmpty { return mine }
                        mine += batch
                    }
                }
            }
            var leased: [EntryID] = []
            for try await batch in group { leased += batch }
            return leased
        }
        try expectEqual(leased.count, all.count, "every entry leased exactly once")
        try expectEqual(Set(leased), Set(all), "the leased entries are the enqueued ones")
    }

    static func leaseExpiry(_ store: any MessageStore) async throws {
        let ids = try await enqueue(store, keys: [nil])
        let first = try await store.lease(destination: "lab", limit: 10, duration: .seconds(30), now: epoch)
        try expectEqual(first.map(\.entry.id), ids, "leased")
        try expectEqual(first.first?.expiresAt, epoch.addingTimeInterval(30), "expiry")
        try expectEqual(try await leasedIDs(store, seconds: 29), [], "not leasable before expiry")
        let second = try await store.lease(destination: "lab", limit: 10, duration: .seconds(30), now: epoch.addingTimeInterval(30))
        try expectEqual(second.map(\.entry.id), ids, "leasable again at expiry")
        try expect(second[0].token != first[0].token, "a new lease has a new token")
        try await expectStoreError(.leaseLost) {
            try await store.recordAttempt(report(), for: first[0], outcome: .delivered, now: epoch.addingTimeInterval(31))
        }
        try await store.recordAttempt(report(), for: second[0], outcome: .delivered, now: epoch.addingTimeInterval(31))
        try expectEqual(try await store.entry(ids[0])?.state, .delivered, "delivered by the second lease")
        try expectEqual(try await leasedIDs(store, seconds: 100), [], "delivered is never leased again")
    }

    static func fifoPerKey(_ store: any MessageStore) async throws {
        // A1 B1 A2 N1 B2 A3 (N = no key)
        let ids = try await enqueue(store, keys: ["A", "B", "A", nil, "B", "A"])
        let (a1, b1, a2, n1, b2, a3) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5])
        let first = try await store.lease(destination: "lab", limit: 10, duration: .seconds(30), now: epoch)
        try expectEqual(first.map(\.entry.id), [a1, b1, n1], "heads of each key and unkeyed entries")
        try expectEqual(try await leasedIDs(store), [], "the rest waits behind leased heads")
        let b1Lease = first[1]
        try await store.recordAttempt(report(), for: b1Lease, outcome: .delivered, now: epoch.addingTimeInterval(1))
        try expectEqual(try await leasedIDs(store, seconds: 1), [b2], "B advances, A still blocked")
        try await store.recordAttempt(report(), for: first[0], outcome: .delivered, now: epoch.addingTimeInterval(2))
        try expectEqual(try await leasedIDs(store, seconds: 2), [a2], "A advances one at a time")
        try expectEqual(try await store.entries(destination: "lab", state: .pending, after: nil, limit: 10).map(\.id), [a3], "A3 pending")
        try expectEqual(try await store.entries(destination: "other", state: nil, after: nil, limit: 10).count, 0, "destinations are separate")
    }

    static func retryBlocksDeadLetterReleases(_ store: any MessageStore) async throws {
        let ids = try await enqueue(store, keys: ["A", "A", "B"])
        var leases = try await store.lease(destination: "lab", limit: 10, duration: .seconds(30), now: epoch)
        try expectEqual(leases.map(\.entry.id), [ids[0], ids[2]], "heads of A and B")
        try await store.recordAttempt(report(), for: leases[1], outcome: .delivered, now: epoch)
        try await store.recordAttempt(
            report(code: "AE"),
            for: leases[0],
            outcome: .retry(notBefore: epoch.addingTimeInterval(60)),
            now: epoch.addingTimeInterval(1)
        )
        let retrying = try await store.entry(ids[0])
        try expectEqual(retrying?.state, .pending, "retrying entry is pending")
        try expectEqual(retrying?.availableAt, epoch.addingTimeInterval(60), "not before")
        try expectEqual(try await leasedIDs(store, seconds: 59), [], "retrying head blocks its key and is not due")
        leases = try await store.lease(destination: "lab", limit: 10, duration: .seconds(30), now: epoch.addingTimeInterval(60))
        try expectEqual(leases.map(\.entry.id), [ids[0]], "due again at notBefore, still ahead of its key")
        try await store.recordAttempt(
            report(seconds: 60, code: "AR"),
            for: leases[0],
            outcome: .deadLetter(reason: "rejected by destination"),
            now: epoch.addingTimeInterval(61)
        )
        let dead = try await store.entry(ids[0])
        try expectEqual(dead?.state, .deadLettered, "dead letter")
        try expectEqual(dead?.lastError, "rejected by destination", "reason kept")
        try expectEqual(try await leasedIDs(store, seconds: 61), [ids[1]], "dead letter releases the key")
    }

    static func attemptsHistory(_ store: any MessageStore) async throws {
        let id = try await enqueue(store, keys: ["A"])[0]
        var lease = try await store.lease(destination: "lab", limit: 1, duration: .seconds(30), now: epoch)[0]
        try expectEqual(lease.attemptNumber, 1, "first attempt")
        try await store.recordAttempt(
            report(seconds: 1, code: nil, error: "connection refused"),
            for: lease,
            outcome: .retry(notBefore: epoch.addingTimeInterval(10)),
            now: epoch.addingTimeInterval(1)
        )
        try expectEqual(try await store.entry(id)?.lastError, "connection refused", "last error")
        try await expectStoreError(.leaseLost) {
            try await store.recordAttempt(report(), for: lease, outcome: .delivered, now: epoch.addingTimeInterval(2))
        }
        lease = try await store.lease(destination: "lab", limit: 1, duration: .seconds(30), now: epoch.addingTimeInterval(10))[0]
        try expectEqual(lease.attemptNumber, 2, "second attempt")
        try await store.recordAttempt(report(seconds: 10), for: lease, outcome: .delivered, now: epoch.addingTimeInterval(11))
        let attempts = try await store.attempts(of: id)
        try expectEqual(attempts.map(\.number), [1, 2], "numbers")
        try expectEqual(attempts.map(\.outcome), ["retry", "delivered"], "outcomes")
        try expectEqual(attempts.map(\.report.error), ["connection refused", nil], "errors")
        try expectEqual(attempts.map(\.report.responseCode), [nil, "AA"], "response codes")
        try expectEqual(attempts[1].report.response, report().response, "response bytes")
        try expectEqual(attempts[1].report.startedAt, epoch.addingTimeInterval(10), "start time")
        try expectEqual(attempts[1].report.duration, .milliseconds(12), "duration")
        try expectEqual(try await store.entry(id)?.attemptCount, 2, "attempt count")
        // A decision without an attempt (e.g. too old) is not counted as an attempt.
        let other = try await enqueue(store, keys: [nil])[0]
        let otherLease = try await store.lease(destination: "lab", limit: 1, duration: .seconds(30), now: epoch)[0]
        try await store.recordAttempt(nil, for: otherLease, outcome: .deadLetter(reason: "too old"), now: epoch)
        try expectEqual(try await store.attempts(of: other).count, 0, "no attempt recorded")
        try expectEqual(try await store.entry(other)?.state, .deadLettered, "dead-lettered without attempt")
    }

    static func replayDeadLetter(_ store: any MessageStore) async throws {
        let ids = try await enqueue(store, keys: ["A", nil])
        let leases = try await store.lease(destination: "lab", limit: 10, duration: .seconds(30), now: epoch)
        try await store.recordAttempt(report(code: "AR"), for: leases[0], outcome: .deadLetter(reason: "AR"), now: epoch)
        try expectEqual(try await store.deadLetters(destination: "lab", includingReplayed: false, after: nil, limit: 10).map(\.id), [ids[0]], "dead letters")
        try expectEqual(try await store.deadLetters(destination: "ris", includingReplayed: false, after: nil, limit: 10).count, 0, "per destination")
        try await expectStoreError(.invalidState) { try await store.replay(entry: ids[1], now: epoch) }
        try await expectStoreError(.notFound) { try await store.replay(entry: EntryID(rawValue: 999_999), now: epoch) }
        let replayed = try await store.replay(entry: ids[0], now: epoch.addingTimeInterval(5))
        let entry = try await store.entry(replayed)
        try expectEqual(entry?.replayOf, ids[0], "replay links the original")
        try expectEqual(entry?.orderingKey, "A", "same key")
        try expectEqual(entry?.state, .pending, "new entry is pending")
        try expect(entry?.isReplay == true, "marked as replay")
        try expectEqual(try await store.entry(ids[0])?.replacedBy, replayed, "original links the replay")
        try expectEqual(try await store.entry(ids[0])?.state, .deadLettered, "history kept")
        try expectEqual(try await store.deadLetters(destination: nil, includingReplayed: false, after: nil, limit: 10).count, 0, "replayed dead letters hidden")
        try expectEqual(try await store.deadLetters(destination: nil, includingReplayed: true, after: nil, limit: 10).map(\.id), [ids[0]], "unless asked for")
        try expectEqual(try await leasedIDs(store, seconds: 5), [replayed], "the replay is delivered")
    }

    static func replayMessage(_ store: any MessageStore) async throws {
        let id = try await store.receive(incoming(controlID: "M1"), deduplicationWindow: window).messageID
        try await expectStoreError(.invalidState) { try await store.replay(message: id, to: .originalDestinations, now: epoch) }
        let originals = try await store.route(
            id,
            entries: [RouteEntry(destination: "lab", orderingKey: "P1"), RouteEntry(destination: "ris", payload: [1, 2, 3])],
            now: epoch
        )
        let all = try await store.replay(message: id, to: .originalDestinations, now: epoch)
        try expectEqual(all.count, 2, "one per original destination")
        let one = try await store.replay(message: id, to: .destination("archive", orderingKey: "K"), now: epoch)
        try expectEqual(one.count, 1, "one destination")
        // Replaying again still targets the original destinations only.
        try expectEqual(try await store.replay(message: id, to: .originalDestinations, now: epoch).count, 2, "originals only")
        let entries = try await store.entries(of: id)
        try expectEqual(entries.count, 7, "history kept")
        try expectEqual(entries.filter { !$0.isReplay }.map(\.id), originals, "originals")
        let replays = entries.filter { $0.id == all[0] || $0.id == all[1] || $0.id == one[0] }
        try expectEqual(replays.map(\.destination), ["lab", "ris", "archive"], "destinations")
        try expectEqual(replays.map(\.orderingKey), ["P1", nil, "K"], "keys")
        let ris = try await store.lease(destination: "ris", limit: 10, duration: .seconds(30), now: epoch)
        try expect(ris.allSatisfy { $0.payload == [1, 2, 3] }, "replays keep the payload")
        try await expectStoreError(.notFound) { try await store.replay(message: MessageID(rawValue: 999_999), to: .originalDestinations, now: epoch) }
    }

    static func mappedEntries(_ store: any MessageStore) async throws {
        let id = try await store.receive(incoming(controlID: "T1"), deduplicationWindow: window).messageID
        let bundle: [UInt8] = Array(#"{"resourceType":"Bundle"}"#.utf8)
        let entries = try await store.route(
            id,
            entries: [
                RouteEntry(destination: "platform", payload: bundle, payloadFormat: .fhirJSON, mapping: "v2-to-fhir"),
                RouteEntry(destination: "registry", mapping: "v2-to-fhir", deadLetterReason: "mapping v2-to-fhir failed"),
            ],
            now: epoch
        )
        try expectEqual(try await store.message(id)?.state, .routed, "routed, whatever its entries' states")
        let stored = try await store.entries(of: id)
        try expectEqual(stored.map(\.mapping), ["v2-to-fhir", "v2-to-fhir"], "the mapping is kept")
        try expectEqual(stored.map(\.state), [.pending, .deadLettered], "a failed mapping is a dead letter at once")
        try expectEqual(stored[1].lastError, "mapping v2-to-fhir failed", "with its reason")
        try expectEqual(stored[1].attemptCount, 0, "and no attempt")
        try expectEqual(try await store.deadLetters(destination: "registry", includingReplayed: false, after: nil, limit: 10).map(\.id), [entries[1]], "listed")
        let platform = try await store.lease(destination: "platform", limit: 10, duration: .seconds(30), now: epoch)
        try expectEqual(platform.first?.payload, bundle, "the mapped payload is delivered")
        try expectEqual(platform.first?.format, .fhirJSON, "in the mapped format")
        try expect(platform.first?.mapping == nil, "a mapped payload needs no mapping at delivery")
        try expect(try await store.lease(destination: "registry", limit: 10, duration: .seconds(30), now: epoch).isEmpty, "dead letters are not leased")
        let output = try await store.output(of: entries[0])
        try expectEqual(output?.payload, bundle, "the mapped output is read back")
        try expectEqual(output?.format, .fhirJSON, "with its format")
        try expect(try await store.output(of: entries[1]) == nil, "an entry without a payload of its own has no output")
        try expect(try await store.output(of: EntryID(rawValue: 999_999)) == nil, "nor has an unknown entry")
        // Replaying the failed entry (once the mapping is fixed) leases the raw message with the
        // mapping to run; replaying the message keeps the mapped payload and its format.
        let replayed = try await store.replay(entry: entries[1], now: epoch)
        let registry = try await store.lease(destination: "registry", limit: 10, duration: .seconds(30), now: epoch)
        try expectEqual(registry.map(\.entry.id), [replayed], "the replay is leased")
        try expectEqual(registry.first?.payload, try await store.message(id)?.raw, "with the raw message")
        try expectEqual(registry.first?.format, .hl7v2, "in its own format")
        try expectEqual(registry.first?.mapping, "v2-to-fhir", "and the mapping to run")
        let again = try await store.replay(message: id, to: .originalDestinations, now: epoch)
        try expectEqual(again.count, 2, "both original entries")
        let replays = try await store.lease(destination: "platform", limit: 10, duration: .seconds(30), now: epoch)
        try expectEqual(replays.map(\.format), [.fhirJSON], "the message's replay keeps the payload format")
        try expectEqual(try await store.entry(again[1])?.state, .pending, "a replayed failed entry waits for delivery")
    }

    static func queueDepths(_ store: any MessageStore) async throws {
        try expectEqual(try await store.queueDepths(), [], "empty store")
        _ = try await enqueue(store, keys: [nil, nil, nil, nil])
        _ = try await enqueue(store, keys: [nil], destination: "ris")
        let leases = try await store.lease(destination: "lab", limit: 3, duration: .seconds(30), now: epoch)
        try await store.recordAttempt(report(), for: leases[0], outcome: .delivered, now: epoch)
        try await store.recordAttempt(report(code: "AR"), for: leases[1], outcome: .deadLetter(reason: "AR"), now: epoch)
        func depths() async throws -> Set<QueueDepth> { Set(try await store.queueDepths().filter { $0.count > 0 }) }
        try expectEqual(
            try await depths(),
            [
                QueueDepth(destination: "lab", state: .pending, count: 1),
                QueueDepth(destination: "lab", state: .leased, count: 1),
                QueueDepth(destination: "lab", state: .delivered, count: 1),
                QueueDepth(destination: "lab", state: .deadLettered, count: 1),
                QueueDepth(destination: "ris", state: .pending, count: 1),
            ],
            "depths per destination and state"
        )
        try await store.recordAttempt(report(), for: leases[2], outcome: .retry(notBefore: epoch), now: epoch)
        try expectEqual(
            try await depths().filter { $0.destination == "lab" && $0.state == .pending }.first?.count,
            2,
            "retry returns to pending"
        )
    }
}
