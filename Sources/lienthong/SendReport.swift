/// What `lienthong send` measured: acknowledgement codes, errors by code, and the latency of
/// every send (from writing the frame to reading the acknowledgement).
struct SendReport: Sendable {
    var codes: [String: Int] = [:]
    var errors: [String: Int] = [:]
    var latencies: [Duration] = []
    var elapsed: Duration = .zero

    mutating func merge(_ other: SendReport) {
        codes.merge(other.codes, uniquingKeysWith: +)
        errors.merge(other.errors, uniquingKeysWith: +)
        latencies += other.latencies
    }

    /// The `q`-quantile (0…1) of the latencies, nearest rank.
    func latency(quantile q: Double) -> Duration {
        guard !latencies.isEmpty else { return .zero }
        let sorted = latencies.sorted()
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The summary printed at the end.
    var summary: String {
        let sent = latencies.count
        let seconds = elapsed.milliseconds / 1000
        let rate = seconds > 0 ? Double(sent) / seconds : 0
        var lines = ["sent \(sent) messages in \(format(seconds)) s (\(format(rate)) messages/s)"]
        lines.append("acknowledgements: " + (codes.isEmpty ? "none" : codes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        if !errors.isEmpty {
            lines.append("errors: " + errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        lines.append("latency ms: p50 \(format(latency(quantile: 0.5).milliseconds))  p90 \(format(latency(quantile: 0.9).milliseconds))  p99 \(format(latency(quantile: 0.99).milliseconds))  max \(format((latencies.max() ?? .zero).milliseconds))")
        return lines.joined(separator: "\n")
    }

    private func format(_ value: Double) -> String {
        let hundredths = (value * 100).rounded() / 100
        return "\(hundredths)"
    }
}

extension Duration {
    /// The duration in milliseconds.
    var milliseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
    }

    /// The duration in seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
