@testable import FHIR
import Foundation
import Testing

@Suite("FHIRPath: subexpressions shared by the expressions evaluated on one input")
struct FHIRPathSharingTests {
    typealias T = FHIRPathTesting

    /// Expressions that share prefixes on their input, inside operators, indexers and type
    /// operators, with the same names inside function arguments (not shared) and `trace()`.
    static let expressions = [
        "name.where(use = 'official').given", "name.where(use = 'official').family", "name.where(use = 'official').given.first()",
        "name.given | name.family", "name.given.count() + name.family.count()", "(name).given", "name[0].given", "name[1].given",
        "name.select(given)", "name.select(given.first())", "(name as HumanName).family", "name.first() is HumanName",
        "telecom.where(system = 'phone').value", "telecom.where(system = 'phone').use", "contact.name.family",
        "contact.name.given.first()", "contact.relationship.coding.code", "iif(name.exists(), name.family, 'none')",
        "name.trace('n').given", "name.trace('n').family", "-(name.given.count())", "name.given.count() > 1",
        "birthDate", "birthDate > @1970-01-01", "%resource.name.family", "%resource.name.given",
    ]

    @Test("expressions evaluated with shared subexpressions give the values they give alone, in any order")
    func sameValues() throws {
        let paths = try Self.expressions.map { try FHIRPath($0) }
        let (shared, slots) = FHIRPath.sharingSubexpressions(paths)
        #expect(shared.count == paths.count)
        #expect(slots >= 8)
        let environment = FHIRPathEnvironment(resource: T.patient)
        let alone = try paths.map { try $0.evaluate([.element(T.patient)], environment: environment) }
        for order in [Array(shared.indices), shared.indices.reversed(), shared.indices.sorted { $0 % 3 < $1 % 3 }] {
            let input = FHIRPathInput([.element(T.patient)], environment: environment, sharedSlots: slots)
            for index in order {
                let value = try shared[index].evaluate(input)
                #expect(value == alone[index], "\(Self.expressions[index])")
            }
        }
        // Every expression gives something on the example, so the comparison says something.
        #expect(alone.allSatisfy { !$0.isEmpty })
    }

    @Test("a shared subexpression is taken from the store, not computed again")
    func takenFromTheStore() throws {
        let paths = try ["name.where(use = 'official').given", "name.where(use = 'official').family"].map { try FHIRPath($0) }
        let (shared, slots) = FHIRPath.sharingSubexpressions(paths)
        #expect(slots == 2)  // `name` and `name.where(use = 'official')`
        let input = FHIRPathInput([.element(T.patient)], sharedSlots: slots)
        let values = try #require(input.evaluator.shared)
        #expect(try shared[0].evaluate(input).map(\.description) == ["Peter", "James"])
        #expect(values.values.allSatisfy { $0 != nil })
        // Put another name in the store: the second expression reads it.
        let contactName = try #require(T.patient.child(named: "contact")?.child(named: "name"))
        for slot in values.values.indices { values.values[slot] = [.element(contactName)] }
        #expect(try shared[1].evaluate(input).map(\.description) == ["du Marché"])
        // Another input computes its own.
        let next = FHIRPathInput([.element(T.patient)], sharedSlots: slots)
        #expect(try shared[1].evaluate(next).map(\.description) == ["Chalmers"])
    }

    @Test("expressions with constant subexpressions in arguments, one after another on one input, each keep their own")
    func memoPerExpression() throws {
        // Both keep a value in memo slot 0 (`%resource.name.family` and `%resource.telecom.value`).
        let paths = try ["name.where(family in %resource.name.family).use", "telecom.where(value in %resource.telecom.value).system"]
            .map { try FHIRPath($0) }
        #expect(paths.allSatisfy { $0.memoSlots == 1 })
        let input = FHIRPathInput([.element(T.patient)], environment: FHIRPathEnvironment(resource: T.patient))
        let alone = try paths.map { try $0.evaluate([.element(T.patient)], environment: FHIRPathEnvironment(resource: T.patient)) }
        #expect(alone.allSatisfy { !$0.isEmpty })
        for _ in 0..<2 {
            for (index, path) in paths.enumerated() { #expect(try path.evaluate(input) == alone[index]) }
        }
    }

    @Test("only what is evaluated on the input is shared: not function arguments, literals, variables or trace()")
    func whatIsShared() throws {
        func slots(_ expressions: [String]) throws -> Int {
            try FHIRPath.sharingSubexpressions(expressions.map { try FHIRPath($0) }).slots
        }
        #expect(try slots(["name.where(given.exists())", "telecom.where(given.exists())"]) == 0)
        #expect(try slots(["'a'", "'a'", "%resource", "%resource", "$this", "$this"]) == 0)
        #expect(try slots(["name.given", "name.family"]) == 1)
        #expect(try slots(["name.trace('x').given", "name.trace('x').family"]) == 1)  // `name`, not the trace
        #expect(try slots(["name.given", "telecom.value"]) == 0)
        #expect(try slots(["name.given | name.family"]) == 1)  // within one expression too
        // Written differently, the same: spaces and parentheses do not count, literals do.
        #expect(try slots(["(name.given).first()", "name.given.last()"]) == 2)
        #expect(try slots(["name.where(use = 'a').given", "name.where(use = 'b').given"]) == 1)
        #expect(try slots(["name.where(use = 'a').given", "name.where(use = 'a' ).given"]) == 3)
    }

    @Test("subexpressions of the environment alone are computed once for a set, on any input, with the same values")
    func constants() throws {
        let expressions = [
            "%res.name.given", "%res.name.family", "name.where(family in %res.name.family).use", "%res.name.where(use = 'official').given",
            "%res.telecom.value", "telecom.value", "%res.name.given.first()",
        ]
        let paths = try expressions.map { try FHIRPath($0) }
        let (shared, slots) = FHIRPath.sharingConstants(paths)
        #expect(slots == 3)  // `%res.name`, `%res.name.given` and `%res.name.family`
        let environment = FHIRPathEnvironment(variables: ["res": [.element(T.patient)]])
        let store = FHIRPathSharedValues(slots: slots)
        let contact = try #require(T.patient.child(named: "contact"))
        for input in [T.patient, contact] {
            for (index, path) in shared.enumerated() {
                let alone = try paths[index].evaluate([.element(input)], environment: environment)
                #expect(try path.evaluate(FHIRPathInput([.element(input)], environment: environment, constants: store)) == alone, "\(expressions[index])")
            }
        }
        #expect(store.values.allSatisfy { $0 != nil })
        // Kept, not computed again: another value in the store is read.
        for slot in store.values.indices { store.values[slot] = [.string("kept")] }
        #expect(try shared[0].evaluate(FHIRPathInput([.element(T.patient)], environment: environment, constants: store)) == [.string("kept")])
    }

    @Test("only what depends on the environment alone is a shared constant: not the input, %resource, literals, variables or trace()")
    func whatIsConstant() throws {
        func slots(_ expressions: [String]) throws -> Int {
            try FHIRPath.sharingConstants(expressions.map { try FHIRPath($0) }).slots
        }
        #expect(try slots(["%res.name", "%res.name"]) == 1)
        #expect(try slots(["name.given", "name.given"]) == 0)
        #expect(try slots(["%resource.name", "%resource.name"]) == 0)
        #expect(try slots(["%res", "%res", "'a'", "'a'"]) == 0)
        #expect(try slots(["%res.name.trace('x')", "%res.name.trace('x')"]) == 1)  // `%res.name`, not the trace
        #expect(try slots(["%res.name.given", "%res.telecom"]) == 0)
        // Inside arguments too.
        #expect(try slots(["name.where(family in %res.name.family)", "%res.name.family"]) == 2)
    }
}
