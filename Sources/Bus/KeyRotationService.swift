public import Logging
public import ServiceLifecycle
public import Store

/// Moves the rows still under a previous key (or stored before encryption) to the current key,
/// in the background of a running bus: small batches (``batchSize`` rows per table, each batch a
/// short transaction), a pause between batches so intake and delivery keep the store, then a
/// check every ``interval`` (on PostgreSQL another node still on the old key may write more).
/// Each finished pass is logged and audited (`key-rotation`, actor `system`).
///
/// ```swift
/// let rotation = KeyRotationService(store: store, logger: logger)
/// ```
public struct KeyRotationService: Service {
    let store: any KeyRotatingStore
    /// Rows per table per batch.
    public let batchSize: Int
    /// Pause between batches.
    public let pause: Duration
    /// Time between checks once nothing is left.
    public let interval: Duration
    let auditor: Auditor?
    let logger: Logger

    /// Creates the service; nothing runs until ``run()``.
    public init(
        store: any KeyRotatingStore & MessageStore, batchSize: Int = 100, pause: Duration = .milliseconds(20),
        interval: Duration = .seconds(600), logger: Logger
    ) {
        self.store = store
        self.batchSize = batchSize
        self.pause = pause
        self.interval = interval
        self.auditor = Auditor(store: store)
        self.logger = logger
    }

    /// Re-encrypts batches until none is left; returns the rows moved, per table.
    @discardableResult
    public func runOnce(pauseBetweenBatches: Bool = true) async throws -> [String: Int] {
        var moved: [String: Int] = [:]
        while !Task.isCancelled {
            let batch = try await store.reencrypt(batchSize: batchSize)
            if batch.total == 0 { break }
            moved.merge(batch.reencrypted, uniquingKeysWith: +)
            if pauseBetweenBatches { try await gracefulSleep(for: pause) }
        }
        let total = moved.values.reduce(0, +)
        if total > 0 {
            let detail = "re-encrypted \(moved["message"] ?? 0) messages, \(moved["entry"] ?? 0) entries, \(moved["attempt"] ?? 0) attempts"
            logger.notice(
                "Re-encrypted the store's rows under the current key",
                metadata: ["store.key_id": "\(store.currentKeyID ?? "none")", "store.rows": "\(total)"])
            try await auditor?.record(.keyRotation, by: .system, target: "key \(store.currentKeyID ?? "none")", detail: detail)
        }
        return moved
    }

    /// Runs ``runOnce(pauseBetweenBatches:)`` at start and every ``interval`` until graceful
    /// shutdown; a failed pass is logged and tried again at the next interval.
    public func run() async throws {
        guard store.currentKeyID != nil else { return await waitForShutdown() }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await runOnce()
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                logger.warning("Re-encryption failed; trying again later", metadata: ["store.error": "\(error)"])
            }
            do {
                try await gracefulSleep(for: interval)
            } catch {
                return
            }
        }
    }

    /// Without keys there is nothing to do; the service still lives until shutdown (a service
    /// that returns would stop the bus).
    func waitForShutdown() async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do { try await gracefulSleep(for: .seconds(3600)) } catch { return }
        }
    }
}
