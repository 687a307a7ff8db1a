import Foundation
import Store

extension AdminAPI {
    /// A channel in `GET /api/channels`.
    struct ChannelSummary: Encodable {
        struct Route: Encodable {
            var destination: String
            var mapping: String?
        }

        var name: String
        /// `mllp`, `fhir` or `folder`.
        var source: String
        /// `host:port`, the FHIR base path or the folder.
        var address: String
        var routes: [Route]
        /// Messages received in the last hour, and of them rejected.
        var receivedLastHour: Int
        var rejectedLastHour: Int
        /// Rejected over received in the last hour; absent without messages.
        var rejectionRate: Double?
    }

    /// A destination in `GET /api/destinations`.
    struct DestinationSummary: Encodable {
        var name: String
        var kind: String
        /// `paused`, `failing` (half the last hour's attempts or more failed), `backlog` (the
        /// oldest pending entry waits 5 minutes or more) or `ok`.
        var status: String
        var paused: Bool
        /// Who paused it (`configuration` for `paused: true` in the file); absent when running.
        var pausedBy: String?
        var pausedAt: Date?
        var concurrency: Int
        /// Entries by state (`pending`, `leased`, `delivered`, `dead_letter`, `discarded`).
        var entries: [String: Int]
        var deadLetters: Int
        /// How long the oldest pending entry has waited, in seconds; absent when none waits.
        var oldestPendingSeconds: Double?
        /// Attempts in the last hour that delivered, and that failed.
        var deliveredLastHour: Int
        var failedLastHour: Int
        /// Failed attempts over attempts in the last hour; absent without attempts.
        var errorRate: Double?
    }

    /// The answer to `POST /api/entries/{id}/discard`.
    struct DiscardResult: Encodable {
        var entry: Int64
        var state: String
    }

    /// The answer to `GET /api/stats`.
    struct Statistics: Encodable {
        struct Bucket: Encodable {
            struct Latency: Encodable {
                var p50: Double
                var p95: Double
            }

            var start: Date
            var received: Int
            var delivered: Int
            var failed: Int
            /// The delivery latency (receipt to delivery) of the bucket's delivered attempts, in
            /// milliseconds; absent without deliveries.
            var deliveryLatencyMs: Latency?
        }

        var bucketSeconds: Int
        var from: Date
        var to: Date
        var buckets: [Bucket]
        /// Whether the latencies come from the latest deliveries only (``Store/StoreActivity/latencySampled``).
        var latencySampled: Bool

        init(_ activity: StoreActivity) {
            bucketSeconds = Int(activity.bucket.components.seconds)
            from = activity.from
            to = activity.to
            latencySampled = activity.latencySampled
            buckets = activity.buckets.map { bucket in
                var latency: Bucket.Latency?
                if let median = bucket.latencyMedian, let high = bucket.latency95 {
                    latency = Bucket.Latency(p50: Self.milliseconds(median), p95: Self.milliseconds(high))
                }
                return Bucket(start: bucket.start, received: bucket.received, delivered: bucket.delivered, failed: bucket.failed, deliveryLatencyMs: latency)
            }
        }

        static func milliseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
    }

    /// A message without its content: what a viewer sees.
    struct MessageSummary: Encodable {
        var id: Int64
        var channel: String
        var format: String
        var type: String?
        var event: String?
        var controlID: String?
        var sendingApplication: String?
        var sendingFacility: String?
        var state: String
        var rejection: String?
        var receivedAt: Date
        var retransmissions: Int

        init(_ message: StoredMessage) {
            id = message.id.rawValue
            channel = message.channel
            format = message.format.rawValue
            type = message.header.messageType
            event = message.header.triggerEvent
            controlID = message.header.controlID
            sendingApplication = message.header.sendingApplication
            sendingFacility = message.header.sendingFacility
            state = message.state.rawValue
            rejection = message.rejection.map { "\($0)" }
            receivedAt = message.receivedAt
            retransmissions = message.retransmissionCount
        }
    }

    /// A page of `GET /api/messages`; `next` is the `after` of the next page.
    struct MessagePage: Encodable {
        var messages: [MessageSummary]
        var next: Int64?
    }

    /// Bytes shown: as text when they are UTF-8, else base64.
    struct Content: Encodable {
        var text: String?
        var base64: String?

        init(_ bytes: [UInt8]) {
            if let text = String(validating: bytes, as: UTF8.self) {
                self.text = text
            } else {
                base64 = Data(bytes).base64EncodedString()
            }
        }
    }

    /// One delivery attempt; its response only for operators.
    struct AttemptDetail: Encodable {
        var number: Int
        var outcome: String
        var startedAt: Date
        var durationSeconds: Double
        var responseCode: String?
        var error: String?
        var response: Content?
    }

    /// An entry's own output (a route's mapped payload).
    struct OutputDetail: Encodable {
        var format: String
        var content: Content
    }

    /// One queue entry of a message, with its attempts; its output only for operators.
    struct EntryDetail: Encodable {
        var id: Int64
        var destination: String
        var state: String
        var mapping: String?
        var attemptCount: Int
        var lastError: String?
        var enqueuedAt: Date
        var replayOf: Int64?
        var replacedBy: Int64?
        var output: OutputDetail?
        var attempts: [AttemptDetail]
    }

    /// `GET /api/messages/{id}`: the raw message only for operators.
    struct MessageDetail: Encodable {
        var message: MessageSummary
        var raw: Content?
        var entries: [EntryDetail]
    }

    /// The body of `POST /api/messages/{id}/replay`.
    struct ReplayRequest: Decodable {
        var destination: String?
    }
}
