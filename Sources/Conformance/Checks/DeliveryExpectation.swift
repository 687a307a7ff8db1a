import Foundation

/// What a case expects the local bus to deliver to the runner's receivers: per receiver, how
/// many payloads per message (exactly, or at least).
///
/// ```yaml
/// deliveries:
///   - {receiver: lis, count: 1}                            # exactly once per message
///   - {receiver: failing, at-least: 2}                     # retried
///   - {receiver: api, count: 1, containing: "2345-7"}      # payloads with this text
/// ```
///
/// A payload counts for a message when it contains the message's marker: for HL7 v2 its control
/// ID (MSH-10), or the delivery's `containing` text, which a mapped delivery (a FHIR Bundle has no
/// MSH-10) and every FHIR case needs.
struct DeliveryExpectation: Sendable {
    var receiver: String
    /// Exactly this many (`count`), or at least this many (`at-least`).
    var count: Int
    var isMinimum: Bool
    /// The text a payload must contain to count (`containing`), instead of the message's marker.
    var marker: String?

    /// The `deliveries` list of an `expect` node; receivers must be the suite's.
    ///
    /// - Parameter needsMarker: whether each item must say `containing` (the case's messages have
    ///   no marker of their own).
    static func parseList(_ node: ManifestNode?, receivers: Set<String>, needsMarker: Bool = false) throws(ConformanceError) -> [Self] {
        var deliveries: [Self] = []
        for item in node?.list() ?? [] {
            try item.allowKeys(["receiver", "count", "at-least", "containing"])
            let marker = try item.optional("containing")?.text()
            if needsMarker, marker == nil {
                throw item.error("a delivery of this kind of case needs `containing`: the text a delivered payload holds")
            }
            let receiver = try item.required("receiver").text()
            guard receivers.contains(receiver) else { throw item.error("no receiver \(receiver) in the suite's receivers") }
            if let minimum = try item.optional("at-least")?.int() {
                deliveries.append(Self(receiver: receiver, count: minimum, isMinimum: true, marker: marker))
            } else {
                deliveries.append(Self(receiver: receiver, count: try item.optional("count")?.int() ?? 1, isMinimum: false, marker: marker))
            }
        }
        return deliveries
    }

    /// The expectation as a line of the report.
    var line: String {
        "receiver \(receiver) gets each message \(isMinimum ? "at least" : "exactly") \(count) time\(count == 1 ? "" : "s")"
            + (marker.map { " (payloads containing \($0.debugDescription))" } ?? "")
    }

    /// Waits until every expectation holds or `deadline` passes (an exact count is looked at
    /// once more after a quiet time, so that a second copy shows up), then compares.
    ///
    /// - Parameter markers: the case's messages' own markers (control IDs), for expectations
    ///   without `containing`; each message must reach the count.
    /// - Returns: a line per expectation for the report, and the failures.
    static func check(
        _ deliveries: [Self], markers: [String], received: ReceivedLog, deadline: ContinuousClock.Instant
    ) async -> (actual: [String], failures: [String]) {
        func counts() -> [Int] {
            deliveries.map { delivery in
                (delivery.marker.map { [$0] } ?? markers).map { received.payloads(for: delivery.receiver, containing: $0).count }.min() ?? 0
            }
        }
        func holds(_ counts: [Int]) -> Bool {
            zip(deliveries, counts).allSatisfy { $0.isMinimum ? $1 >= $0.count : $1 == $0.count }
        }
        while !holds(counts()) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if holds(counts()) && deliveries.contains(where: { !$0.isMinimum }) {
            try? await Task.sleep(for: min(.milliseconds(500), max(.zero, deadline - ContinuousClock.now)))
        }
        var actual: [String] = []
        var failures: [String] = []
        for (delivery, count) in zip(deliveries, counts()) {
            actual.append("receiver \(delivery.receiver) got each message \(count) time\(count == 1 ? "" : "s")")
            let holds = delivery.isMinimum ? count >= delivery.count : count == delivery.count
            if !holds {
                failures.append(
                    "receiver \(delivery.receiver): expected \(delivery.isMinimum ? "at least " : "")\(delivery.count) deliver\(delivery.count == 1 ? "y" : "ies") per message, got \(count)")
            }
        }
        return (actual, failures)
    }
}
