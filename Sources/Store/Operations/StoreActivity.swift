public import Foundation

/// What flowed through a store in a time range (``MessageStore/activity(from:to:bucket:)``):
/// per time bucket, and per destination over the whole range.
///
/// Counts come from the stored messages and delivery attempts, so they are the same on every
/// node sharing the store and survive restarts. A *failed* attempt is one that did not deliver
/// (it was retried or dead-lettered). The *delivery latency* of a delivered attempt is the time
/// from the message's receipt to the end of that attempt. Percentiles are computed from at most
/// ``latencySampleLimit`` attempts of the range (the latest); ``latencySampled`` tells when more
/// were delivered.
public struct StoreActivity: Hashable, Sendable {
    /// One time bucket.
    public struct Bucket: Hashable, Sendable {
        /// The bucket's start (it lasts ``StoreActivity/bucket``).
        public var start: Date
        /// Messages received (rejected ones included).
        public var received = 0
        /// Attempts that delivered.
        public var delivered = 0
        /// Attempts that did not deliver.
        public var failed = 0
        /// The median delivery latency; `nil` without delivered attempts.
        public var latencyMedian: Duration?
        /// The 95th percentile of the delivery latency; `nil` without delivered attempts.
        public var latency95: Duration?

        /// Creates an empty bucket.
        public init(start: Date) {
            self.start = start
        }
    }

    /// One channel's messages over the whole range.
    public struct Channel: Hashable, Sendable {
        /// Messages received.
        public var received = 0
        /// Of which rejected (not routed: malformed, invalid, refused).
        public var rejected = 0

        /// Creates counts.
        public init(received: Int = 0, rejected: Int = 0) {
            self.received = received
            self.rejected = rejected
        }
    }

    /// One destination's attempts over the whole range.
    public struct Destination: Hashable, Sendable {
        /// Attempts that delivered.
        public var delivered = 0
        /// Attempts that did not deliver.
        public var failed = 0

        /// Creates counts.
        public init(delivered: Int = 0, failed: Int = 0) {
            self.delivered = delivered
            self.failed = failed
        }

        /// Failed attempts over all attempts; `nil` without attempts.
        public var errorRate: Double? {
            delivered + failed == 0 ? nil : Double(failed) / Double(delivered + failed)
        }
    }

    /// The range's start.
    public var from: Date
    /// The range's end (exclusive).
    public var to: Date
    /// The length of a bucket.
    public var bucket: Duration
    /// The buckets, oldest first, covering the range without gaps.
    public var buckets: [Bucket]
    /// Per channel that received messages in the range.
    public var channels: [String: Channel]
    /// Per destination that had attempts in the range.
    public var destinations: [String: Destination]
    /// Whether the latencies were computed from the latest ``latencySampleLimit`` delivered
    /// attempts only.
    public var latencySampled = false

    /// The most delivered attempts whose latencies are read for one report.
    public static let latencySampleLimit = 50_000

    /// The most buckets a report may have (a day of minutes).
    public static let maximumBuckets = 1_440

    /// An empty report of the range, `bucket` long buckets.
    ///
    /// - Throws: ``StoreError/Code/invalidArgument`` for an empty range, a non-positive bucket,
    ///   or more than ``maximumBuckets`` buckets.
    public init(from: Date, to: Date, bucket: Duration) throws {
        let seconds = Double(bucket.components.seconds) + Double(bucket.components.attoseconds) / 1e18
        guard to > from, seconds > 0 else { throw StoreError(code: .invalidArgument) }
        let count = Int((to.timeIntervalSince(from) / seconds).rounded(.up))
        guard count <= Self.maximumBuckets else { throw StoreError(code: .invalidArgument) }
        self.from = from
        self.to = to
        self.bucket = bucket
        self.buckets = (0..<count).map { Bucket(start: from.addingTimeInterval(Double($0) * seconds)) }
        self.channels = [:]
        self.destinations = [:]
    }

    /// The index of the bucket holding `time`, in store microseconds; `nil` outside the range.
    package func bucketIndex(microseconds time: Int64) -> Int? {
        let start = from.storeMicroseconds
        guard time >= start, time < to.storeMicroseconds else { return nil }
        let index = Int((time - start) / bucket.storeMicroseconds)
        return index < buckets.count ? index : nil
    }

    /// Counts `count` messages received by `channel` at `time`.
    package mutating func addReceived(channel: String, rejected: Bool, atMicroseconds time: Int64, count: Int = 1) {
        guard let index = bucketIndex(microseconds: time) else { return }
        buckets[index].received += count
        channels[channel, default: Channel()].received += count
        if rejected { channels[channel, default: Channel()].rejected += count }
    }

    /// Counts an attempt of `destination` that ended at `time`.
    package mutating func addAttempt(destination: String, delivered: Bool, atMicroseconds time: Int64, count: Int = 1) {
        guard let index = bucketIndex(microseconds: time) else { return }
        if delivered {
            buckets[index].delivered += count
            destinations[destination, default: Destination()].delivered += count
        } else {
            buckets[index].failed += count
            destinations[destination, default: Destination()].failed += count
        }
    }

    /// Sets each bucket's latency percentiles from `(attempt end, latency)` pairs, both in
    /// store microseconds.
    package mutating func setLatencies(_ samples: [(end: Int64, latency: Int64)]) {
        var perBucket = [[Int64]](repeating: [], count: buckets.count)
        for sample in samples {
            guard let index = bucketIndex(microseconds: sample.end) else { continue }
            perBucket[index].append(max(0, sample.latency))
        }
        for index in buckets.indices where !perBucket[index].isEmpty {
            let sorted = perBucket[index].sorted()
            buckets[index].latencyMedian = .microseconds(Self.percentile(sorted, 0.5))
            buckets[index].latency95 = .microseconds(Self.percentile(sorted, 0.95))
        }
    }

    /// The nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Int64], _ fraction: Double) -> Int64 {
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }
}
