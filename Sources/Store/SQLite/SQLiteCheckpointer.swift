import GRDB
import Logging
import Synchronization

/// Copies the WAL into the database file on its own connection, so that commits do not.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that
/// commit then copies up to a thousand pages and syncs the database file while every other
/// write waits (the long tail of ACK latency). The store turns it down on the writer (to a
/// backstop of ``backstopPages``) and calls ``committed()`` after each commit; every
/// ``interval`` commits this runs a *passive* checkpoint on a connection of its own, which
/// never blocks the writer or the readers.
final class SQLiteCheckpointer: Sendable {
    /// The writer's own automatic checkpoint threshold, in pages: reached only when the passive
    /// checkpoints cannot keep up (or the WAL cannot be restarted under constant writes).
    static let backstopPages = 8192

    private struct State {
        var commits = 0
        var running = false
        var checkpoints = 0
    }

    private let connection: DatabaseQueue
    private let interval: Int
    private let state = Mutex(State())
    private let logger: Logger

    /// Opens the checkpoint connection to the store's file.
    init(path: String, interval: Int = 64, logger: Logger) throws {
        var configuration = GRDB.Configuration()
        configuration.label = "lienthong.store.checkpoint"
        self.connection = try DatabaseQueue(path: path, configuration: configuration)
        self.interval = max(1, interval)
        self.logger = logger
    }

    /// Checkpoints run so far.
    var checkpoints: Int {
        state.withLock { $0.checkpoints }
    }

    /// Counts a commit; starts a checkpoint in the background every ``interval`` commits unless
    /// one is running.
    func committed() {
        let start = state.withLock { state -> Bool in
            state.commits += 1
            guard state.commits >= interval, !state.running else { return false }
            state.commits = 0
            state.running = true
            return true
        }
        guard start else { return }
        let logger = self.logger
        connection.asyncWriteWithoutTransaction { [self] db in
            do {
                let result = try db.checkpoint(.passive)
                logger.trace("WAL checkpoint", metadata: ["store.wal_frames": "\(result.walFrameCount)", "store.checkpointed_frames": "\(result.checkpointedFrameCount)"])
            } catch {
                logger.warning("WAL checkpoint failed; the writer's own checkpoint takes over", metadata: ["error": "\(error)"])
            }
            state.withLock { state in
                state.running = false
                state.checkpoints += 1
            }
        }
    }

    /// Closes the connection (after a running checkpoint).
    func close() throws {
        try connection.close()
    }
}
