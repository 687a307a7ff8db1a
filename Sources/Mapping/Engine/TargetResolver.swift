import FHIR

/// Resolves a rule's target path against the FHIR definitions: for each step, whether it
/// repeats and its type (a choice element by its JSON name, `valueQuantity`, gives `Quantity`).
struct TargetResolver: Sendable {
    struct Step: Sendable, Hashable {
        var name: String
        var isRepeating: Bool
        var type: String
        /// Written `name[+]`: a new item, not the last one.
        var startsNewItem = false
    }

    let definitions: Definitions

    /// The steps of `path` from the type `type`, or why the path is not an element there.
    func resolve(_ path: [String], from type: String) -> Result<[Step], ResolveError> {
        guard var structure = definitions.structure(forType: type) else {
            return .failure(ResolveError(message: "\(type) is not a FHIR R4 type"))
        }
        var elementPath = structure.type
        var steps: [Step] = []
        for written in path {
            let startsNewItem = written.hasSuffix("[+]")
            let name = startsNewItem ? String(written.dropLast(3)) : written
            guard let (definition, stepType) = element(named: name, under: elementPath, in: structure) else {
                return .failure(ResolveError(message: "\(elementPath) has no element \(name)"))
            }
            if startsNewItem, !definition.isRepeating {
                return .failure(ResolveError(message: "\(name)[+] starts a new item, but \(elementPath).\(name) does not repeat"))
            }
            steps.append(Step(name: name, isRepeating: definition.isRepeating, type: stepType, startsNewItem: startsNewItem))
            if let reference = definition.contentReference {
                elementPath = String(reference.drop { $0 == "#" }.split(separator: "#").last ?? "")
                if let dot = elementPath.firstIndex(of: "."), let owner = definitions.structure(forType: String(elementPath[..<dot])) {
                    structure = owner
                }
            } else if !structure.children(of: definition.id).isEmpty {
                elementPath = definition.id
            } else if let next = definitions.structure(forType: stepType) {
                structure = next
                elementPath = next.type
            } else {
                elementPath = definition.id
            }
        }
        return .success(steps)
    }

    /// The child definition for a JSON name: `family`, or a choice `valueQuantity` → `value[x]`
    /// with type `Quantity`.
    private func element(named name: String, under parent: String, in structure: StructureDefinition) -> (ElementDefinition, String)? {
        if let definition = structure.element(at: "\(parent).\(name)") {
            return (definition, definition.types.first?.code ?? "BackboneElement")
        }
        for definition in structure.children(of: parent) where definition.isChoice {
            let prefix = definition.name
            guard name.hasPrefix(prefix) else { continue }
            let suffix = name.dropFirst(prefix.count)
            if let type = definition.types.first(where: { Self.capitalized($0.code) == suffix }) {
                return (definition, type.code)
            }
        }
        return nil
    }

    static func capitalized(_ type: String) -> String {
        type.prefix(1).uppercased() + type.dropFirst()
    }

    struct ResolveError: Error, Sendable {
        var message: String
    }
}
