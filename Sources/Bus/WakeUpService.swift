import Logging
public import ServiceLifecycle
import Store

/// Rings the router's and the destinations' doorbells when the store announces work — stored by
/// another bus process sharing the database, or by `lienthong queue replay` — so that delivery
/// latency does not depend on the poll interval (PostgreSQL: `LISTEN`/`NOTIFY`).
public struct WakeUpService: Service {
    let source: any WakeUpSource
    let incoming: Doorbell
    let destinations: DoorbellRegistry

    init(source: any WakeUpSource, incoming: Doorbell, destinations: DoorbellRegistry) {
        self.source = source
        self.incoming = incoming
        self.destinations = destinations
    }

    init(source: any WakeUpSource, incoming: Doorbell, destinations: [String: Doorbell]) {
        self.init(source: source, incoming: incoming, destinations: DoorbellRegistry(destinations))
    }

    /// Forwards wake-ups until graceful shutdown, cancellation, or the store stops.
    public func run() async throws {
        let wakeUps = source.wakeUps()
        await cancelWhenGracefulShutdown {
            for await wakeUp in wakeUps {
                switch wakeUp {
                case .routing:
                    incoming.ring()
                case .queue(let destination):
                    destinations[destination].ring()
                case .everything:
                    incoming.ring()
                    destinations.ringAll()
                }
            }
        }
    }
}
