import Foundation
import InsuranceVN
import Testing

/// `lienthong claims read`, run as the built executable.
@Suite struct ClaimsCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("InsuranceVNTests/Fixtures")

    @Test func readDecodesAnEnvelopeToJSONWithEveryFieldInOrder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-claims-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let documents = try [("outpatient-xml1.xml", "XML1"), ("outpatient-xml2.xml", "XML2")].map { file, table in
            try ClaimTableDocument(xml: try Data(contentsOf: Self.fixtures.appendingPathComponent(file)), table: try #require(ClaimDefinitions.standard[table]))
        }
        let envelope = try ClaimEnvelope(facilityCode: "79001", date: try #require(ClaimDate("20240315")), documents: documents)
        let file = folder.appendingPathComponent("claim.xml")
        try envelope.xml().write(to: file)

        let result = try await CommandRun(["claims", "read", file.path])
        #expect(result.status == 0, "\(result.errors)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(json["facility"] as? String == "79001")
        #expect(json["date"] as? String == "20240315")
        let tables = try #require(json["tables"] as? [[String: Any]])
        #expect(tables.map { $0["table"] as? String } == ["XML1", "XML2"])
        let summary = try #require((tables[0]["records"] as? [[String: Any]])?.first)
        #expect(summary["MA_LK"] as? String == documents[0].records[0]["MA_LK"])
        let fieldOrder = result.output.components(separatedBy: "\"records\":[{").dropFirst().first?.prefix(40) ?? ""
        #expect(fieldOrder.hasPrefix("\"MA_LK\":"), "fields in the standard's order, MA_LK first")

        let table = try await CommandRun(["claims", "read", "--table", "XML2", Self.fixtures.appendingPathComponent("outpatient-xml2.xml").path])
        #expect(table.status == 0)
        #expect(table.output.contains("\"table\":\"XML2\""))

        try Data("<GIAMDINHHS><THONGTINDONVI/></GIAMDINHHS>".utf8).write(to: folder.appendingPathComponent("bad.xml"))
        let bad = try await CommandRun(["claims", "read", folder.appendingPathComponent("bad.xml").path])
        #expect(bad.status == 1)
        #expect(bad.errors.contains("bad.xml"))
    }
}
