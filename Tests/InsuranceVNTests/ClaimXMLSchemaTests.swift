import Foundation
import Testing
import XMLSchema
@testable import InsuranceVN

@Suite struct ClaimXMLSchemaTests {
    static let schemasFolder = TestFiles.testsFolder
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("schemas/claims")

    static let fixtures: [(file: String, table: String)] = [
        ("outpatient-xml1.xml", "XML1"), ("outpatient-xml2.xml", "XML2"), ("outpatient-xml3.xml", "XML3"),
        ("inpatient-xml1.xml", "XML1"), ("inpatient-xml2.xml", "XML2"), ("inpatient-xml3.xml", "XML3"),
        ("inpatient-xml4.xml", "XML4"),
    ]

    static func validator(_ table: String) throws -> XMLSchemaValidator {
        try XMLSchemaValidator(schema: try #require(ClaimDefinitions.standard[table]).xmlSchema())
    }

    /// The fixture with `original` replaced by `replacement` once, and the line `marker` is on.
    static func mutated(_ file: String, _ original: String, _ replacement: String, marker: String) throws
        -> (document: Data, line: Int)
    {
        let text = String(decoding: try TestFiles.fixture(file), as: UTF8.self)
        let range = try #require(text.range(of: original))
        let result = text.replacingCharacters(in: range, with: replacement)
        let markerRange = try #require(result.range(of: marker))
        let line = result[..<markerRange.lowerBound].count { $0 == "\n" } + 1
        return (Data(result.utf8), line)
    }

    @Test func everySchemaIsAValidXSD() throws {
        let files = ClaimDefinitions.standard.xmlSchemaFiles()
        #expect(files.map(\.fileName) == (0...15).filter { $0 != 12 }.map { "XML\($0).xsd" } + ["GIAMDINHHS.xsd"])
        for file in files {
            #expect(throws: Never.self, "\(file.fileName)") { try XMLSchemaValidator(schema: file.content) }
        }
    }

    @Test func tableWithoutLayoutHasNoSchema() {
        #expect(throws: ClaimError.self) { try ClaimDefinitions.standard["XML12"]!.xmlSchema() }
    }

    @Test(arguments: fixtures.map(\.file))
    func validFixturesConform(file: String) throws {
        let table = try #require(Self.fixtures.first { $0.file == file }).table
        #expect(try Self.validator(table).validate(TestFiles.fixture(file)) == [])
    }

    @Test func writtenDocumentsConform() throws {
        for (file, table) in Self.fixtures {
            let definition = try #require(ClaimDefinitions.standard[table])
            let document = try ClaimTableDocument(xml: TestFiles.fixture(file), table: definition)
            #expect(try Self.validator(table).validate(document.xml()) == [], "\(file)")
        }
    }

    @Test func envelopeConforms() throws {
        let documents = try Self.fixtures.prefix(3).map { file, table in
            try ClaimTableDocument(xml: TestFiles.fixture(file), table: #require(ClaimDefinitions.standard[table]))
        }
        let envelope = try ClaimEnvelope(facilityCode: "79001", date: #require(ClaimDate("20240315")), documents: documents)
        let validator = try XMLSchemaValidator(schema: ClaimEnvelope.xmlSchema())
        #expect(try validator.validate(envelope.xml()) == [])

        let text = String(decoding: try envelope.xml(), as: UTF8.self)
        let unknownTable = text.replacingOccurrences(of: "<LOAIHOSO>XML2</LOAIHOSO>", with: "<LOAIHOSO>XML99</LOAIHOSO>")
        let issues = try validator.validate(Data(unknownTable.utf8))
        #expect(issues.count == 1)
        #expect(issues.first?.element == "LOAIHOSO")
    }

    @Test func unknownElementFailsWithItsLine() throws {
        let (document, line) = try Self.mutated(
            "outpatient-xml2.xml", "<MA_PP_CHEBIEN/>", "<MA_PP_CHEBIEN/>\n      <GHI_CHU_RIENG>x</GHI_CHU_RIENG>",
            marker: "<GHI_CHU_RIENG>")
        let issues = try Self.validator("XML2").validate(document)
        #expect(issues.map(\.line) == [line])
        #expect(issues.first?.element == "GHI_CHU_RIENG")
    }

    @Test func tooLongFieldFailsWithItsLineAndWithoutItsValue() throws {
        let long = String(repeating: "Nguyễn ", count: 40)  // 280 characters; HO_TEN holds 255
        let (document, line) = try Self.mutated(
            "outpatient-xml1.xml", "<HO_TEN>Trần Thị Hồng Nhung</HO_TEN>", "<HO_TEN>\(long)</HO_TEN>", marker: "<HO_TEN>")
        let issues = try Self.validator("XML1").validate(document)
        #expect(issues.map(\.line) == [line])
        #expect(issues.first?.element == "HO_TEN")
        #expect(issues.allSatisfy { !$0.message.contains("Nguyễn") })
    }

    @Test func missingRequiredFieldFails() throws {
        // MA_THUOC is always required; removing it leaves MA_PP_CHEBIEN where MA_THUOC belongs.
        let (document, line) = try Self.mutated(
            "outpatient-xml2.xml", "      <MA_THUOC>40.152</MA_THUOC>\n", "", marker: "<MA_PP_CHEBIEN/>")
        let issues = try Self.validator("XML2").validate(document)
        #expect(issues.map(\.line) == [line])
        #expect(issues.first?.message.contains("MA_THUOC") == true)
    }

    @Test func emptyRequiredFieldFails() throws {
        let (document, line) = try Self.mutated(
            "outpatient-xml2.xml", "<MA_THUOC>40.152</MA_THUOC>", "<MA_THUOC/>", marker: "<MA_THUOC/>")
        #expect(try Self.validator("XML2").validate(document).map(\.line) == [line])
    }

    @Test func wrongOrderFails() throws {
        let (document, line) = try Self.mutated(
            "outpatient-xml2.xml", "<MA_LK>79001.240315.000123</MA_LK>\n      <STT>1</STT>",
            "<STT>1</STT>\n      <MA_LK>79001.240315.000123</MA_LK>", marker: "<STT>1</STT>")
        let issues = try Self.validator("XML2").validate(document)
        #expect(issues.first?.line == line)
        #expect(issues.first?.element == "STT")
    }

    @Test func numbersFollowClaimDecimalsFormat() throws {
        let validator = try Self.validator("XML2")
        for (text, valid) in [("30", true), ("030.500", true), ("-1", true), ("1e3", false), ("1,5", false),
                              (" 30", false), (".5", false), ("12345678901", false)] {
            let (document, _) = try Self.mutated(
                "outpatient-xml2.xml", "<SO_LUONG>30</SO_LUONG>", "<SO_LUONG>\(text)</SO_LUONG>", marker: "<SO_LUONG>")
            #expect(try validator.validate(document).isEmpty == valid, "\(text)")
        }
    }

    @Test func olderFilesWithNumbersForFixedWidthStringsConform() throws {
        // 4750 typed MA_DANTOC as a number: a writer that dropped the leading zero wrote `1`.
        let (document, _) = try Self.mutated(
            "outpatient-xml1.xml", "<MA_DANTOC>01</MA_DANTOC>", "<MA_DANTOC>1</MA_DANTOC>", marker: "<MA_DANTOC>")
        #expect(try Self.validator("XML1").validate(document) == [])
    }

    /// `scripts/generate-claim-schemas` runs this test with `LIENTHONG_WRITE_CLAIM_SCHEMAS=1` to
    /// rewrite the files; otherwise it fails when a committed file is not what the generator gives.
    @Test func committedSchemasAreWhatTheGeneratorGives() throws {
        let definitions = ClaimDefinitions.standard
        if ProcessInfo.processInfo.environment["LIENTHONG_WRITE_CLAIM_SCHEMAS"] == "1" {
            try definitions.writeXMLSchemaFiles(to: Self.schemasFolder)
        }
        let expected = definitions.xmlSchemaFiles()
        let committed = try FileManager.default.contentsOfDirectory(atPath: Self.schemasFolder.path)
            .filter { $0.hasSuffix(".xsd") }
        #expect(Set(committed) == Set(expected.map(\.fileName)))
        for file in expected {
            let onDisk = try? Data(contentsOf: Self.schemasFolder.appendingPathComponent(file.fileName))
            #expect(onDisk == file.content, "\(file.fileName) differs from the generator; run scripts/generate-claim-schemas")
        }
    }

    @Test func generationIsDeterministic() {
        let first = ClaimDefinitions.standard.xmlSchemaFiles()
        let second = ClaimDefinitions(tables: ClaimDefinitions.standard.tables).xmlSchemaFiles()
        #expect(first.map(\.content) == second.map(\.content))
    }
}
