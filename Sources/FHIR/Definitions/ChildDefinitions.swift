/// The definitions of the children of one element, as the readers, the writer and the
/// validator need them: an element defined by reference to another
/// (`Questionnaire.item.item` → `#Questionnaire.item`) resolved, and each name an element can
/// have in JSON or XML (`valueQuantity` for `value[x]`) mapped to its definition and type.
final class ChildDefinitions: Sendable {
    /// The structure the children are defined in (another one for a reference across types).
    let structure: StructureDefinition
    /// The path of the element whose children these are, after resolving a reference.
    let path: String
    /// The children, in definition order.
    let elements: [ElementDefinition]
    /// JSON/XML name → (index in ``elements``, type).
    let byName: [String: (index: Int, type: String)]
    /// Element name (`value` for `value[x]`) → index in ``elements``.
    let byElementName: [String: Int]

    /// The children of the element at `path` in `structure`.
    init(of path: String, in structure: StructureDefinition, definitions: Definitions) {
        var structure = structure
        var path = path
        if let reference = structure.element(at: path)?.contentReference {
            let target = String(reference.drop { $0 == "#" }.split(separator: "#").last ?? "")
            let targetType = String(target.split(separator: ".").first ?? "")
            if targetType != structure.type, let other = definitions.structure(forType: targetType) { structure = other }
            path = target
        }
        self.structure = structure
        self.path = path
        self.elements = structure.children(of: path)
        var byName: [String: (index: Int, type: String)] = [:]
        for (index, definition) in elements.enumerated() {
            if definition.isChoice {
                for type in definition.types { byName[definition.jsonName(for: type.code)] = (index, type.code) }
            } else {
                byName[definition.name] = (index, definition.types.first?.code ?? "")
            }
        }
        self.byName = byName
        var byElementName: [String: Int] = [:]
        for (index, definition) in elements.enumerated() where byElementName[definition.name] == nil {
            byElementName[definition.name] = index
        }
        self.byElementName = byElementName
    }

    /// The child definition named `name` in the tree (`value` for a choice).
    func element(named name: String) -> ElementDefinition? {
        byElementName[name].map { elements[$0] }
    }

    /// Children read in document order, put in definition order (`order` is the index in
    /// ``elements``); items of one element keep their document order.
    static func inDefinitionOrder(_ read: [(order: Int, element: Element)]) -> [Element] {
        read.enumerated().sorted { ($0.element.order, $0.offset) < ($1.element.order, $1.offset) }.map(\.element.element)
    }
}
