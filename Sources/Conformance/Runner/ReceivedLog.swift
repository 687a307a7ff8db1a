import Synchronization

/// What the runner's receivers were sent: per receiver, each payload as text, in arrival order.
final class ReceivedLog: Sendable {
    private let payloads = Mutex<[String: [String]]>([:])

    func record(_ payload: String, receiver: String) {
        payloads.withLock { $0[receiver, default: []].append(payload) }
    }

    /// The payloads `receiver` got that contain `marker` (a message's control ID).
    func payloads(for receiver: String, containing marker: String) -> [String] {
        payloads.withLock { ($0[receiver] ?? []).filter { $0.contains(marker) } }
    }
}
