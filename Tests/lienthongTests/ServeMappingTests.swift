import Foundation
import HL7v2
import Logging
import MLLP
import Synchronization
import Testing

/// `lienthong serve` with a route that maps HL7 v2 to FHIR, as an integration analyst runs it:
/// the mapped Bundle reaches the destination, and an edited mappings folder is reloaded on
/// SIGHUP without a restart — a broken edit is refused and the previous mappings keep mapping.
@Suite struct ServeMappingTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("mappings")

    /// Collects a process's standard error as it comes.
    final class Collector: Sendable {
        let text = Mutex("")
        func contains(_ part: String) -> Bool { text.withLock { $0.contains(part) } }
    }

    /// Waits (bounded) until `condition` holds; returns whether it did.
    func eventually(_ condition: () throws -> Bool) async throws -> Bool {
        for _ in 0..<300 {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

    func files(in folder: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func serveMapsARouteToFHIRAndReloadsEditedMappingsOnSIGHUP() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-serve-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let mappings = folder.appendingPathComponent("mappings")
        try FileManager.default.copyItem(at: Self.shipped, to: mappings)
        let config = folder.appendingPathComponent("bus.yaml")
        try """
            mappings: {folder: mappings, watch: off}
            channels:
              his:
                mllp: {port: 0}
                routes:
                  - {destination: platform, mapping: v2-to-fhir}
            destinations:
              platform: {file: {directory: platform}}
            """.write(to: config, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = try CrashTests.executable()
        process.arguments = ["serve", "--config", config.path, "--log-level", "notice"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let log = Collector()
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            log.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { throw CrashTestError("serve exited before listening") }
            text += String(decoding: data, as: UTF8.self)
        }
        let port = try #require(Int(text.split(separator: "\n")[0].split(separator: ":").last ?? ""))
        let client = try MLLPClient(
            configuration: .init(host: "127.0.0.1", port: port, connectTimeout: .seconds(5), responseTimeout: .seconds(10)),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        func send(_ controlID: String) async throws {
            let message = try Message(
                "MSH|^~\\&|HIS|BV_A|BUS|SYT|20261122093000||ADT^A01^ADT_A01|\(controlID)|P|2.5\rEVN||20261122093000\r"
                    + "PID|1||P1^^^BV_A^MR||NGUYEN^AN||19800101|F\rPV1|1|I\r")
            #expect(try await client.send(message).code == .aa)
        }
        let platform = folder.appendingPathComponent("platform")

        try await send("M1")
        #expect(try await eventually { files(in: platform).count == 1 })
        let first = try String(contentsOf: try #require(files(in: platform).first), encoding: .utf8)
        #expect(first.contains("\"resourceType\":\"Bundle\"") && first.contains("\"resourceType\":\"Patient\""))
        #expect(!first.contains("hot-reloaded"))

        // A broken edit: refused on SIGHUP, named by file and line; the bus keeps mapping.
        let segment = mappings.appendingPathComponent("v2-to-fhir/segments/PID-Patient.map")
        let original = try String(contentsOf: segment, encoding: .utf8)
        try (original + "\nPID-5 -> nosuchElement via XPN-HumanName\n").write(to: segment, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        #expect(try await eventually { log.contains("mappings not reloaded") })
        #expect(log.contains("PID-Patient.map:"))
        try await send("M2")
        #expect(try await eventually { files(in: platform).count == 2 })

        // The fixed edit: reloaded on SIGHUP; the next message shows it.
        try (original + "\n\"hot-reloaded\" -> identifier[+].system\n").write(to: segment, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        #expect(try await eventually { log.contains("mappings reloaded") })
        try await send("M3")
        #expect(try await eventually { files(in: platform).count == 3 })
        let contents = try files(in: platform).map { try String(contentsOf: $0, encoding: .utf8) }
        #expect(contents.filter { $0.contains("hot-reloaded") }.count == 1, "only the message mapped after the reload")
        #expect(!log.contains("NGUYEN"), "no patient data in the log")

        await client.close()
        process.terminate()
        process.waitUntilExit()
        errors.fileHandleForReading.readabilityHandler = nil
        #expect(process.terminationStatus == 0)
    }
}
