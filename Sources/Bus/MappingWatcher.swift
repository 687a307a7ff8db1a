public import Logging
import Mapping
public import ServiceLifecycle
import UnixSignals

/// Hot reload of the mappings: checks the mappings folder every ``interval`` and reloads it on
/// SIGHUP. A folder that loads without errors replaces the mappings in use (routing picks them
/// up with its next message); one that does not is logged, error by error with file and line,
/// and the previous mappings keep running.
public struct MappingWatcher: Service {
    let catalog: MappingCatalog
    /// How often the folder is checked; `nil`: on SIGHUP only.
    let interval: Duration?
    /// Whether SIGHUP reloads (one handler per process: off in tests that run several buses).
    let reloadsOnHangUp: Bool
    let logger: Logger

    /// Creates a watcher.
    public init(catalog: MappingCatalog, interval: Duration?, reloadsOnHangUp: Bool = true, logger: Logger) {
        self.catalog = catalog
        self.interval = interval
        self.reloadsOnHangUp = reloadsOnHangUp
        self.logger = logger
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            if reloadsOnHangUp {
                group.addTask {
                    let signals = await UnixSignalsSequence(trapping: .sighup)
                    for await _ in signals.cancelOnGracefulShutdown() {
                        report(catalog.reload(), trigger: "SIGHUP")
                    }
                }
            }
            if let interval {
                group.addTask {
                    while !Task.isShuttingDownGracefully, !Task.isCancelled {
                        do {
                            try await gracefulSleep(for: interval)
                        } catch {
                            break
                        }
                        report(catalog.reloadIfChanged(), trigger: "a change in the folder")
                    }
                }
            }
            await group.waitForAll()
        }
    }

    /// Logs what a reload did (errors name file and line; mappings hold no patient data).
    func report(_ result: MappingCatalog.ReloadResult, trigger: String) {
        Self.report(result, trigger: trigger, logger: logger)
    }

    /// Logs what a reload did, for the watcher and for configuration reloads.
    static func report(_ result: MappingCatalog.ReloadResult, trigger: String, logger: Logger) {
        switch result {
        case .unchanged:
            break
        case .reloaded(let generation):
            logger.notice("mappings reloaded", metadata: ["bus.mappings.generation": "\(generation)", "bus.mappings.trigger": "\(trigger)"])
        case .failed(let errors):
            logger.error(
                "mappings not reloaded: the folder has errors; the previous mappings stay in use",
                metadata: ["bus.mappings.errors": .array(errors.errors.map { .string($0.description) }), "bus.mappings.trigger": "\(trigger)"])
        }
    }
}
