public import Foundation
import HL7v2
public import Logging
public import Store

/// The last step of the bus for one destination: leases due entries, delivers them, and records
/// each attempt and its outcome (delivered, retry later, dead letter) in one transaction.
/// Attempts of one batch are recorded while the next entries are delivered (see
/// ``deliverDue(now:using:)``).
///
/// A worker that dies mid-delivery leaves its entries leased; the lease expires and they are
/// delivered again — at least once, so destinations dedupe by control ID.
public struct DestinationWorker: Sendable {
    /// Worker settings.
    public struct Configuration: Sendable {
        /// When failed deliveries are tried again.
        public var retry: RetryPolicy
        /// What a failing keyed entry does to its key.
        public var keyPolicy: KeyFailurePolicy
        /// How long a lease lasts; longer than the slowest delivery.
        public var leaseDuration: Duration
        /// Entries leased per round.
        public var batchSize: Int

        /// Creates a configuration.
        public init(retry: RetryPolicy = .exponentialJitter(), keyPolicy: KeyFailurePolicy = .block, leaseDuration: Duration = .seconds(60), batchSize: Int = 32) {
            self.retry = retry
            self.keyPolicy = keyPolicy
            self.leaseDuration = leaseDuration
            self.batchSize = batchSize
        }
    }

    /// The destination's name (its queue).
    public let name: String
    let store: any MessageStore
    let destination: any Destination
    /// The settings.
    public var configuration: Configuration
    /// Maps entries leased without their mapped payload (replays of failed mappings).
    let mappings: MappingCatalog?
    /// Where attempts, delivery latencies and store latencies are recorded.
    let metrics: BusMetrics
    let logger: Logger

    /// Creates a worker.
    public init(
        name: String, store: any MessageStore, destination: any Destination, configuration: Configuration = Configuration(),
        mappings: MappingCatalog? = nil, metrics: BusMetrics = .disabled, logger: Logger
    ) {
        self.name = name
        self.store = store
        self.destination = destination
        self.configuration = configuration
        self.mappings = mappings
        self.metrics = metrics
        self.logger = logger
    }

    /// Leases one batch of due entries and delivers them in order; returns how many were
    /// attempted (an entry whose lease expired before its turn is skipped, not attempted).
    @discardableResult
    public func deliverDue(now: @Sendable () -> Date = { Date() }) async throws -> Int {
        var generator = SystemRandomNumberGenerator()
        return try await deliverDue(now: now, using: &generator)
    }

    /// ``deliverDue(now:)`` with a chosen random generator (for reproducible jitter in tests).
    @discardableResult
    public func deliverDue(now: @Sendable () -> Date, using generator: inout some RandomNumberGenerator) async throws -> Int {
        try await deliverRound(now: now, using: &generator).attempted
    }

    /// What one round of ``deliverDue(now:)`` did.
    struct Round {
        /// Entries attempted.
        var attempted: Int
        /// Whether the worker should look again at once rather than wait for a ring: the batch
        /// was full, or it held keyed entries (whose successors became due without a ring).
        var mayHaveMore: Bool
    }

    /// One round: lease a batch, deliver it, record the attempts.
    func deliverRound(now: @Sendable () -> Date = { Date() }) async throws -> Round {
        var generator = SystemRandomNumberGenerator()
        return try await deliverRound(now: now, using: &generator)
    }

    private func deliverRound(now: @Sendable () -> Date, using generator: inout some RandomNumberGenerator) async throws -> Round {
        let leases = try await metrics.timing(.lease) {
            try await store.lease(destination: name, limit: configuration.batchSize, duration: configuration.leaseDuration, now: now())
        }
        // Entries of one batch have different ordering keys (the lease takes only the first live
        // entry of a key), so the next delivery need not wait for the previous attempt's commit:
        // attempts are recorded in the background and committed together, and the batch ends
        // once all are recorded.
        var attempted = 0
        try await withThrowingDiscardingTaskGroup { group in
            for lease in leases {
                // Entries of a batch are delivered one after the other: when the last ones wait
                // past their lease, another worker (of this process or another node) may have
                // leased and delivered them, and the next entry of their key after them. Sending
                // them now would put an old message behind a newer one of its key at the
                // receiver; leave them to whichever worker holds them now.
                if now() >= lease.expiresAt {
                    logger.warning(
                        "lease expired before delivery; the entry is left to its next lease",
                        metadata: ["bus.destination": "\(name)", "store.entry_id": "\(lease.entry.id)"])
                    continue
                }
                attempted += 1
                let (report, outcome, finished) = await attempt(lease, now: now, using: &generator)
                var metadata: Logger.Metadata = ["bus.destination": "\(name)", "store.entry_id": "\(lease.entry.id)", "bus.outcome": "\(outcome.kind)"]
                if let controlID = lease.header.controlID { metadata["hl7.control_id"] = "\(controlID)" }
                if case .deadLetter = outcome {
                    logger.warning("moved an entry to the dead letters", metadata: metadata)
                } else {
                    logger.debug("delivery attempt recorded", metadata: metadata)
                }
                metrics.attempted(destination: name, header: lease.header, outcome: outcome, enqueuedAt: lease.entry.enqueuedAt, finishedAt: finished)
                group.addTask { [store, logger, metrics] in
                    do {
                        try await metrics.timing(.recordAttempt) { try await store.recordAttempt(report, for: lease, outcome: outcome, now: finished) }
                    } catch let error as StoreError where error.code == .leaseLost {
                        logger.warning("lease lost before the attempt was recorded; the entry will be delivered again", metadata: metadata)
                    }
                }
            }
        }
        let mayHaveMore = leases.count >= configuration.batchSize || leases.contains { $0.entry.orderingKey != nil }
        return Round(attempted: attempted, mayHaveMore: mayHaveMore)
    }

    /// Delivers one leased entry and decides what happens to it.
    private func attempt(
        _ lease: Lease, now: @Sendable () -> Date, using generator: inout some RandomNumberGenerator
    ) async -> (report: AttemptReport, outcome: AttemptOutcome, finished: Date) {
        let started = now()
        let clock = ContinuousClock()
        let start = clock.now
        var lease = lease
        if let mapping = lease.mapping {
            // A replayed entry whose mapping had failed: map it now, with the mappings in use (a
            // claim with its visit's messages as they are now).
            var visit: [Message] = []
            if VisitLookup.buildsClaims(mapping), lease.format == .hl7v2, let stored = try? await store.message(lease.entry.messageID) {
                visit = (try? await VisitLookup(store: store).messages(before: stored, parsed: try? Message(lease.payload))) ?? []
            }
            let result = mappings.map { $0.map(lease.payload, format: lease.format, visit: visit, with: mapping) }
                ?? .failure(MappingCatalog.Failure.noMappings(mapping))
            switch result {
            case .success(let output):
                lease.payload = output.payload
                lease.format = output.format
                lease.mapping = nil
            case .failure(let failure):
                let report = AttemptReport(startedAt: started, duration: clock.now - start, error: failure.description)
                return (report, .deadLetter(reason: failure.description), now())
            }
        }
        let result = await destination.deliver(lease)
        let finished = now()
        let decision = DeliveryDecision(
            after: result.verdict,
            failedAttempts: lease.attemptNumber,
            enqueuedAt: lease.entry.enqueuedAt,
            hasOrderingKey: lease.entry.orderingKey != nil,
            retry: configuration.retry,
            keyPolicy: configuration.keyPolicy,
            now: finished,
            using: &generator
        )
        let outcome: AttemptOutcome
        switch decision {
        case .delivered: outcome = .delivered
        case .retry(let at): outcome = .retry(notBefore: at)
        case .deadLetter(let reason): outcome = .deadLetter(reason: reason)
        }
        let report = AttemptReport(startedAt: started, duration: clock.now - start, responseCode: result.responseCode, response: result.response, error: result.error)
        return (report, outcome, finished)
    }
}
