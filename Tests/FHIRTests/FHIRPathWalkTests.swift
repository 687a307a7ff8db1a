@testable import FHIR
import Foundation
import Testing

@Suite("FHIRPath: paths of names walked at once, and where(name = literal) decided in place")
struct FHIRPathWalkTests {
    typealias T = FHIRPathTesting

    /// Each path of names, and the same navigation one step at a time (`select` evaluates each
    /// name on its own).
    static let paths: [(walked: String, stepwise: String)] = [
        ("name.given", "name.select(given)"),
        ("Patient.name.given", "Patient.select(name).select(given)"),
        ("contact.name.family", "contact.select(name).select(family)"),
        ("contact.telecom.value", "contact.select(telecom).select(value)"),
        ("name.period.start", "name.select(period).select(start)"),
        ("contact.relationship.coding.code", "contact.select(relationship).select(coding).select(code)"),
        ("managingOrganization.reference", "managingOrganization.select(reference)"),
        ("name.where(use = 'official').given", "name.where(use = 'official').select(given)"),
        ("Observation.code.coding", "Observation.select(code).select(coding)"),  // no match: empty
        ("name.nothing.given", "name.select(nothing).select(given)"),
    ]

    @Test("a path of names gives what its steps give, in the same order")
    func pathsAgree() throws {
        var nonEmpty = 0
        for (walked, stepwise) in Self.paths {
            let compiled = try FHIRPath(walked)
            // The walk is taken: the last name carries the names before it.
            #expect(compiled.root.names != nil || walked.contains("where"), "\(walked)")
            let values = try compiled.evaluate(T.patient)
            #expect(values == (try FHIRPath(stepwise).evaluate(T.patient)), "\(walked)")
            if !values.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty >= 7)
    }

    @Test("a name whose value is kept for other expressions starts a walk of its own")
    func walkStopsAtSharedNames() throws {
        let (shared, slots) = FHIRPath.sharingSubexpressions(try ["contact.name.family", "contact.name.given"].map { try FHIRPath($0) })
        // `contact.name` is shared: `family` walks from it, one name.
        #expect(shared[0].root.names == nil)
        let input = FHIRPathInput([.element(T.patient)], sharedSlots: slots)
        #expect(try shared[0].evaluate(input).map(\.description) == ["du Marché"])
        #expect(try shared[1].evaluate(input).map(\.description) == ["Bénédicte"])
    }

    /// A coding with a system child for each of `systems` (more than one is not valid FHIR, but an element
    /// built in code may have them).
    static func coding(systems: [String], code: String) -> Element {
        Element(
            name: "coding", type: "Coding",
            children: systems.map { Element(name: "system", type: "uri", value: .string($0)) }
                + [Element(name: "code", type: "code", value: .string(code))])
    }

    @Test("where(name = literal) in place agrees with the criterion evaluated as written")
    func comparisonsAgree() throws {
        let concept = Element(
            name: "code", type: "CodeableConcept",
            children: [
                Self.coding(systems: ["http://loinc.org"], code: "a"), Self.coding(systems: [], code: "b"),
                Self.coding(systems: ["http://snomed.info/sct"], code: "c"),
                Self.coding(systems: ["http://loinc.org", "http://loinc.org"], code: "d"),
                Self.coding(systems: ["http://loinc.org", "http://snomed.info/sct"], code: "e"),
            ])
        let criteria = ["system = 'http://loinc.org'", "system != 'http://loinc.org'", "code = 'c'", "code != 'c'", "system = 1", "code = @2020"]
        for criterion in criteria {
            // `system.select($this)` is not a name: the criterion is evaluated as written.
            let general = criterion.replacingOccurrences(of: "system ", with: "system.select($this) ").replacingOccurrences(of: "code ", with: "code.select($this) ")
            let inPlace = try FHIRPath("coding.where(\(criterion)).code").evaluate(concept).map(\.description)
            let asWritten = try FHIRPath("coding.where(\(general)).code").evaluate(concept).map(\.description)
            #expect(inPlace == asWritten, "\(criterion)")
        }
        #expect(try FHIRPath("coding.where(system = 'http://loinc.org').code").evaluate(concept).map(\.description) == ["a"])
        #expect(try FHIRPath("coding.where(system != 'http://loinc.org').code").evaluate(concept).map(\.description) == ["c", "d", "e"])
        #expect(FHIRPathEvaluator.childComparison(try FHIRPath("system = 'x'").root) != nil)
        #expect(FHIRPathEvaluator.childComparison(try FHIRPath("Patient = 'x'").root) == nil)
        #expect(FHIRPathEvaluator.childComparison(try FHIRPath("system ~ 'x'").root) == nil)
    }
}
