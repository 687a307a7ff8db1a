/// Reads FHIR XML into ``Element`` trees, typed by the definitions, like
/// ``JSONResourceReader``: element names resolved to definitions (choice suffixes included),
/// primitives from their `value` attribute, `id` and `url` attributes, XHTML narrative kept as
/// markup. Problems are collected with their location.
struct XMLResourceReader {
    static let fhirNamespace = "http://hl7.org/fhir"
    static let xhtmlNamespace = "http://www.w3.org/1999/xhtml"

    let definitions: Definitions
    private(set) var errors: [FormatError] = []

    init(definitions: Definitions) {
        self.definitions = definitions
    }

    mutating func readResource(_ node: XMLTree.Node, name: String?, path: String?) -> Element? {
        let type = node.name
        guard node.namespace == Self.fhirNamespace else {
            fail(.unknownResourceType, path ?? type, node, "the element \(type) is not in the FHIR namespace")
            return nil
        }
        guard let structure = definitions.structure(forType: type), structure.kind == .resource else {
            fail(.unknownResourceType, path ?? type, node, "'\(type)' is not a FHIR R4 resource type")
            return nil
        }
        if structure.isAbstract { fail(.unknownResourceType, path ?? type, node, "'\(type)' is an abstract resource type") }
        var element = Element(name: name ?? type, type: type, position: node.position)
        element.children = readChildren(of: node, structure: structure, definitionPath: type, path: path ?? type)
        return element
    }

    private mutating func readChildren(of node: XMLTree.Node, structure: StructureDefinition, definitionPath: String, path: String) -> [Element] {
        let children = definitions.children(of: definitionPath, in: structure)
        let structure = children.structure
        let childDefinitions = children.elements
        let lookup = children.byName
        var read: [(order: Int, element: Element)] = []
        // Attributes: `id` of elements, `url` of extensions (definitions with xmlAttr).
        for attribute in node.attributes where attribute.name != "value" && !attribute.name.hasPrefix("xmlns") {
            guard let (number, type) = lookup[attribute.name], childDefinitions[number].representation.contains("xmlAttr") else {
                fail(.unknownElement, path, node, "unknown attribute '\(attribute.name)'")
                continue
            }
            read.append((number, Element(name: attribute.name, type: type, value: .string(attribute.value), position: node.position)))
        }
        var choices: [Int: String] = [:]
        for child in node.children {
            guard child.namespace == Self.fhirNamespace || (child.namespace == Self.xhtmlNamespace && child.name == "div") else {
                fail(.unknownElement, path, child, "the element \(child.name) is not in the FHIR namespace")
                continue
            }
            guard let (number, type) = lookup[child.name] else {
                fail(.unknownElement, path, child, "unknown element '\(child.name)'")
                continue
            }
            let definition = childDefinitions[number]
            if definition.isChoice {
                if let other = choices[number], other != child.name {
                    fail(.duplicateElement, path, child, "'\(child.name)' and '\(other)' are two types of one choice element \(definition.name)[x]")
                    continue
                }
                choices[number] = child.name
            }
            let childPath = path + "." + definition.name
            if let element = readValue(child, definition: definition, type: type, structure: structure, path: childPath) {
                read.append((number, element))
            }
        }
        return ChildDefinitions.inDefinitionOrder(read.map(\.element), orders: read.map(\.order)[...])
    }

    private mutating func readValue(_ node: XMLTree.Node, definition: ElementDefinition, type: String, structure: StructureDefinition, path: String) -> Element? {
        if type == "xhtml" {
            return Element(name: definition.name, type: type, value: .string(node.markup), position: node.position)
        }
        if definitions.isPrimitiveType(type) {
            var element = Element(name: definition.name, type: type, position: node.position)
            if let text = node.attributes.first(where: { $0.name == "value" })?.value {
                switch type {
                case "boolean":
                    if text == "true" || text == "false" { element.value = .boolean(text == "true") } else {
                        fail(.wrongType, path, node, "a boolean must be true or false")
                    }
                case "integer", "decimal", "positiveInt", "unsignedInt":
                    element.value = .number(text)
                default:
                    element.value = .string(text)
                }
            }
            if let base = definitions.structure(forType: "Element") {
                element.children = readChildren(of: node, structure: base, definitionPath: "Element", path: path)
            }
            if element.value == nil, element.children.isEmpty {
                fail(.emptyValue, path, node, "\(definition.name) has neither a value nor extensions")
            }
            return element
        }
        if node.attributes.contains(where: { $0.name == "value" }) {
            fail(.wrongType, path, node, "\(definition.name) is a \(type), which has no value attribute")
        }
        if type == "Resource" || type == "DomainResource" || definitions.isResourceType(type) {
            let resources = node.children
            guard resources.count == 1 else {
                fail(.wrongCardinality, path, node, "\(definition.name) must hold exactly one resource")
                return nil
            }
            return readResource(resources[0], name: definition.name, path: path)
        }
        // An element defined by reference to another (no type of its own) is a group.
        var element = Element(name: definition.name, type: definition.types.isEmpty ? "BackboneElement" : type, position: node.position)
        guard let content = definitions.content(ofType: type, definition: definition, in: structure) else {
            fail(.unknownElement, path, node, "the type '\(type)' is not defined")
            return element
        }
        element.children = readChildren(of: node, structure: content.structure, definitionPath: content.path, path: path)
        return element
    }

    private mutating func fail(_ code: FormatError.Code, _ path: String, _ node: XMLTree.Node, _ message: String) {
        errors.append(FormatError(code, path: path, at: node.position, message))
    }
}
