public import Foundation
public import Store

/// The store contents of the retention benchmark (`bench/retention/run`): messages spread evenly
/// over consecutive UTC months, each routed to one destination and delivered with one attempt,
/// so that retention has whole months of ended history to remove.
public struct RetentionWorkload: Sendable {
    /// Messages in all.
    public var messages: Int
    /// The first day of the first month.
    public var start: Date
    /// How many months the messages span.
    public var months: Int
    /// The bytes of each message (HL7 v2 text padded with an OBX of random digits).
    public var messageSize: Int
    /// Operations in flight at once (group commit on SQLite, the pool on PostgreSQL).
    public var concurrency: Int

    /// Creates a workload: by default 100,000 messages of 1 KiB over 4 months from 2025-07-01.
    public init(messages: Int = 100_000, start: Date = Date(timeIntervalSince1970: 1_751_328_000), months: Int = 4, messageSize: Int = 1_024, concurrency: Int = 32) {
        self.messages = messages
        self.start = start
        self.months = months
        self.messageSize = messageSize
        self.concurrency = concurrency
    }

    /// The first day of month `index` (0-based) after ``start`` (UTC).
    public func month(_ index: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(byAdding: .month, value: index, to: start)!
    }

    /// The time of message `index`: spread evenly inside its month.
    func time(of index: Int) -> Date {
        let perMonth = max(1, messages / months)
        let month = min(months - 1, index / perMonth)
        let first = self.month(month)
        let length = self.month(month + 1).timeIntervalSince(first)
        return first.addingTimeInterval(length * Double(index % perMonth) / Double(perMonth))
    }

    /// The text of message `index`: an ORU^R01 of about ``messageSize`` bytes.
    func raw(_ index: Int, random: inout some RandomNumberGenerator) -> [UInt8] {
        var text = "MSH|^~\\&|LIS|BV_A|BUS|SYT|20250701||ORU^R01|R\(index)|P|2.5\rPID|1||P\(index % 5_000)^^^BV_A^MR\rOBR|1||\(index)\rOBX|1|TX|11502-2||"
        let digits = Array("0123456789")
        while text.utf8.count < messageSize - 1 { text.append(digits[Int(random.next() % 10)]) }
        text += "\r"
        return Array(text.utf8)
    }

    /// Fills `store`: each message received at its time, routed to `lab` and delivered (one
    /// attempt) at the same time.
    public func fill(_ store: any MessageStore) async throws {
        let chunk = 1_000
        var first = 0
        while first < messages {
            let range = first..<min(messages, first + chunk)
            // Receive concurrently, so group commit (SQLite) and the pool (PostgreSQL) batch them.
            let ids = try await withThrowingTaskGroup(of: (Int, MessageID).self) { group in
                var random = SystemRandomNumberGenerator()
                var results: [(Int, MessageID)] = []
                var next = range.lowerBound
                func add(_ index: Int, _ raw: [UInt8]) {
                    let message = IncomingMessage(
                        channel: "lab", raw: raw,
                        header: MessageHeader(messageType: "ORU", triggerEvent: "R01", controlID: "R\(index)", sendingApplication: "LIS", sendingFacility: "BV_A"),
                        receivedAt: time(of: index))
                    group.addTask { (index, try await store.receive(message, deduplicationWindow: .zero).messageID) }
                }
                while next < range.upperBound, next < range.lowerBound + concurrency {
                    add(next, raw(next, random: &random))
                    next += 1
                }
                while let result = try await group.next() {
                    results.append(result)
                    if next < range.upperBound {
                        add(next, raw(next, random: &random))
                        next += 1
                    }
                }
                return results.sorted { $0.0 < $1.0 }
            }
            // One month per chunk (chunks never straddle two months when messages/months is a
            // multiple of the chunk); route and deliver at the chunk's last time.
            let now = time(of: range.upperBound - 1)
            try await store.route(ids.map { RoutingDecision(message: $0.1, entries: [RouteEntry(destination: "lab")]) }, now: now)
            while true {
                let leases = try await store.lease(destination: "lab", limit: chunk, duration: .seconds(600), now: now)
                if leases.isEmpty { break }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var pending = leases[...]
                    func add(_ lease: Lease) {
                        group.addTask {
                            try await store.recordAttempt(
                                AttemptReport(startedAt: now, duration: .milliseconds(12), responseCode: "AA"), for: lease, outcome: .delivered,
                                now: now)
                        }
                    }
                    for _ in 0..<min(concurrency, pending.count) { add(pending.removeFirst()) }
                    while try await group.next() != nil {
                        if let lease = pending.popFirst() { add(lease) }
                    }
                }
            }
            first = range.upperBound
        }
    }
}
