import Foundation
import InsuranceVN
import Testing

/// `lienthong claims build` and `claims validate`, run as the built executable.
@Suite struct ClaimsBuildCommandTests {
    static let fixtures = ClaimsCommandTests.fixtures
    static let mappings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("mappings").path

    @Test func buildsAnEnvelopeThatValidatesAndTablesThatDoNot() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-claims-build-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bundle = Self.fixtures.appendingPathComponent("fhir/inpatient-stay.json").path
        let built = try await CommandRun(["claims", "build", "--mappings", Self.mappings, "--facility", "79001", "--out", folder.path, bundle])
        #expect(built.status == 0, "\(built.errors)")
        let envelope = folder.appendingPathComponent("79001.240310.000456.xml")
        #expect(built.output.trimmingCharacters(in: .whitespacesAndNewlines) == envelope.path)
        let read = try ClaimEnvelope(xml: try Data(contentsOf: envelope))
        #expect(read.files.map(\.table) == ["XML1", "XML2", "XML3", "XML4", "XML5"])

        let valid = try await CommandRun(["claims", "validate", envelope.path])
        #expect(valid.status == 0, "\(valid.errors)")
        #expect(valid.output.contains("valid (0 errors"))

        // One table written on its own, then broken: a comma as decimal point.
        let tables = folder.appendingPathComponent("tables")
        let table = try await CommandRun(["claims", "build", "--mappings", Self.mappings, "--facility", "79001", "--table", "XML2", "--out", tables.path, bundle])
        #expect(table.status == 0, "\(table.errors)")
        let drugs = tables.appendingPathComponent("XML2.xml")
        let text = try String(contentsOf: drugs, encoding: .utf8).replacingOccurrences(of: "<SO_LUONG>10</SO_LUONG>", with: "<SO_LUONG>1,5</SO_LUONG>")
        try text.write(to: drugs, atomically: true, encoding: .utf8)
        let invalid = try await CommandRun(["claims", "validate", drugs.path])
        #expect(invalid.status == 1)
        #expect(invalid.errors.contains("XML2 [schema]"))
        #expect(invalid.errors.contains("XML2 record 1 SO_LUONG [XML2.SO_LUONG.type]: Không phải là số"))
        #expect(invalid.errors.contains("/ Not a number"))
        #expect(!invalid.errors.contains("1,5"), "problems never print a value")
    }

    /// HL7 v2 messages of one stay build one claim; what v2 does not carry makes it fail validation.
    @Test func buildsFromHL7v2AndExitsOneOnErrors() async throws {
        let messages = ["visit-adt-a03.hl7", "visit-dft-p03.hl7", "visit-oru-r01.hl7"].map { Self.fixtures.appendingPathComponent("hl7v2/\($0)").path }
        let built = try await CommandRun(["claims", "build", "--mappings", Self.mappings, "--facility", "79001", "--profile", "vn-core"] + messages)
        #expect(built.status == 1)
        #expect(built.output.contains("<GIAMDINHHS>"))
        #expect(built.errors.contains("[XML2.DUONG_DUNG.required]"))
        #expect(!built.errors.contains("Lê Văn Đức"))
    }
}
