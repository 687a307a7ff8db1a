import Foundation
import HL7v2
import Logging
import MLLP
import Synchronization
import Testing

/// `lienthong serve --config FILE` reloads FILE on SIGHUP and on `lienthong config reload`: a
/// route change applies while an MLLP connection stays open; an invalid file is refused with
/// file, line and key, and the running configuration keeps routing.
@Suite struct ServeReloadTests {
    /// Collects a process's output as it comes.
    final class Collector: Sendable {
        let text = Mutex("")
        func contains(_ part: String) -> Bool { text.withLock { $0.contains(part) } }
        func lines(prefixed prefix: String) -> [String] {
            text.withLock { $0.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) } }
        }
    }

    /// Waits (bounded) until `condition` holds; returns whether it did.
    func eventually(_ condition: () throws -> Bool) async rethrows -> Bool {
        for _ in 0..<300 {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

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

        let process = Process()
        process.executableURL = try CrashTests.executable()
        process.arguments = ["serve", "--config", config.path, "--log-level", "notice"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let log = Collector()
        let printed = Collector()
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            log.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            printed.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        #expect(await eventually { printed.contains("/admin/reload\n") && printed.contains("mllp://") })
        let mllpLine = try #require(printed.lines(prefixed: "listening: channel his on mllp://").first)
        let port = try #require(Int(mllpLine.split(separator: ":").last ?? ""))
        let adminLine = try #require(printed.lines(prefixed: "listening: admin on ").first)
        let admin = String(try #require(adminLine.split(separator: " ").last).dropLast("/admin/reload".count))

        let client = try MLLPClient(
            configuration: .init(host: "127.0.0.1", port: port, connectTimeout: .seconds(5), responseTimeout: .seconds(10)),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        func send(_ controlID: String) async throws {
            let message = try Message(
                "MSH|^~\\&|HIS|BV_A|BUS|SYT|20261122093000||ADT^A01^ADT_A01|\(controlID)|P|2.5\rEVN||20261122093000\r"
                    + "PID|1||P1^^^BV_A^MR||NGUYEN^AN||19800101|F\rPV1|1|I\r")
            #expect(try await client.send(message).code == .aa)
        }
        let a = folder.appendingPathComponent("a")
        let b = folder.appendingPathComponent("b")

        try await send("M1")
        #expect(await eventually { controlIDs(in: a) == ["M1"] })

        // SIGHUP: the route now goes to b; the same connection keeps being answered.
        try Self.configuration(destination: "b").write(to: config, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        #expect(await eventually { log.contains("configuration reloaded") })
        try await send("M2")
        #expect(await eventually { controlIDs(in: b) == ["M2"] })

        // An invalid file, by the admin command: refused with file, line and key; b keeps getting messages.
        try Self.configuration(destination: "a", port: "http").write(to: config, atomically: true, encoding: .utf8)
        let refused = try CommandRun(["config", "reload", "--url", admin])
        #expect(refused.status == 1)
        #expect(refused.output.contains("not reloaded"), "\(refused.output)\(refused.errors)")
        #expect(refused.output.contains("error: \(config.path):4:"), "\(refused.output)")
        #expect(refused.output.contains("channels.his.mllp.port"), "\(refused.output)")
        #expect(log.contains("configuration not reloaded"))
        try await send("M3")
        #expect(await eventually { controlIDs(in: b) == ["M2", "M3"] })

        // Fixed, by the admin command again: applied.
        try Self.configuration(destination: "a").write(to: config, atomically: true, encoding: .utf8)
        let applied = try CommandRun(["config", "reload", "--url", admin])
        #expect(applied.status == 0, "\(applied.output)\(applied.errors)")
        #expect(applied.output.hasPrefix("reloaded\n"), "\(applied.output)")
        try await send("M4")
        #expect(await eventually { controlIDs(in: a) == ["M1", "M4"] })
        #expect(!log.contains("NGUYEN"), "no patient data in the log")

        await client.close()
        process.terminate()
        process.waitUntilExit()
        errors.fileHandleForReading.readabilityHandler = nil
        output.fileHandleForReading.readabilityHandler = nil
        #expect(process.terminationStatus == 0)
    }
}
