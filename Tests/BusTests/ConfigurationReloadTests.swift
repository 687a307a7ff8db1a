import Foundation
import HL7v2
import Logging
import MLLP
import MLLPTesting
import NIOCore
import ServiceLifecycle
import Store
import Synchronization
import Testing
@testable import Bus

/// Hot reload of a running node's configuration file: routes swap under an open MLLP
/// connection, queued entries survive a destination change, an invalid file is refused.
@Suite struct ConfigurationReloadTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A folder with the configuration file `bus.yaml` (its store beside it).
    struct Setup {
        let folder: URL
        var file: URL { folder.appendingPathComponent("bus.yaml") }

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-reload-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }

        func write(_ yaml: String) throws {
            try yaml.write(to: file, atomically: true, encoding: .utf8)
        }

        func load() throws -> BusConfiguration {
            try BusConfiguration(contentsOf: file, name: "bus.yaml", environment: [:])
        }

        /// The files a file destination wrote into `name`.
        func files(in name: String) -> [String] {
            let folder = self.folder.appendingPathComponent(name)
            return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".hl7") }
        }

        /// The control IDs of the messages a file destination wrote into `name`.
        func controlIDs(in name: String) -> Set<String> {
            Set(files(in: name).compactMap { file in
                let bytes = try? Data(contentsOf: folder.appendingPathComponent(name).appendingPathComponent(file))
                return bytes.flatMap { try? Message(Array($0)) }?.controlID
            })
        }
    }

    /// The port of each MLLP channel, as its listener binds.
    final class Ports: Sendable {
        let value = Mutex<[String: Int]>([:])
        func withLock<T>(_ body: (inout [String: Int]) -> T) -> T { value.withLock { body(&$0) } }
    }

    /// Runs a node on the configuration in `setup` (reloadable from its file) around `body`,
    /// with the port of each MLLP channel as it binds.
    func withNode(
        _ setup: Setup, _ body: (_ node: BusNode, _ store: any MessageStore, _ ports: Ports) async throws -> Void
    ) async throws {
        let configuration = try setup.load()
        let store = try SQLiteStore(configuration: .init(path: setup.folder.appendingPathComponent("bus.sqlite").path), logger: logger)
        var node = BusNode(configuration: configuration, store: store, logger: logger)
        node.pollInterval = .milliseconds(50)
        node.reloadsMappingsOnHangUp = false
        node.configurationLoader = { try setup.load() }
        node.configurationFile = setup.file.path
        let ports = Ports()
        let services = try node.services { channel, address in ports.withLock { $0[channel] = address.port ?? 0 } }
        let group = ServiceGroup(services: services, logger: logger)
        let expected = configuration.channels.filter { $0.listener != nil }.count
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            #expect(await eventually { ports.withLock { $0.count } == expected })
            do {
                try await body(node, store, ports)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try store.close()
    }

    func client(_ port: Int) throws -> MLLPClient {
        try MLLPClient(configuration: .init(host: "127.0.0.1", port: port, connectTimeout: .seconds(30), responseTimeout: .seconds(60)), logger: logger)
    }

    func message(_ controlID: String) throws -> Message {
        try Message(hl7("ADT^A01^ADT_A01", controlID: controlID, patient: "P1"))
    }

    @Test func aRouteChangeAppliesWithoutDroppingTheOpenConnection() async throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        try setup.write("""
            channels:
              his:
                mllp: {port: 0}
                routes: [{destination: a}]
            destinations:
              a: {file: {directory: a}}
            """)
        try await withNode(setup) { node, _, ports in
            let client = try client(try #require(ports.withLock { $0["his"] }))
            #expect(try await client.send(message("M1")).code == .aa)
            #expect(await eventually { setup.controlIDs(in: "a") == ["M1"] })

            try setup.write("""
                channels:
                  his:
                    mllp: {port: 0}
                    routes: [{destination: b, message-types: ["ADT^A01"]}]
                destinations:
                  a: {file: {directory: a}}
                  b: {file: {directory: b}}
                """)
            let result = await node.reload()
            #expect(result.applied, "\(result.errors)")
            #expect(result.errors.isEmpty)
            #expect(result.changes.contains("destination b: added"))
            #expect(!result.changes.contains { $0.hasPrefix("channel his") }, "the listener keeps running: \(result.changes)")

            // The same connection: acknowledged, and routed by the new routes.
            #expect(try await client.send(message("M2")).code == .aa)
            #expect(await eventually { setup.controlIDs(in: "b") == ["M2"] })
            #expect(setup.controlIDs(in: "a") == ["M1"])
            await client.close()
        }
    }

    @Test func aChangedListenerRestartsAndAnAddedOneStarts() async throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        try setup.write("""
            channels:
              his: {mllp: {port: 0}, routes: [{destination: a}]}
            destinations:
              a: {file: {directory: a}}
            """)
        try await withNode(setup) { node, _, ports in
            let before = try #require(ports.withLock { $0["his"] })
            try setup.write("""
                channels:
                  his: {mllp: {port: 0, idle-timeout: 1m}, routes: [{destination: a}]}
                  lab: {mllp: {port: 0}, routes: [{destination: a}]}
                destinations:
                  a: {file: {directory: a}}
                """)
            let result = await node.reload()
            #expect(result.applied, "\(result.errors)")
            #expect(result.changes.contains("channel his: listener restarted with new settings"))
            #expect(result.changes.contains("channel lab: added"))
            let lab = try #require(ports.withLock { $0["lab"] })
            let his = try #require(ports.withLock { $0["his"] })
            #expect(his != before, "a new listener on a new free port")
            let labClient = try client(lab)
            #expect(try await labClient.send(message("L1")).code == .aa)
            let hisClient = try client(his)
            #expect(try await hisClient.send(message("H1")).code == .aa)
            #expect(await eventually { setup.controlIDs(in: "a") == ["L1", "H1"] })
            await labClient.close()
            await hisClient.close()
        }
    }

    @Test func queuedEntriesSurviveADestinationChange() async throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let closedPort = try await freeLoopbackPort(logger: logger)
        try setup.write("""
            channels:
              his: {mllp: {port: 0}, routes: [{destination: lis}]}
            destinations:
              lis:
                mllp: {host: 127.0.0.1, port: \(closedPort), connect-timeout: 1s}
                retry: {initial-delay: 100ms, maximum-delay: 200ms, maximum-attempts: unlimited}
            """)
        try await withNode(setup) { node, store, ports in
            let client = try client(try #require(ports.withLock { $0["his"] }))
            for id in ["Q1", "Q2", "Q3"] { #expect(try await client.send(message(id)).code == .aa) }
            // Nothing listens on the destination's port: the entries wait, attempted at least once.
            #expect(
                try await eventually {
                    let entries = try await store.entries(destination: "lis", state: nil, after: nil, limit: 10)
                    return entries.count == 3 && entries.allSatisfy { $0.state != .delivered && $0.attemptCount > 0 }
                })

            // The destination now writes files: the queued entries are delivered there.
            try setup.write("""
                channels:
                  his: {mllp: {port: 0}, routes: [{destination: lis}]}
                destinations:
                  lis: {file: {directory: lis}}
                """)
            let result = await node.reload()
            #expect(result.applied, "\(result.errors)")
            #expect(result.changes.contains("destination lis: restarted with new settings"))
            #expect(await eventually { setup.controlIDs(in: "lis") == ["Q1", "Q2", "Q3"] })

            // Removed: it stops, and what is queued for it stays in the store.
            try setup.write("""
                channels:
                  his: {mllp: {port: 0}, routes: [{destination: other}]}
                destinations:
                  other: {mllp: {host: 127.0.0.1, port: \(closedPort), connect-timeout: 1s}, paused: true}
                """)
            let removal = await node.reload()
            #expect(removal.applied, "\(removal.errors)")
            #expect(removal.changes.contains("destination lis: removed (its queue entries are kept)"))
            #expect(try await client.send(message("Q4")).code == .aa)
            #expect(
                try await eventually {
                    try await store.entries(destination: "other", state: .pending, after: nil, limit: 10).count == 1
                })
            #expect(try await store.entries(destination: "lis", state: .delivered, after: nil, limit: 10).count == 3)
            await client.close()
        }
    }

    @Test func anInvalidConfigurationIsRefusedAndTheOldOneKeepsRunning() async throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let valid = """
            channels:
              his: {mllp: {port: 0}, routes: [{destination: a}]}
            destinations:
              a: {file: {directory: a}}
            """
        try setup.write(valid)
        try await withNode(setup) { node, _, ports in
            let client = try client(try #require(ports.withLock { $0["his"] }))
            try setup.write("""
                channels:
                  his:
                    mllp: {port: http}
                    routes: [{destination: b}]
                destinations:
                  b: {file: {directory: b}}
                """)
            let refused = await node.reload()
            #expect(!refused.applied)
            #expect(refused.errors.count == 1)
            #expect(refused.errors.first?.hasPrefix("bus.yaml:3:") == true)
            #expect(refused.errors.first?.contains(#"channels.his.mllp.port: expected a port (0–65535), found "http""#) == true)

            // A route to an unknown destination: refused, naming file, line and key.
            try setup.write("""
                channels:
                  his: {mllp: {port: 0}, routes: [{destination: nowhere}]}
                destinations:
                  a: {file: {directory: a}}
                """)
            let unknown = await node.reload()
            #expect(!unknown.applied)
            #expect(unknown.errors.first?.hasPrefix("bus.yaml:2:") == true)
            #expect(unknown.errors.first?.hasSuffix(#"channels.his.routes[0].destination: no destination named "nowhere""#) == true)

            // The store cannot change while the bus runs.
            try setup.write("store: {sqlite: {path: other.sqlite}}\n" + valid)
            let store = await node.reload()
            #expect(!store.applied)
            #expect(store.errors.contains { $0.contains("needs a restart") })

            // The old configuration keeps running.
            #expect(try await client.send(message("K1")).code == .aa)
            #expect(await eventually { setup.controlIDs(in: "a") == ["K1"] })
            #expect(setup.files(in: "b").isEmpty)
            await client.close()
        }
    }

    @Test func everyReloadIsAudited() async throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let valid = """
            channels:
              his: {mllp: {port: 0}, routes: [{destination: a}]}
            destinations:
              a: {file: {directory: a}}
            """
        try setup.write(valid)
        try await withNode(setup) { node, store, _ in
            try setup.write(valid.replacingOccurrences(of: "directory: a}", with: "directory: a2}"))
            let changed = await node.reload()
            #expect(changed.applied && !changed.changes.isEmpty)
            try setup.write("channels: {his: {mllp: {port: http}}}\n")
            let refused = await node.reload()
            #expect(!refused.applied && !refused.errors.isEmpty)
            try setup.write(valid)
            let back = await node.reload(by: .user("lan"), client: "127.0.0.1")
            #expect(back.applied)

            let log = try #require(store as? any AuditLog)
            let records = try await log.auditRecords(matching: AuditQuery(), after: nil, limit: 10)
            #expect(records.map(\.action) == [.configReload, .configReload, .configReload])
            #expect(records.map(\.target) == Array(repeating: setup.file.path, count: 3))
            #expect(records.map(\.actor) == [.system, .system, .user("lan")])
            #expect(records.map(\.detail) == [
                "admin: applied, \(changed.changes.count) changes", "admin: refused, \(refused.errors.count) errors",
                "admin: applied, \(back.changes.count) changes",
            ])
            #expect(records.map(\.clientAddress) == [nil, nil, "127.0.0.1"])
            let verification = try await log.verifyAuditChain()
            #expect(verification.isIntact)
            #expect(verification.recordCount == 3)
        }
    }

    @Test func aNodeWithoutALoaderRefusesReloads() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let configuration = BusConfiguration(store: .sqlite(.init(path: temporary.folder.appendingPathComponent("bus.sqlite").path)), channels: [], destinations: [])
        let node = BusNode(configuration: configuration, store: temporary.store, logger: logger)
        #expect(await node.reload().errors == ["the bus is not running"])
        _ = try node.services()
        #expect(await node.reload().errors == ["the bus was started without a configuration file: there is nothing to reload"])
    }
}
