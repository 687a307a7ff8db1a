public import Foundation
public import Logging
public import ServiceLifecycle
public import Store

/// Runs the retention of a ``Store/SQLiteStore`` (`store: {sqlite: {retention: 90d}}`): at start,
/// then every ``interval``, removes the messages that ended longer ago than the retention and
/// gives their space back to the file system (see ``Store/SQLiteStore/removeEnded(before:batchSize:)``).
/// The PostgreSQL store runs its own (monthly partitions, in its `run()`).
///
/// ```swift
/// let retention = SQLiteRetentionService(store: store, retention: .seconds(90 * 86_400), logger: logger)
/// ```
public struct SQLiteRetentionService: Service {
    let store: SQLiteStore
    /// How long a message is kept after it ended.
    public let retention: Duration
    /// Time between runs.
    public let interval: Duration
    let logger: Logger

    /// Creates the service; nothing runs until ``run()``.
    public init(store: SQLiteStore, retention: Duration, interval: Duration = .seconds(3600), logger: Logger) {
        self.store = store
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    /// Removes what ended before `now - retention` once.
    @discardableResult
    public func runOnce(now: Date = Date()) async throws -> SQLiteStore.RetentionResult {
        let seconds = Double(retention.components.seconds) + Double(retention.components.attoseconds) / 1e18
        return try await store.removeEnded(before: now.addingTimeInterval(-seconds))
    }

    /// Runs retention at start and every ``interval`` until graceful shutdown or cancellation; a
    /// failed run is logged and tried again at the next interval.
    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await runOnce()
            } catch {
                if Task.isCancelled { return }
                logger.warning("Store retention failed; trying again later", metadata: ["store.error": "\(error)"])
            }
            do {
                try await gracefulSleep(for: interval)
            } catch {
                return
            }
        }
    }
}
