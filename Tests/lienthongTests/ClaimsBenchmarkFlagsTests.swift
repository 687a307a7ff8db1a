import Foundation
import Testing

/// The benchmark flags of `claims validate` and `claims build` (bench/claims/run): rounds counted,
/// problems printed once, `--quiet` silent for valid files.
@Suite struct ClaimsBenchmarkFlagsTests {
    static let fixtures = ClaimsCommandTests.fixtures
    static let mappings = ClaimsBuildCommandTests.mappings

    @Test func validateRepeatsAndCounts() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-claims-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bundle = Self.fixtures.appendingPathComponent("fhir/outpatient-visit.json").path
        let built = try await CommandRun(["claims", "build", "--mappings", Self.mappings, "--facility", "79001", "--out", folder.path, bundle])
        #expect(built.status == 0, "\(built.errors)")
        let envelope = built.output.trimmingCharacters(in: .whitespacesAndNewlines)

        let quiet = try await CommandRun(["claims", "validate", "--quiet", "--repeat", "3", "--stats", envelope, envelope])
        #expect(quiet.status == 0, "\(quiet.errors)")
        #expect(quiet.output.isEmpty)
        #expect(quiet.errors.hasPrefix("validated 6 files in "), "\(quiet.errors)")
        #expect(quiet.errors.contains(" s of CPU: "))

        // An element the envelope does not know: its warning is printed once, whatever the rounds.
        let text = try String(contentsOf: URL(fileURLWithPath: envelope), encoding: .utf8)
        let broken = folder.appendingPathComponent("broken.xml")
        try text.replacingOccurrences(of: "<MACSKCB>79001</MACSKCB>", with: "<MACSKCB>79001</MACSKCB><EXTRA/>")
            .write(to: broken, atomically: true, encoding: .utf8)
        let repeated = try await CommandRun(["claims", "validate", "--repeat", "4", broken.path])
        let once = try await CommandRun(["claims", "validate", broken.path])
        #expect(repeated.errors == once.errors)
        #expect(repeated.output == once.output)
        #expect(!once.errors.isEmpty)
    }

    @Test func buildRepeatsInMemory() async throws {
        let bundle = Self.fixtures.appendingPathComponent("fhir/outpatient-visit.json").path
        let once = try await CommandRun(["claims", "build", "--mappings", Self.mappings, "--facility", "79001", bundle])
        let repeated = try await CommandRun(["claims", "build", "--mappings", Self.mappings, "--facility", "79001", "--repeat", "5", "--stats", bundle])
        #expect(repeated.status == 0, "\(repeated.errors)")
        #expect(repeated.output == once.output, "the rounds write nothing more")
        #expect(repeated.errors.hasPrefix("built 5 claims in "), "\(repeated.errors)")
    }
}
