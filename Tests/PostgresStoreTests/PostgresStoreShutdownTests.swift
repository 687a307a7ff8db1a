import Foundation
import PostgresNIO
import PostgresStore
import ProcessTesting
import Store
import StoreTesting
import Synchronization
import Testing

/// A store stops whenever it is cancelled: before, during or after its migration, with
/// operations running. (The pool closing under a running migration or transaction used to hang
/// it: postgres-nio 1.33 never answers a query written to a connection it has just closed.)
@Suite("PostgresStore shutdown", .enabled(if: TestServer.isEnabled))
struct PostgresStoreShutdownTests {
    /// Starts a store in a new schema with a writer and a wake-up reader beside it, cancels them
    /// all after `delay`, and waits up to `bound` for the run to end; whether it ended.
    static func endsWhenCancelled(after delay: Duration, poolSize: Int, bound: Duration = .seconds(30)) async throws -> Bool {
        var configuration = try TestServer.configuration()
        configuration.poolSize = poolSize
        let store = try PostgresStore(configuration: configuration, logger: TestServer.logger)
        let run = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                group.addTask { for await _ in store.wakeUps() {} }
                group.addTask {
                    try await store.waitUntilReady()
                    var stored = 0
                    while !Task.isCancelled {
                        _ = try await store.receive(StoreConformance.incoming(controlID: "S\(stored)"), deduplicationWindow: .seconds(60))
                        stored += 1
                    }
                }
                try await group.waitForAll()
            }
        }
        try await Task.sleep(for: delay)
        run.cancel()
        let ended = Mutex(false)
        Task {
            _ = await run.result
            ended.withLock { $0 = true }
        }
        // A bound against hangs, not a timing assertion.
        return await eventually(timeout: bound) { ended.withLock { $0 } }
    }

    @Test("a store cancelled at any moment of its start stops", arguments: [1, 3])
    func cancelledAtAnyMomentStops(poolSize: Int) async throws {
        // The migration takes a few hundred milliseconds: these moments fall before, in and after
        // it (after it, the writer's transactions are running when the store is cancelled).
        for milliseconds in [0, 20, 40, 60, 80, 100, 130, 160, 200, 300] + Array(stride(from: 500, through: 1500, by: 125)) {
            let ended = try await Self.endsWhenCancelled(after: .milliseconds(milliseconds), poolSize: poolSize)
            #expect(ended, "pool of \(poolSize): cancelled \(milliseconds) ms after it started, the store did not stop within 30 s")
            guard ended else { return }
        }
    }
}
