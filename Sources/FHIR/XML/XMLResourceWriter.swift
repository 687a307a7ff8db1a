/// Writes ``Element`` trees as FHIR XML: the resource type as the root element in the FHIR
/// namespace, elements in definition order, primitives as `value` attributes, `id` and `url`
/// as attributes where the definitions say so (`xmlAttr`), choice elements with their type
/// suffix, nested resources inside their element, the XHTML narrative as it is.
struct XMLResourceWriter {
    let definitions: Definitions
    let pretty: Bool
    private(set) var output = ""

    init(definitions: Definitions, pretty: Bool) {
        self.definitions = definitions
        self.pretty = pretty
    }

    mutating func writeResource(_ resource: Element, depth: Int = 0) {
        newline(depth)
        output += "<\(resource.type) xmlns=\"http://hl7.org/fhir\""
        guard let structure = definitions.structure(forType: resource.type) else {
            output += "/>"
            return
        }
        writeContent(of: resource, tag: resource.type, structure: structure, definitionPath: structure.type, depth: depth)
    }

    /// The attributes of `element` (the tag is open), then its child elements and the closing
    /// tag, or `/>` when it has none.
    private mutating func writeContent(of element: Element, tag: String, structure: StructureDefinition, definitionPath: String, depth: Int) {
        let children = definitions.children(of: definitionPath, in: structure)
        var nested: [(Element, ElementDefinition?)] = []
        for child in element.children {
            let definition = children.element(named: child.name)
            if let definition, definition.representation.contains("xmlAttr"), let value = child.value {
                output += " \(child.name)=\"\(Self.escape(value.text, attribute: true))\""
            } else {
                nested.append((child, definition))
            }
        }
        if let value = element.value {
            output += " value=\"\(Self.escape(value.text, attribute: true))\""
        }
        guard !nested.isEmpty else {
            output += "/>"
            return
        }
        output += ">"
        for (child, definition) in nested {
            writeElement(child, definition: definition, structure: children.structure, depth: depth + 1)
        }
        newline(depth)
        output += "</\(tag)>"
    }

    private mutating func writeElement(_ element: Element, definition: ElementDefinition?, structure: StructureDefinition, depth: Int) {
        let tag = definition?.jsonName(for: element.type) ?? element.name
        if element.type == "xhtml", let markup = element.value?.text {
            newline(depth)
            output += markup
            return
        }
        if definitions.isResourceType(element.type) {
            newline(depth)
            output += "<\(tag)>"
            writeResource(element, depth: depth + 1)
            newline(depth)
            output += "</\(tag)>"
            return
        }
        newline(depth)
        output += "<\(tag)"
        if let content = definitions.content(ofType: element.type, definition: definition, in: structure) {
            writeContent(of: element, tag: tag, structure: content.structure, definitionPath: content.path, depth: depth)
        } else {
            output += "/>"
        }
    }

    private mutating func newline(_ depth: Int) {
        guard pretty else { return }
        if !output.isEmpty { output += "\n" }
        output += String(repeating: "  ", count: depth)
    }

    static func escape(_ text: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t" where attribute: out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
