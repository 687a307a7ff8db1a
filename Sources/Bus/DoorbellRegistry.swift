import Synchronization

/// The doorbells of the destinations' workers, by destination name. A destination keeps its
/// doorbell across reloads (the workers that replace changed ones wait on the same bell), and a
/// name the router rings before its workers start gets one, remembered until they wait.
final class DoorbellRegistry: Sendable {
    private let bells: Mutex<[String: Doorbell]>

    init(_ bells: [String: Doorbell] = [:]) {
        self.bells = Mutex(bells)
    }

    /// The doorbell of `destination`, made on first use.
    subscript(_ destination: String) -> Doorbell {
        bells.withLock { bells in
            if let bell = bells[destination] { return bell }
            let bell = Doorbell()
            bells[destination] = bell
            return bell
        }
    }

    /// Rings every destination's doorbell.
    func ringAll() {
        for bell in bells.withLock({ Array($0.values) }) { bell.ring() }
    }
}
