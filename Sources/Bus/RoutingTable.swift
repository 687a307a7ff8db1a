import Synchronization

/// The routes of every channel and the mappings they name, as the router uses them: a
/// configuration reload replaces both at once, and the router reads them once per round, so a
/// round routes every message by one configuration.
final class RoutingTable: Sendable {
    /// What one round of routing uses.
    struct Snapshot: Sendable {
        /// The routes of each channel, by channel name.
        var routes: [String: [Route]]
        /// The mappings routes name.
        var mappings: MappingCatalog?
    }

    private let state: Mutex<Snapshot>

    init(routes: [String: [Route]], mappings: MappingCatalog?) {
        state = Mutex(Snapshot(routes: routes, mappings: mappings))
    }

    /// The routes by channel of a configuration (the first of two channels with one name).
    convenience init(_ configuration: BusConfiguration, mappings: MappingCatalog?) {
        self.init(routes: Self.routes(of: configuration), mappings: mappings)
    }

    static func routes(of configuration: BusConfiguration) -> [String: [Route]] {
        Dictionary(configuration.channels.map { ($0.name, $0.routes) }, uniquingKeysWith: { first, _ in first })
    }

    /// What the next round uses.
    var current: Snapshot { state.withLock { $0 } }

    /// Replaces routes and mappings; the round in progress finishes with the previous ones.
    func replace(with snapshot: Snapshot) {
        state.withLock { $0 = snapshot }
    }
}
