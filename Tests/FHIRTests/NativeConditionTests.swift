@testable import FHIR
import Testing

@Suite("NativeCondition")
struct NativeConditionTests {
    func verdict(_ expression: String, on json: String) throws -> NativeCondition.Verdict {
        let element = try Element(json: Array(json.utf8))
        return NativeCondition(try FHIRPath(expression).root).verdict(on: element)
    }

    @Test("existence, hasValue and startsWith over child paths, with the evaluator's three-valued logic")
    func answers() throws {
        let patient = #"{"resourceType":"Patient","active":true,"name":[{"family":"A"}],"link":[{"other":{"reference":"Patient/p1"},"type":"seealso"}]}"#
        #expect(try verdict("name.family.exists()", on: patient) == .true)
        #expect(try verdict("name.given.exists()", on: patient) == .false)
        #expect(try verdict("contact.empty() and active.hasValue()", on: patient) == .true)
        #expect(try verdict("gender.hasValue().not() or (gender = 'male')", on: patient) == .true)
        // `{} or x`: empty unless x is true; x is the evaluator's.
        #expect(try verdict("gender.startsWith('m') or (1 = 1)", on: patient) == .unknown)
        #expect(try verdict("gender.startsWith('m').not() implies birthDate.exists()", on: patient) == .empty)
        #expect(try verdict("active.exists() xor name.exists()", on: patient) == .false)
        // A filtered path is known only when the path finds nothing.
        #expect(try verdict("contained.where(id = 'x').trace('t').empty()", on: patient) == .true)
        #expect(try verdict("name.where(family = 'B').empty()", on: patient) == .unknown)
        #expect(try verdict("htmlChecks()", on: patient) == .true)
        #expect(try verdict("name.family.contains('A') and gender.contains('x').not()", on: patient) == .empty)
        #expect(try verdict("name.family.contains('') and name.family.contains('B').not()", on: patient) == .true)
        // An upper-case first name may be a type name: the evaluator's.
        #expect(try verdict("Patient.name.exists()", on: patient) == .unknown)
    }

    @Test("the standard validator's outcomes are the evaluator's on the R4 examples")
    func sameOutcomesAsFHIRPath() throws {
        // Every invariant through the FHIRPath evaluator, without the native conditions.
        let reference = Validator(definitions: .r4) { expression, element, resource, rootResource in
            guard let path = try? FHIRPath(InvariantErrata.corrected[expression] ?? expression) else { return nil }
            let environment = FHIRPathEnvironment(resource: resource, rootResource: rootResource, context: element)
            do {
                return try path.evaluateBoolean(element, environment: environment) ?? true
            } catch {
                return nil
            }
        }
        let standard = Validator.standard()
        var compared = 0
        for file in Corpus.files(in: FHIRPathTesting.examples, extension: "json") {
            let bytes = try Corpus.bytes(file)
            #expect(standard.validate(json: bytes).issues == reference.validate(json: bytes).issues, "\(file)")
            compared += 1
        }
        #expect(compared > 50)
    }
}
