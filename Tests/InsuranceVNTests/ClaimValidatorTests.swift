import Foundation
import InsuranceVN
import Testing

@Suite struct ClaimValidatorTests {
    static let inpatient = [("inpatient-xml1.xml", "XML1"), ("inpatient-xml2.xml", "XML2"),
                            ("inpatient-xml3.xml", "XML3"), ("inpatient-xml4.xml", "XML4")]
    static let outpatient = [("outpatient-xml1.xml", "XML1"), ("outpatient-xml2.xml", "XML2"),
                             ("outpatient-xml3.xml", "XML3")]

    let validator = ClaimValidator()

    static func documents(_ files: [(String, String)]) throws -> [ClaimTableDocument] {
        try files.map { file, table in
            try ClaimTableDocument(xml: try TestFiles.fixture(file), table: try #require(ClaimDefinitions.standard[table]))
        }
    }

    @Test(arguments: [inpatient, outpatient])
    func validFixturesHaveNoProblems(_ files: [(String, String)]) throws {
        let problems = validator.validate(try Self.documents(files))
        #expect(problems.map(\.description) == [])
    }

    @Test func validatesAnEnvelope() throws {
        var tables = try Self.documents(Self.inpatient)
        let envelope = try ClaimEnvelope(facilityCode: "79001", date: try #require(ClaimDate("20240315")), documents: tables)
        #expect(try validator.validate(envelope) == [])

        try tables[1].records[0].setText("1", for: "SO_LUONG")
        let broken = try ClaimEnvelope(facilityCode: "79001", date: try #require(ClaimDate("20240315")), documents: tables)
        #expect(Set(try validator.validate(broken).map(\.rule)) == [
            "XML2.THANH_TIEN_BV.amount", "XML2.THANH_TIEN_BH.amount",
        ])
    }

    /// A problem names table, record, field and rule, never the text that broke it.
    @Test func problemsCarryNoValues() throws {
        var tables = try Self.documents(Self.inpatient)
        try tables[0].records[0].setText("Nguyễn Thị Bảo Châu", for: "HO_TEN")
        try tables[0].records[0].setText("X99887766", for: "SO_CCCD")
        let problems = validator.validate(tables)
        let problem = try #require(problems.first)
        #expect(problems.count == 1)
        #expect((problem.table, problem.record, problem.field, problem.rule) == ("XML1", 1, "SO_CCCD", "XML1.SO_CCCD.pattern"))
        for text in [problem.description, problem.vietnamese, problem.english] {
            #expect(!text.contains("X99887766") && !text.contains("Châu"))
        }
    }

    /// A table document alone gets its own rules, none needing another table.
    @Test func validatesOneDocument() throws {
        var drugs = try Self.documents([("inpatient-xml2.xml", "XML2")])[0]
        try drugs.records[0].setText("other", for: "MA_LK")
        try drugs.records[0].setText("7", for: "PHAM_VI")
        #expect(validator.validate(drugs).map(\.rule) == ["XML2.PHAM_VI.code"])
    }
}
