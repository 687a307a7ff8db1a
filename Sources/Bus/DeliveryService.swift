import Logging
public import ServiceLifecycle

/// Runs the workers of one destination until graceful shutdown.
///
/// Each of the destination's `concurrency` workers leases and delivers on its own; the store
/// never gives two workers the same entry, and never the second entry of an ordering key while
/// the first is pending or leased, so per-key order holds whatever the concurrency. On graceful
/// shutdown each worker finishes the batch it leased (recording every attempt) and stops.
public struct DeliveryService: Service {
    let workers: [DestinationWorker]
    let doorbell: Doorbell
    /// How long an idle worker sleeps before it looks again (for retries that come due).
    let pollInterval: Duration
    let logger: Logger

    init(workers: [DestinationWorker], doorbell: Doorbell, pollInterval: Duration, logger: Logger) {
        precondition(!workers.isEmpty, "a destination needs at least one worker")
        self.workers = workers
        self.doorbell = doorbell
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for worker in workers {
                group.addTask { await Self.run(worker, doorbell: doorbell, pollInterval: pollInterval, logger: logger) }
            }
        }
        logger.debug("delivery stopped", metadata: ["bus.destination": "\(workers[0].name)"])
    }

    private static func run(_ worker: DestinationWorker, doorbell: Doorbell, pollInterval: Duration, logger: Logger) async {
        var failures = 0
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let round = try await worker.deliverRound()
                failures = 0
                // A full batch: there may be more than this worker can take; wake another.
                if round.attempted >= worker.configuration.batchSize { doorbell.ring() }
                // Otherwise what comes next rings (routing) or is found by polling (retries).
                if round.mayHaveMore { continue }
            } catch {
                failures += 1
                logger.error("leasing failed; trying again", metadata: ["bus.destination": "\(worker.name)", "error": "\(String(describing: error))"])
                await backOff(afterFailures: failures)
                continue
            }
            await gracefulWait(doorbell, timeout: pollInterval)
        }
    }
}
