public import Foundation

/// Everything the bus must not lose in a crash: received messages, per-destination queue
/// entries, delivery attempts and dead letters.
///
/// Each method is one transaction. The store takes every time from its caller (`now`,
/// `receivedAt`), so tests control the clock. The retry policy (backoff, maximum attempts,
/// whether a failing entry blocks its key) lives in the bus; the store supports both choices:
/// a retrying entry keeps blocking its ordering key, a dead letter releases it.
///
/// The flow of one message:
/// ```swift
/// let id = try await store.receive(incoming, deduplicationWindow: .seconds(3600)).messageID
/// // router
/// for message in try await store.pendingRouting(limit: 100) {
///     try await store.route(message.id, entries: [RouteEntry(destination: "lab", orderingKey: pid)], now: .now)
/// }
/// // worker of "lab"
/// for lease in try await store.lease(destination: "lab", limit: 10, duration: .seconds(30), now: .now) {
///     try await store.recordAttempt(report, for: lease, outcome: .delivered, now: .now)
/// }
/// ```
/// `StoreTesting.StoreConformance` checks any implementation against this contract.
public protocol MessageStore: Sendable {
    // MARK: Intake

    /// Stores one incoming message (raw bytes and header), durably, before the caller acknowledges it.
    ///
    /// A message with a ``IncomingMessage/rejection`` is stored with state ``MessageState/rejected``
    /// and never routed. An accepted message whose channel, sending application, sending facility
    /// and control ID match a non-rejected message received at most `deduplicationWindow` before
    /// it is not stored again: the result is ``ReceiveResult/duplicate(of:)`` and the original's
    /// ``StoredMessage/retransmissionCount`` grows. A zero window, or a missing control ID, turns
    /// deduplication off.
    func receive(_ message: IncomingMessage, deduplicationWindow: Duration) async throws -> ReceiveResult

    /// The message with this identifier, or `nil`.
    func message(_ id: MessageID) async throws -> StoredMessage?

    /// Messages matching `query`, in arrival order, after the given message (keyset paging: pass
    /// the last identifier of the previous page). For the CLI and for replay by query.
    func messages(matching query: MessageQuery, after: MessageID?, limit: Int) async throws -> [StoredMessage]

    // MARK: Routing

    /// Up to `limit` messages in state ``MessageState/received``, in arrival order.
    func pendingRouting(limit: Int) async throws -> [StoredMessage]

    /// In one transaction, enqueues one entry per route entry (in the given order) and marks the
    /// message ``MessageState/routed``, or ``MessageState/filtered`` when `entries` is empty.
    ///
    /// - Throws: ``StoreError/Code/notFound``, or ``StoreError/Code/invalidState`` unless the
    ///   message is in state ``MessageState/received``.
    /// - Returns: the new entries' identifiers, in the order of `entries`.
    @discardableResult
    func route(_ id: MessageID, entries: [RouteEntry], now: Date) async throws -> [EntryID]

    /// Routes several messages, each exactly as ``route(_:entries:now:)`` does, in as few
    /// transactions as the store can (SQLite: one). Either a message is routed with all its
    /// entries or not at all; when this throws, the messages of the failed transaction are still
    /// waiting.
    ///
    /// - Returns: for each message, in order, its new entries' identifiers.
    @discardableResult
    func route(_ batch: [RoutingDecision], now: Date) async throws -> [[EntryID]]

    // MARK: Queues

    /// Leases up to `limit` entries of `destination` that are due, in enqueue order, until
    /// `now + duration`.
    ///
    /// Due means pending with a `notBefore` at or before `now`, or leased with an expired lease
    /// (a crashed worker's entries come back). An entry with an ordering key is leasable only if
    /// no earlier entry of the same destination and key is pending or leased. Two concurrent
    /// callers never get the same entry.
    func lease(destination: String, limit: Int, duration: Duration, now: Date) async throws -> [Lease]

    /// Ends a lease in one transaction: records the attempt (if one was made) and applies the outcome.
    ///
    /// - Parameters:
    ///   - attempt: what happened, or `nil` when the worker decided without attempting
    ///     (e.g. the message is too old); only a report is counted as an attempt.
    ///   - lease: the lease from ``lease(destination:limit:duration:now:)``.
    ///   - outcome: delivered, retry not before a time, or dead letter.
    ///   - now: the time of the decision.
    /// - Throws: ``StoreError/Code/leaseLost`` if the entry was leased again or finished since.
    func recordAttempt(_ attempt: AttemptReport?, for lease: Lease, outcome: AttemptOutcome, now: Date) async throws

    // MARK: Inspection

    /// The entry with this identifier, or `nil`.
    func entry(_ id: EntryID) async throws -> QueueEntry?

    /// Entries of one destination, optionally in one state, in enqueue order, after the given
    /// entry (keyset paging: pass the last identifier of the previous page).
    func entries(destination: String, state: EntryState?, after: EntryID?, limit: Int) async throws -> [QueueEntry]

    /// Every entry of one message (originals and replays), in enqueue order.
    func entries(of message: MessageID) async throws -> [QueueEntry]

    /// The recorded attempts of an entry, oldest first.
    func attempts(of entry: EntryID) async throws -> [DeliveryAttempt]

    /// What an entry delivers when it is its own payload — a route's mapped output (a FHIR
    /// Bundle of an HL7 v2 message, say) — and its format; `nil` when the entry delivers its
    /// message as received (or maps it at delivery), or does not exist.
    func output(of entry: EntryID) async throws -> (payload: [UInt8], format: MessageFormat)?

    /// Dead-lettered entries, optionally of one destination, in enqueue order, after the given
    /// entry. Unless `includingReplayed`, entries already replayed are left out.
    func deadLetters(destination: String?, includingReplayed: Bool, after: EntryID?, limit: Int) async throws -> [QueueEntry]

    /// The number of entries per destination and state (states with no entries may be left out).
    /// Cheap enough to call for every metrics scrape and back-pressure check.
    func queueDepths() async throws -> [QueueDepth]

    // MARK: Replay

    /// Enqueues a routed or filtered message again, as new entries (history is kept).
    ///
    /// - Throws: ``StoreError/Code/notFound``, or ``StoreError/Code/invalidState`` for a message
    ///   that is rejected or not routed yet.
    /// - Returns: the new entries (none for ``ReplayTarget/originalDestinations`` of a filtered message).
    @discardableResult
    func replay(message: MessageID, to target: ReplayTarget, now: Date) async throws -> [EntryID]

    /// Enqueues a finished entry (a dead letter, or a delivered entry) again, as a new entry with
    /// the same destination, key and payload; the old entry records which entry replaced it.
    ///
    /// - Throws: ``StoreError/Code/notFound``, or ``StoreError/Code/invalidState`` for an entry
    ///   that is still pending or leased.
    @discardableResult
    func replay(entry: EntryID, now: Date) async throws -> EntryID

    // MARK: Operations

    /// Gives up on a pending or dead-lettered entry: it becomes ``EntryState/discarded`` and is
    /// never delivered (history is kept; it can still be replayed).
    ///
    /// - Throws: ``StoreError/Code/notFound``, or ``StoreError/Code/invalidState`` for an entry
    ///   that is leased (being delivered), delivered or already discarded.
    func discard(entry: EntryID, now: Date) async throws

    /// Pauses a destination for every node on this store: ``lease(destination:limit:duration:now:)``
    /// returns nothing for it until ``resume(destination:)``; its queue is kept. Pausing a paused
    /// destination keeps the first pause.
    func pause(destination: String, by actor: String, now: Date) async throws

    /// Ends a pause; `false` when the destination was not paused.
    @discardableResult
    func resume(destination: String) async throws -> Bool

    /// The destinations paused with ``pause(destination:by:now:)``.
    func pausedDestinations() async throws -> [DestinationPause]

    /// What flowed between `from` and `to`, in buckets of `bucket`: messages received, attempts
    /// that delivered and that failed, delivery latencies, and per destination the delivered and
    /// failed attempts. See ``StoreActivity``.
    func activity(from: Date, to: Date, bucket: Duration) async throws -> StoreActivity
}

extension MessageStore {
    /// Routes the messages one transaction each; stores that can do better override this.
    @discardableResult
    public func route(_ batch: [RoutingDecision], now: Date) async throws -> [[EntryID]] {
        var results: [[EntryID]] = []
        for decision in batch {
            results.append(try await route(decision.message, entries: decision.entries, now: now))
        }
        return results
    }
}
