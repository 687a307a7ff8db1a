@testable import FHIR
import Foundation
import Testing

/// The invariants of the R4 definitions: every expression compiles, and the official examples
/// satisfy them.
@Suite("FHIRPath on the R4 invariants")
struct FHIRPathInvariantTests {
    /// `Sources/FHIR/Resources/r4-core.json`.
    static let definitionsFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/FHIR/Resources/r4-core.json")

    /// Every `snapshot.element[].constraint[]` of the StructureDefinitions in the definitions
    /// file: (definition URL, key, expression).
    static func constraintExpressions() throws -> [(url: String, key: String, expression: String)] {
        let bundle = try JSONSerialization.jsonObject(with: Data(contentsOf: definitionsFile)) as? [String: Any]
        var found: [(String, String, String)] = []
        for entry in bundle?["entry"] as? [[String: Any]] ?? [] {
            guard let resource = entry["resource"] as? [String: Any], resource["resourceType"] as? String == "StructureDefinition" else { continue }
            let url = resource["url"] as? String ?? "?"
            let elements = (resource["snapshot"] as? [String: Any])?["element"] as? [[String: Any]] ?? []
            for element in elements {
                for constraint in element["constraint"] as? [[String: Any]] ?? [] {
                    guard let expression = constraint["expression"] as? String else { continue }
                    found.append((url, constraint["key"] as? String ?? "?", expression))
                }
            }
        }
        return found
    }

    @Test("every constraint expression of r4-core.json compiles")
    func everyInvariantCompiles() throws {
        let constraints = try Self.constraintExpressions()
        var failures: [String] = []
        for (url, key, expression) in constraints {
            do {
                _ = try FHIRPath(expression)
            } catch {
                failures.append("\(url) \(key): \(error)")
            }
        }
        print("FHIRPath: \(constraints.count) constraint expressions in r4-core.json (\(Set(constraints.map(\.expression)).count) distinct), \(failures.count) failed to compile")
        #expect(constraints.count > 8000)
        #expect(failures == [])
    }

    @Test("the R4 examples satisfy the invariants of their definitions")
    func examplesSatisfyInvariants() throws {
        var walk = InvariantWalk()
        let files = Corpus.files(in: FHIRPathTesting.examples, extension: "json")
        #expect(files.count > 70)
        let resources = try files.map { try Element(json: Corpus.bytes($0)) }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for (file, resource) in zip(files, resources) {
                walk.file = String(file.split(separator: "/").last ?? "")
                walk.walkResource(resource, root: nil)
            }
        }
        print("FHIRPath: \(walk.evaluated) (resource, node, constraint) evaluations over \(files.count) examples in \(elapsed), \(walk.passed) passed, \(walk.excused) known exceptions")
        #expect(walk.evaluated > 8000)
        #expect(walk.failures == [])
        #expect(walk.unusedExceptions == [], "known exceptions that no longer happen")
    }
}

/// Walks a resource with its definitions and evaluates each invariant on each node: the
/// element's own constraints (from the resource's StructureDefinition, or the data type's), the
/// constraints of the node's type, and of a nested resource's type.
struct InvariantWalk {
    /// Invariants the official examples break, (file, key) → why.
    /// Invariants the official examples break, "file key location" → why.
    static let knownExceptions: [String: String] = {
        var exceptions: [String: String] = [:]
        // dom-6 is a warning ("a resource should have narrative"): these resources (most of
        // them contained or in Parameters) have none.
        for location in [
            "bundle-questionnaire.json Questionnaire", "careteam-example.json CareTeam.contained[0]",
            "documentreference-example.json DocumentReference.contained[0]", "healthcareservice-example.json HealthcareService.contained[0]",
            "medicationadministration0301.json MedicationAdministration.contained[0]",
            "medicationadministration0301.json MedicationAdministration.contained[1]",
            "medicationdispense0301.json MedicationDispense.contained[0]", "medicationrequest0301.json MedicationRequest.contained[0]",
            "medicationrequest0301.json MedicationRequest.contained[1]", "medicationstatementexample1.json MedicationStatement.contained[0]",
            "parameters-example.json Parameters.parameter[2].resource[0]", "specimen-example.json Specimen.contained[0]",
        ] {
            let parts = location.split(separator: " ")
            exceptions["\(parts[0]) dom-6 \(parts[1])"] = "a resource without narrative (a warning)"
        }
        exceptions["codesystem-example.json csd-1 CodeSystem"] = "the code 'chol-mass' is defined twice"
        return exceptions
    }()

    let definitions = Definitions.r4
    var file = ""
    var compiled: [String: FHIRPath] = [:]
    var evaluated = 0
    var passed = 0
    var excused = 0
    var failures: [String] = []
    var usedExceptions: Set<String> = []
    /// For each constraint key, how many evaluations gave `true` and how many gave nothing.
    var outcomes: [String: (true: Int, empty: Int)] = [:]

    var unusedExceptions: [String] { Self.knownExceptions.keys.filter { !usedExceptions.contains($0) }.sorted() }

    mutating func walkResource(_ resource: Element, root: Element?, location: String? = nil) {
        guard let structure = definitions.structure(forType: resource.type) else {
            failures.append("\(file): no definition of \(resource.type)")
            return
        }
        walk(resource, structure: structure, path: resource.type, resource: resource, root: root ?? resource, location: location ?? resource.type, inherited: [])
    }

    private mutating func walk(
        _ node: Element, structure: StructureDefinition, path: String, resource: Element, root: Element, location: String,
        inherited: [ElementDefinition.Constraint]
    ) {
        var constraints = inherited
        var childStructure = structure
        var childPath = path
        let definition = structure.element(at: path)
        constraints += definition?.constraints ?? []
        if let reference = definition?.contentReference {
            let target = String(reference.split(separator: "#").last ?? "")
            childPath = target
            constraints += structure.element(at: target)?.constraints ?? []
        }
        let isNestedResource = path != node.type && definitions.isResourceType(node.type)
        if isNestedResource {
            // The nested resource is checked with its own definition, as %resource.
            check(node, constraints, resource: resource, root: root, location: location)
            walkResource(node, root: node.name == "contained" ? root : nil, location: location)
            return
        }
        if node.type != "BackboneElement", node.type != "Element", path != node.type, let typeStructure = definitions.structure(forType: node.type) {
            constraints += typeStructure.root?.constraints ?? []
            for type in definition?.types ?? [] where type.code == node.type {
                for profile in type.profiles {
                    constraints += definitions.structure(url: profile)?.root?.constraints ?? []
                }
            }
            childStructure = typeStructure
            childPath = typeStructure.type
        }
        check(node, constraints, resource: resource, root: root, location: location)
        var counts: [String: Int] = [:]
        for child in node.children {
            let number = counts[child.name, default: 0]
            counts[child.name] = number + 1
            var path = childPath + "." + child.name
            if childStructure.element(at: path) == nil, childStructure.element(at: path + "[x]") != nil { path += "[x]" }
            guard childStructure.element(at: path) != nil else {
                failures.append("\(file): no definition for \(path)")
                continue
            }
            walk(child, structure: childStructure, path: path, resource: resource, root: root, location: "\(location).\(child.name)[\(number)]", inherited: [])
        }
    }

    private mutating func check(_ node: Element, _ constraints: [ElementDefinition.Constraint], resource: Element, root: Element, location: String) {
        var seen: Set<String> = []
        for constraint in constraints {
            guard let expression = constraint.expression, seen.insert(constraint.key + expression).inserted else { continue }
            let path: FHIRPath
            if let done = compiled[expression] {
                path = done
            } else {
                do {
                    path = try FHIRPath(expression)
                } catch {
                    failures.append("\(file) \(constraint.key): does not compile: \(error)")
                    continue
                }
                compiled[expression] = path
            }
            evaluated += 1
            let environment = FHIRPathEnvironment(resource: resource, rootResource: root, context: node)
            let outcome: String
            do {
                let result = try path.evaluate(node, environment: environment)
                if result.isEmpty || result == [.boolean(true)] {
                    passed += 1
                    outcomes[constraint.key, default: (0, 0)].true += result.isEmpty ? 0 : 1
                    outcomes[constraint.key, default: (0, 0)].empty += result.isEmpty ? 1 : 0
                    continue
                }
                outcome = "gave \(result.map(\.description))"
            } catch {
                outcome = "threw \(error)"
            }
            let exception = "\(file) \(constraint.key) \(location)"
            if Self.knownExceptions[exception] != nil {
                excused += 1
                usedExceptions.insert(exception)
                continue
            }
            failures.append("\(file) \(constraint.key) at \(location): \(outcome)")
        }
    }
}
