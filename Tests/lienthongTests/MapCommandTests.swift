import Foundation
import Testing

/// `lienthong map run|check`, run as the built executable.
final class MapCommandTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-map-\(UUID().uuidString)")
    static let mappings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("mappings").path

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    func run(_ arguments: [String]) async throws -> CommandRun {
        try await CommandRun(arguments)
    }

    @Test func runPrintsOneBundlePerMessageAndNamesWhatWasNotMapped() async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("two.hl7")
        try ("MSH|^~\\&|HIS|BV|BUS|SYT|20261123083000||ADT^A01|C1|P|2.5\rEVN|A01\rPID|1||P1||DOE^J||19900401|F\r\n"
            + "MSH|^~\\&|HIS|BV|BUS|SYT|20261123083000||ZZZ^Z01|C2|P|2.5\r").write(to: file, atomically: true, encoding: .utf8)
        let result = try await run(["map", "run", "--mappings", Self.mappings, file.path])
        #expect(result.status == 1, "the ZZZ message has no message map")
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix(#"{"resourceType":"Bundle""#) == true)
        #expect(result.errors.contains("message 1 (C1): not mapped: EVN (segment 2)"))
        #expect(result.errors.contains("message 2 (C2): mappings: no message map takes ZZZ^Z01"))
    }

    @Test func runMapsAFHIRFileToHL7v2AndBackAgain() async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let message = folder.appendingPathComponent("oru.hl7")
        try ("MSH|^~\\&|LIS|BV|BUS|SYT|20261123083000||ORU^R01^ORU_R01|L1|P|2.5.1\rPID|1||P1^^^BV^MR||NGUYEN^AN||19900401|F\r"
            + "OBR|1||F1|718-7^Hemoglobin^LN\rOBX|1|NM|718-7^Hemoglobin^LN||13.2|g/dL^^UCUM|||||F\r").write(to: message, atomically: true, encoding: .utf8)
        let forward = try await run(["map", "run", "--mappings", Self.mappings, message.path])
        #expect(forward.status == 0)
        let bundle = folder.appendingPathComponent("oru.json")
        try forward.output.write(to: bundle, atomically: true, encoding: .utf8)

        let back = try await run(["map", "run", "--pretty", "--mappings", Self.mappings, bundle.path])
        #expect(back.status == 0, "\(back.errors)")
        let segments = back.output.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false) }
        #expect(segments.map { String($0[0]) }.starts(with: ["MSH", "PID"]))
        #expect(segments.first?[8] == "ORU^R01^ORU_R01")
        let obx = try #require(segments.first { $0[0] == "OBX" })
        #expect(obx[3].hasPrefix("718-7^Hemoglobin^LN") && obx[5] == "13.2", "OBX-3 and OBX-5 come back")
        let pid = try #require(segments.first { $0[0] == "PID" })
        #expect(pid[5].hasPrefix("NGUYEN^AN"))

        let notABundle = folder.appendingPathComponent("empty.json")
        try #"{"resourceType":"Bundle","type":"collection"}"#.write(to: notABundle, atomically: true, encoding: .utf8)
        let failed = try await run(["map", "run", "--mappings", Self.mappings, notABundle.path])
        #expect(failed.status == 1, "no map takes an empty Bundle")
    }

    @Test func checkNamesEveryProblemWithFileAndLine() async throws {
        let broken = folder.appendingPathComponent("mappings")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try "segment PID -> Patient\nPID-8 -> gendre\nPID-7 -> birthDate via date\n".write(
            to: broken.appendingPathComponent("PID-Patient.map"), atomically: true, encoding: .utf8)
        let bad = try await run(["map", "check", "--mappings", broken.path])
        #expect(bad.status == 1)
        #expect(bad.errors.contains("PID-Patient.map:2: Patient has no element gendre"))
        let good = try await run(["map", "check", "--mappings", Self.mappings])
        #expect(good.status == 0, "\(good.errors)")
        #expect(good.output.hasPrefix("ok: "))
    }
}
