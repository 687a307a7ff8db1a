import Foundation
@testable import FHIR
import Testing

/// A MeasureReport checked against its Measure.
@Suite("MeasureReport")
struct MeasureReportTests {
    static let measure = #"""
        {"resourceType":"Measure","url":"http://example.org/Measure/m","status":"active",
         "scoring":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/measure-scoring","code":"cohort"}]},
         "group":[{"population":[{"code":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/measure-population","code":"initial-population"}]},"criteria":{"language":"text/cql","expression":"X"}}]}]}
        """#

    func errors(_ groups: String) throws -> [String] {
        let definitions = Definitions.r4.adding(resources: [try Element.untyped(json: Array(Self.measure.utf8))])
        let report = #"{"resourceType":"MeasureReport","status":"complete","type":"summary","measure":"http://example.org/Measure/m","period":{"start":"2024-01-01"},"group":["# + groups + "]}"
        return Validator(definitions: definitions).validate(json: Array(report.utf8)).errors.map(\.expression)
    }

    func group(_ population: String, score: Bool = false) -> String {
        #"{"population":[{"code":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/measure-population","code":""# + population + #""}]},"count":3}]"#
            + (score ? #","measureScore":{"value":1}"# : "") + "}"
    }

    @Test("populations of the measure's group, groups matched by code, no score for a cohort")
    func rules() throws {
        #expect(try errors(group("initial-population")).isEmpty)
        #expect(try errors(group("numerator")) == ["MeasureReport.group[0].population[0]"])
        #expect(try errors(group("initial-population", score: true)) == ["MeasureReport.group[0].measureScore"])
        #expect(try errors(group("initial-population") + "," + group("initial-population")) == ["MeasureReport.group[0]", "MeasureReport.group[1]"])
    }
}
