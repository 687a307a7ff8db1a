import Foundation
import HL7v2
import Logging
import MLLP
import ProcessTesting
import Testing

/// `lienthong serve --config FILE` reloads FILE on SIGHUP and on `lienthong config reload`: a
/// route change applies while an MLLP connection stays open; an invalid file is refused with
/// file, line and key, and the running configuration keeps routing.
@Suite struct ServeReloadTests {
    /// The control IDs of the messages a file destination wrote into `folder`.
    func controlIDs(in folder: URL) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return Set(names.filter { $0.hasSuffix(".hl7") }.compactMap { name in
            (try? Data(contentsOf: folder.appendingPathComponent(name))).flatMap { try? Message(Array($0)) }?.controlID
        })
    }

    static func configuration(destination: String, port: String = "0") -> String {
        """
        http: {host: 127.0.0.1, port: 0}
        channels:
          his:
            mllp: {port: \(port)}
            routes: [{destination: \(destination)}]
        destinations:
          a: {file: {directory: a}}
          b: {file: {directory: b}}
        """
    }

    @Test func sighupAndConfigReloadApplyAValidFileAndRefuseAnInvalidOne() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-serve-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("bus.yaml")
        try Self.configuration(destination: "a").write(to: config, atomically: true, encoding: .utf8)

        let serve = try Serve.start(config: config)
        defer { serve.signal(SIGKILL) }
        let client = try Serve.client(port: try await Serve.port("listening: channel his on mllp://", of: serve))
        let reload = try await Serve.address("listening: admin on ", of: serve)
        let admin = String(reload.dropLast("/admin/reload".count))
        func send(_ controlID: String) async throws {
            #expect(try await client.send(Serve.admission(controlID)).code == .aa)
        }
        let a = folder.appendingPathComponent("a")
        let b = folder.appendingPathComponent("b")

        try await send("M1")
        #expect(await Serve.eventually { controlIDs(in: a) == ["M1"] })

        // SIGHUP: the route now goes to b; the same connection keeps being answered.
        try Self.configuration(destination: "b").write(to: config, atomically: true, encoding: .utf8)
        serve.signal(SIGHUP)
        #expect(await Serve.eventually { serve.errors.contains("configuration reloaded") })
        try await send("M2")
        #expect(await Serve.eventually { controlIDs(in: b) == ["M2"] })

        // An invalid file, by the admin command: refused with file, line and key; b keeps getting messages.
        try Self.configuration(destination: "a", port: "http").write(to: config, atomically: true, encoding: .utf8)
        let refused = try await CommandRun(["config", "reload", "--url", admin])
        #expect(refused.status == 1)
        #expect(refused.output.contains("not reloaded"), "\(refused.output)\(refused.errors)")
        #expect(refused.output.contains("error: \(config.path):4:"), "\(refused.output)")
        #expect(refused.output.contains("channels.his.mllp.port"), "\(refused.output)")
        #expect(serve.errors.contains("configuration not reloaded"))
        try await send("M3")
        #expect(await Serve.eventually { controlIDs(in: b) == ["M2", "M3"] })

        // Fixed, by the admin command again: applied.
        try Self.configuration(destination: "a").write(to: config, atomically: true, encoding: .utf8)
        let applied = try await CommandRun(["config", "reload", "--url", admin])
        #expect(applied.status == 0, "\(applied.output)\(applied.errors)")
        #expect(applied.output.hasPrefix("reloaded\n"), "\(applied.output)")
        try await send("M4")
        #expect(await Serve.eventually { controlIDs(in: a) == ["M1", "M4"] })
        #expect(!serve.errors.contains("NGUYEN"), "no patient data in the log")

        await client.close()
        #expect(await Serve.stop(serve) == 0)
    }
}
