import Logging
public import ServiceLifecycle
import UnixSignals

/// Reloads the bus's configuration — and with it the mappings — on every SIGHUP, until graceful
/// shutdown. (A node that cannot reload its configuration leaves SIGHUP to the
/// ``MappingWatcher``.)
public struct ReloadOnHangUpService: Service {
    let reloader: BusReloader
    let logger: Logger

    init(reloader: BusReloader, logger: Logger) {
        self.reloader = reloader
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            _ = await reloader.reload(trigger: "SIGHUP")
        }
    }
}
