import Foundation
import HL7v2
import MLLP
import Store
import Testing
@testable import Bus

/// Sender allow-lists on a running node: a refused MLLP connection stores nothing, and a reload
/// changes the list for new connections without restarting the listener.
extension ConfigurationReloadTests {
    @Test func aRefusedAddressStoresNothingAndAReloadChangesTheListForNewConnections() async throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        func write(allowing range: String) throws {
            try setup.write("""
                channels:
                  his:
                    mllp: {port: 0}
                    allow: {addresses: ["\(range)"]}
                    routes: [{destination: a}]
                destinations:
                  a: {file: {directory: a}}
                """)
        }
        try write(allowing: "127.0.0.2/32")
        try await withNode(setup) { node, store, ports in
            let port = try #require(ports.withLock { $0["his"] })
            // 127.0.0.1 is not 127.0.0.2: the connection is closed, nothing acknowledged or stored.
            let refused = try client(port)
            await #expect(throws: MLLPError.self) { try await refused.send(message("R1")) }
            await refused.close()
            #expect(try await store.messages(matching: MessageQuery(), after: nil, limit: 10).isEmpty)

            try write(allowing: "127.0.0.0/8")
            let widened = await node.reload()
            #expect(widened.applied, "\(widened.errors)")
            #expect(widened.changes.contains("channel his: allow-list replaced (for new connections and requests)"), "\(widened.changes)")
            #expect(!widened.changes.contains("channel his: listener restarted with new settings"))
            #expect(ports.withLock { $0["his"] } == port, "the listener keeps running")
            let allowed = try client(port)
            #expect(try await allowed.send(message("A1")).code == .aa)
            #expect(await eventually { setup.controlIDs(in: "a") == ["A1"] })

            // Narrowed again: the open connection goes on, a new one is refused.
            try write(allowing: "127.0.0.2/32")
            let narrowed = await node.reload()
            #expect(narrowed.applied, "\(narrowed.errors)")
            #expect(try await allowed.send(message("A2")).code == .aa)
            await allowed.close()
            let late = try client(port)
            await #expect(throws: MLLPError.self) { try await late.send(message("R2")) }
            await late.close()
            #expect(await eventually { setup.controlIDs(in: "a") == ["A1", "A2"] })
            let stored = try await store.messages(matching: MessageQuery(), after: nil, limit: 10)
            #expect(Set(stored.compactMap(\.header.controlID)) == ["A1", "A2"])
        }
    }
}
