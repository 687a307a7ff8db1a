import Foundation
import HL7v2
import Logging
import MLLP
import ProcessTesting
import Testing

/// `lienthong serve` with a route that maps HL7 v2 to FHIR, as an integration analyst runs it:
/// the mapped Bundle reaches the destination, and an edited mappings folder is reloaded on
/// SIGHUP without a restart — a broken edit is refused and the previous mappings keep mapping.
@Suite struct ServeMappingTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("mappings")

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

        let serve = try Serve.start(config: config)
        defer { serve.signal(SIGKILL) }
        let client = try Serve.client(port: try await Serve.port("listening: channel his on mllp://", of: serve))
        func send(_ controlID: String) async throws {
            #expect(try await client.send(Serve.admission(controlID)).code == .aa)
        }
        let platform = folder.appendingPathComponent("platform")

        try await send("M1")
        #expect(await Serve.eventually { files(in: platform).count == 1 })
        let first = try String(contentsOf: try #require(files(in: platform).first), encoding: .utf8)
        #expect(first.contains("\"resourceType\":\"Bundle\"") && first.contains("\"resourceType\":\"Patient\""))
        #expect(!first.contains("hot-reloaded"))

        // A broken edit: refused on SIGHUP, named by file and line; the bus keeps mapping.
        let segment = mappings.appendingPathComponent("v2-to-fhir/segments/PID-Patient.map")
        let original = try String(contentsOf: segment, encoding: .utf8)
        try (original + "\nPID-5 -> nosuchElement via XPN-HumanName\n").write(to: segment, atomically: true, encoding: .utf8)
        serve.signal(SIGHUP)
        #expect(await Serve.eventually { serve.errors.contains("mappings not reloaded") })
        #expect(serve.errors.contains("PID-Patient.map:"))
        try await send("M2")
        #expect(await Serve.eventually { files(in: platform).count == 2 })

        // The fixed edit: reloaded on SIGHUP; the next message shows it.
        try (original + "\n\"hot-reloaded\" -> identifier[+].system\n").write(to: segment, atomically: true, encoding: .utf8)
        serve.signal(SIGHUP)
        #expect(await Serve.eventually { serve.errors.contains("mappings reloaded") })
        try await send("M3")
        #expect(await Serve.eventually { files(in: platform).count == 3 })
        let contents = try files(in: platform).map { try String(contentsOf: $0, encoding: .utf8) }
        #expect(contents.filter { $0.contains("hot-reloaded") }.count == 1, "only the message mapped after the reload")
        #expect(!serve.errors.contains("NGUYEN"), "no patient data in the log")

        await client.close()
        #expect(await Serve.stop(serve) == 0)
    }
}
