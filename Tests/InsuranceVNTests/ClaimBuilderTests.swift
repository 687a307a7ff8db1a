import FHIR
import Foundation
import InsuranceVN
import Mapping
import Testing

@Suite struct ClaimBuilderTests {
    static let maps = Result { try ClaimMapLibrary(folder: TestFiles.mappingsFolder) }
    static let cases = ["outpatient-visit", "inpatient-stay", "day-surgery", "lab-results", "newborn-without-card", "several-cards"]

    static func build(_ name: String, tables: Set<String>? = nil) throws -> ClaimBuildResult {
        let builder = ClaimBuilder(maps: try maps.get(), options: .init(facilityCode: "79001", tables: tables))
        return try builder.build(json: try TestFiles.bundle(name))
    }

    /// Each realistic case builds without issues into tables the validator finds no error in, and
    /// survives the envelope: write → read → equal.
    @Test(arguments: cases)
    func buildsValidatesAndRoundTrips(_ name: String) throws {
        let result = try Self.build(name)
        #expect(result.issues.map(\.description) == [])
        let problems = ClaimValidator().validate(result.documents).filter { $0.severity == .error }
        #expect(problems.map(\.description) == [])
        let envelope = try result.envelope()
        let read = try ClaimEnvelope(xml: try envelope.xml())
        #expect(read == envelope)
        #expect(try read.documents() == result.documents)
        #expect(read.date == result.defaultDate)
    }
}
