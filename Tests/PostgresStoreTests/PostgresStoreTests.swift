import Foundation
import PostgresNIO
import PostgresStore
import Store
import StoreTesting
import Synchronization
import Testing

@Suite("PostgresStore configuration")
struct PostgresStoreConfigurationTests {
    @Test("a URL sets host, port, user, password, database and the query settings")
    func url() throws {
        let configuration = try PostgresStore.Configuration(
            url: "postgres://bus:s%40cret@db.example:6543/lienthong?schema=bus_a&sslmode=require&pool-size=7"
        )
        #expect(configuration.host == "db.example")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "bus")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == "lienthong")
        #expect(configuration.schema == "bus_a")
        #expect(configuration.tls == .require)
        #expect(configuration.poolSize == 7)
        let defaults = try PostgresStore.Configuration(url: "postgresql://localhost")
        #expect(defaults.port == 5432 && defaults.username == "lienthong" && defaults.database == nil && defaults.schema == "public")
    }

    @Test("the password is never shown, not even in errors")
    func redaction() throws {
        let configuration = try PostgresStore.Configuration(url: "postgres://bus:hunter2@db/lienthong")
        #expect(!configuration.description.contains("hunter2"))
        #expect(configuration.description.contains("<redacted>"))
        for url in ["mysql://bus:hunter2@db/x", "postgres://bus:hunter2@db/x?sslmode=hunter3", "postgres://bus:hunter2@db/x?pool-size=0"] {
            let error = #expect(throws: PostgresStore.ConfigurationError.self) { try PostgresStore.Configuration(url: url) }
            #expect(error.map { !"\($0)".contains("hunter2") } == true)
        }
    }

    @Test("schema names are plain identifiers")
    func schemaNames() throws {
        for bad in ["", "Bus", "1bus", "bus;drop", "bus-a", String(repeating: "a", count: 54)] {
            #expect(throws: PostgresStore.ConfigurationError.self) { try PostgresStore.Configuration(schema: bad).validate() }
        }
        try PostgresStore.Configuration(schema: "bus_2").validate()
    }
}

@Suite("PostgresStore on a server", .enabled(if: TestServer.isEnabled))
struct PostgresStoreTests {
    @Test("migrations are versioned, applied once, and a second start finds nothing to do")
    func migrations() async throws {
        let configuration = try TestServer.configuration()
        try await withTemporaryPostgresStore(configuration: configuration) { store in
            let rows = try await store.client.query("SELECT version FROM schema_migration ORDER BY version").collect()
            let versions = try rows.map { try $0.decode(Int.self) }
            #expect(versions == Array(1...versions.count) && !versions.isEmpty)
            // A second store on the same schema (a second bus process) starts on the migrated schema.
            let second = try PostgresStore(configuration: configuration, logger: TestServer.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await second.run() }
                try await second.waitUntilReady()
                let id = try await store.receive(StoreConformance.incoming(controlID: "M1"), deduplicationWindow: .zero).messageID
                #expect(try await second.message(id)?.header.controlID == "M1")
                group.cancelAll()
            }
            let after = try await store.client.query("SELECT count(*) FROM schema_migration").collect()
            #expect(try after.first?.decode(Int.self) == versions.count)
        }
    }

    @Test("copies of one message arriving at once on several connections are stored once")
    func concurrentDuplicates() async throws {
        try await withTemporaryPostgresStore { store in
            let results = try await withThrowingTaskGroup(of: ReceiveResult.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await store.receive(StoreConformance.incoming(controlID: "DUP"), deduplicationWindow: .seconds(60))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let stored = results.filter { if case .stored = $0 { true } else { false } }
            #expect(stored.count == 1)
            #expect(Set(results.map(\.messageID)).count == 1)
            #expect(try await store.message(results[0].messageID)?.retransmissionCount == 7)
            #expect(try await store.pendingRouting(limit: 10).count == 1)
        }
    }

    @Test("two stores (two bus processes) leasing one destination never lease an entry twice")
    func twoProcessesLease() async throws {
        let configuration = try TestServer.configuration()
        try await withTemporaryPostgresStore(configuration: configuration) { first in
            let second = try PostgresStore(configuration: configuration, logger: TestServer.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await second.run() }
                try await second.waitUntilReady()
                var enqueued: [EntryID] = []
                for index in 0..<60 {
                    let id = try await first.receive(StoreConformance.incoming(controlID: "C\(index)"), deduplicationWindow: .zero).messageID
                    enqueued += try await first.route(id, entries: [RouteEntry(destination: "lab")], now: StoreConformance.epoch)
                }
                let leased = try await withThrowingTaskGroup(of: [EntryID].self) { workers in
                    for store in [first, second, first, second] {
                        workers.addTask {
                            var mine: [EntryID] = []
                            while true {
                                let batch = try await store.lease(
                                    destination: "lab", limit: 4, duration: .seconds(30), now: StoreConformance.epoch)
                                if batch.isEmpty { return mine }
                                mine += batch.map(\.entry.id)
                            }
                        }
                    }
                    return try await workers.reduce(into: []) { $0 += $1 }
                }
                #expect(leased.count == enqueued.count)
                #expect(Set(leased) == Set(enqueued))
                group.cancelAll()
            }
        }
    }
}

@Suite("PostgresStore wake-ups", .enabled(if: TestServer.isEnabled))
struct PostgresStoreWakeUpTests {
    /// Collects a stream's wake-ups as they come.
    final class Collector: Sendable {
        let received = Mutex<[StoreWakeUp]>([])

        /// Returns once `wakeUp` has come (failing the test after 10 s, so a lost one cannot hang the suite).
        func wait(for wakeUp: StoreWakeUp, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            for _ in 0..<1_000 {
                if received.withLock({ $0.contains(wakeUp) }) {
                    received.withLock { $0.removeAll() }
                    return
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            Issue.record("no \(wakeUp) came; got \(received.withLock { $0 })", sourceLocation: sourceLocation)
        }
    }

    @Test("with a pool of one, the listener does not take the operations' connection", .timeLimit(.minutes(1)))
    func poolOfOne() async throws {
        var configuration = try TestServer.configuration()
        configuration.poolSize = 1
        try await withTemporaryPostgresStore(configuration: configuration) { store in
            let collector = Collector()
            let wakeUps = store.wakeUps()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await wakeUp in wakeUps { collector.received.withLock { $0.append(wakeUp) } }
                }
                // Store until a message's wake-up comes (the listener may not listen yet at
                // first): then the listener holds its connection, and operations still run.
                var stored = 0
                while !collector.received.withLock({ $0.contains(.routing) }), stored < 200 {
                    _ = try await store.receive(StoreConformance.incoming(controlID: "ONE\(stored)"), deduplicationWindow: .zero)
                    stored += 1
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(collector.received.withLock { $0.contains(.routing) })
                #expect(try await store.pendingRouting(limit: 1_000).count == stored)
                group.cancelAll()
            }
        }
    }

    @Test("what one store (another bus process) writes wakes the other's listeners")
    func acrossProcesses() async throws {
        let configuration = try TestServer.configuration()
        try await withTemporaryPostgresStore(configuration: configuration) { writer in
            let reader = try PostgresStore(configuration: configuration, logger: TestServer.logger)
            let collector = Collector()
            let wakeUps = reader.wakeUps()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await reader.run() }
                group.addTask {
                    for await wakeUp in wakeUps { collector.received.withLock { $0.append(wakeUp) } }
                }
                // Listening (the reader announces it with `everything`).
                try await collector.wait(for: .everything)
                let id = try await writer.receive(StoreConformance.incoming(controlID: "W1"), deduplicationWindow: .zero).messageID
                try await collector.wait(for: .routing)
                try await writer.route(id, entries: [RouteEntry(destination: "lab", orderingKey: "P1")], now: StoreConformance.epoch)
                try await collector.wait(for: .queue(destination: "lab"))
                let lease = try await writer.lease(destination: "lab", limit: 1, duration: .seconds(30), now: StoreConformance.epoch)[0]
                try await writer.recordAttempt(
                    nil, for: lease, outcome: .retry(notBefore: StoreConformance.epoch), now: StoreConformance.epoch)
                try await collector.wait(for: .queue(destination: "lab"))
                group.cancelAll()
            }
        }
    }
}
