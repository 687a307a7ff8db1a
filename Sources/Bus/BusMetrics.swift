public import CoreMetrics
public import Foundation
import Metrics
public import Store
import Synchronization

/// What the bus records about itself, through swift-metrics: messages received and delivered,
/// acknowledgement and delivery latencies, store latencies and queue depths.
///
/// The bus never bootstraps the metrics system: it records through the factory it is given
/// (`lienthong serve` gives it a Prometheus factory; tests give swift-metrics' `TestMetrics`).
/// ``disabled`` records nothing.
///
/// Labels are the channel, the destination, the message type (``typeLabel(_:)``), an outcome and
/// a store operation — never a control ID, a patient identifier or a URL.
///
/// ```swift
/// let metrics = BusMetrics(factory: TestMetrics())
/// var node = BusNode(configuration: configuration, store: store, logger: logger)
/// node.metrics = metrics
/// ```
public struct BusMetrics: Sendable {
    /// The metric names (Prometheus style: seconds, `_total` for counters).
    public enum Name {
        /// Counter: messages received, by `channel`, `type` and `outcome` (``ReceiveOutcome``).
        public static let messagesReceived = "lienthong_messages_received_total"
        /// Histogram: from a frame (MLLP) or request (HTTP) read to its acknowledgement written, by `channel`.
        public static let acknowledgmentDuration = "lienthong_ack_duration_seconds"
        /// Counter: delivery attempts, by `destination`, `type` and `outcome` (`delivered`, `retry`, `dead_letter`).
        public static let deliveryAttempts = "lienthong_delivery_attempts_total"
        /// Counter: entries dead-lettered when routed (their mapping failed), by `destination`.
        public static let routingDeadLetters = "lienthong_routing_dead_letters_total"
        /// Histogram: from an entry's enqueueing to its delivery, by `destination`.
        public static let deliveryLatency = "lienthong_delivery_latency_seconds"
        /// Histogram: the duration of a store operation, by `operation` (``StoreOperation``).
        public static let storeOperationDuration = "lienthong_store_operation_duration_seconds"
        /// Counter: store operations that failed, by `operation`.
        public static let storeErrors = "lienthong_store_errors_total"
        /// Gauge: entries waiting for delivery (pending or leased), by `destination`.
        public static let queueDepth = "lienthong_queue_depth"
        /// Gauge: entries in the dead letters (replayed ones included: a replay is a new entry), by `destination`.
        public static let queueDeadLetters = "lienthong_queue_dead_letters"
        /// Gauge: the age of the oldest entry waiting for delivery (0 when none waits), by `destination`.
        public static let queueOldestPendingAge = "lienthong_queue_oldest_pending_age_seconds"
        /// Counter: senders refused by an allow-list — MLLP connections, HTTP requests — by `channel` (`(http)` for the
        /// HTTP listener's own list) and `reason` (``SenderRefusal``).
        public static let sendersRefused = "lienthong_senders_refused_total"
    }

    /// What intake did with a message: a set of values that may grow.
    public struct ReceiveOutcome: RawRepresentable, Hashable, Sendable {
        /// The label value.
        public var rawValue: String
        /// Creates an outcome from its label value.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Stored for routing and acknowledged positively.
        public static let accepted = ReceiveOutcome(rawValue: "accepted")
        /// Stored as rejected (unparsable, invalid, too large) and answered negatively.
        public static let rejected = ReceiveOutcome(rawValue: "rejected")
        /// A retransmission of a stored message, acknowledged again and not stored again.
        public static let duplicate = ReceiveOutcome(rawValue: "duplicate")
        /// Not stored (the store failed): answered so that the sender sends it again.
        public static let error = ReceiveOutcome(rawValue: "error")
    }

    /// A store operation timed by ``Name/storeOperationDuration``.
    public struct StoreOperation: RawRepresentable, Hashable, Sendable {
        /// The label value.
        public var rawValue: String
        /// Creates an operation from its label value.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// ``Store/MessageStore/receive(_:deduplicationWindow:)``.
        public static let receive = StoreOperation(rawValue: "receive")
        /// ``Store/MessageStore/route(_:now:)`` (a batch) or one message's route.
        public static let route = StoreOperation(rawValue: "route")
        /// ``Store/MessageStore/lease(destination:limit:duration:now:)``.
        public static let lease = StoreOperation(rawValue: "lease")
        /// ``Store/MessageStore/recordAttempt(_:for:outcome:now:)``.
        public static let recordAttempt = StoreOperation(rawValue: "record_attempt")
    }

    /// The factory every metric is made with.
    public let factory: any MetricsFactory
    private let types: TypeLabels

    /// Records nothing.
    public static let disabled = BusMetrics(factory: NOOPMetricsHandler.instance)

    /// Records with `factory`.
    ///
    /// - Parameter maximumTypes: how many distinct message types get their own `type` label;
    ///   later ones are counted as `other` (a sender cannot make the label set grow without bound).
    public init(factory: any MetricsFactory, maximumTypes: Int = 200) {
        self.factory = factory
        self.types = TypeLabels(maximum: maximumTypes)
    }

    // MARK: Intake

    /// Counts one message received on `channel`.
    public func received(channel: String, header: MessageHeader?, outcome: ReceiveOutcome) {
        Counter(
            label: Name.messagesReceived, dimensions: [("channel", channel), ("type", typeLabel(header)), ("outcome", outcome.rawValue)],
            factory: factory
        ).increment()
    }

    /// Records the time from a message read on `channel` to its acknowledgement written.
    public func acknowledged(channel: String, after duration: Duration) {
        CoreMetrics.Timer(label: Name.acknowledgmentDuration, dimensions: [("channel", channel)], factory: factory).record(duration: duration)
    }

    /// Counts one sender (an MLLP connection, an HTTP request) refused by the allow-list of
    /// `channel` (`(http)`: the HTTP listener's own list).
    public func refused(channel: String, reason: SenderRefusal) {
        Counter(label: Name.sendersRefused, dimensions: [("channel", channel), ("reason", reason.rawValue)], factory: factory).increment()
    }

    // MARK: Delivery

    /// Counts one delivery attempt's outcome; a delivery also records its latency since the
    /// entry was enqueued.
    public func attempted(destination: String, header: MessageHeader?, outcome: AttemptOutcome, enqueuedAt: Date, finishedAt: Date) {
        Counter(
            label: Name.deliveryAttempts, dimensions: [("destination", destination), ("type", typeLabel(header)), ("outcome", outcome.kind)],
            factory: factory
        ).increment()
        if case .delivered = outcome {
            CoreMetrics.Timer(label: Name.deliveryLatency, dimensions: [("destination", destination)], factory: factory)
                .record(duration: .seconds(max(0, finishedAt.timeIntervalSince(enqueuedAt))))
        }
    }

    /// Counts entries dead-lettered when routed (their mapping failed).
    public func deadLetteredWhenRouted(destination: String, count: Int = 1) {
        Counter(label: Name.routingDeadLetters, dimensions: [("destination", destination)], factory: factory).increment(by: count)
    }

    // MARK: Store

    /// Runs a store operation and records its duration (and its failure).
    @discardableResult
    public func timing<T>(_ operation: StoreOperation, _ body: () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let result = try await body()
            CoreMetrics.Timer(label: Name.storeOperationDuration, dimensions: [("operation", operation.rawValue)], factory: factory)
                .record(duration: clock.now - start)
            return result
        } catch {
            CoreMetrics.Timer(label: Name.storeOperationDuration, dimensions: [("operation", operation.rawValue)], factory: factory)
                .record(duration: clock.now - start)
            Counter(label: Name.storeErrors, dimensions: [("operation", operation.rawValue)], factory: factory).increment()
            throw error
        }
    }

    // MARK: Queues

    /// Sets the queue gauges of one destination.
    public func queue(destination: String, depth: Int, deadLetters: Int, oldestPendingAge: Duration) {
        Meter(label: Name.queueDepth, dimensions: [("destination", destination)], factory: factory).set(depth)
        Meter(label: Name.queueDeadLetters, dimensions: [("destination", destination)], factory: factory).set(deadLetters)
        let components = oldestPendingAge.components
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        Meter(label: Name.queueOldestPendingAge, dimensions: [("destination", destination)], factory: factory).set(max(0, seconds))
    }

    // MARK: Labels

    /// The `type` label of a message: `TYPE^EVENT` (`ADT^A01`, `Bundle^message`), `TYPE` without
    /// an event, `unknown` without a type. A part that is not a short code (letters, digits,
    /// `_`, `-`, `.`; at most 40) is `other`, and so is every type after the first
    /// `maximumTypes` distinct ones.
    public func typeLabel(_ header: MessageHeader?) -> String {
        guard let type = header?.messageType.flatMap({ $0.isEmpty ? nil : $0 }) else { return "unknown" }
        var label = Self.code(type)
        if let event = header?.triggerEvent, !event.isEmpty { label += "^" + Self.code(event) }
        return types.admit(label)
    }

    /// `value` when it is a short code, `other` otherwise.
    static func code(_ value: String) -> String {
        guard value.utf8.count <= 40, value.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) })
        else { return "other" }
        return value
    }

    /// The type labels seen so far, at most `maximum`.
    final class TypeLabels: Sendable {
        let maximum: Int
        private let seen = Mutex<Set<String>>([])

        init(maximum: Int) {
            self.maximum = maximum
        }

        func admit(_ label: String) -> String {
            seen.withLock { seen in
                if seen.contains(label) { return label }
                guard seen.count < maximum else { return "other" }
                seen.insert(label)
                return label
            }
        }
    }
}
