/// Writes ``Element`` trees as FHIR JSON, using the definitions for what the tree does not say:
/// which elements are arrays and the type suffix of choice elements. Numbers are written with
/// their exact text.
struct JSONResourceWriter {
    let definitions: Definitions
    /// Indent with two spaces per level; `nil` for compact output.
    let indent: Int?
    private(set) var output: [UInt8] = []

    init(definitions: Definitions, pretty: Bool) {
        self.definitions = definitions
        self.indent = pretty ? 2 : nil
    }

    mutating func writeResource(_ element: Element, depth: Int = 0) {
        output.append(UInt8(ascii: "{"))
        var first = true
        key("resourceType", first: &first, depth: depth + 1)
        string(element.type)
        if let structure = definitions.structure(forType: element.type) {
            writeMembers(of: element, structure: structure, definitionPath: structure.type, first: &first, depth: depth + 1)
        }
        close(UInt8(ascii: "}"), depth: depth, empty: first)
    }

    private mutating func writeMembers(of element: Element, structure: StructureDefinition, definitionPath: String, first: inout Bool, depth: Int) {
        let children = definitions.children(of: definitionPath, in: structure)
        let structure = children.structure
        // Children grouped by name (and type, for choices), in the order they come.
        var groups: [(name: String, definition: ElementDefinition?, elements: [Element])] = []
        for child in element.children {
            let definition = children.element(named: child.name)
            let jsonName = definition?.jsonName(for: child.type) ?? child.name
            if let last = groups.indices.last, groups[last].name == jsonName {
                groups[last].elements.append(child)
            } else if let index = groups.firstIndex(where: { $0.name == jsonName }) {
                groups[index].elements.append(child)
            } else {
                groups.append((jsonName, definition, [child]))
            }
        }
        for group in groups {
            let repeating = group.definition?.isRepeating ?? (group.elements.count > 1)
            let type = group.elements[0].type
            if definitions.isPrimitiveType(type) {
                writePrimitive(group.name, group.elements, repeating: repeating, first: &first, depth: depth)
                continue
            }
            key(group.name, first: &first, depth: depth)
            if repeating {
                output.append(UInt8(ascii: "["))
                for (offset, element) in group.elements.enumerated() {
                    if offset > 0 { output.append(UInt8(ascii: ",")) }
                    newline(depth + 1)
                    writeComplex(element, definition: group.definition, structure: structure, depth: depth + 1)
                }
                close(UInt8(ascii: "]"), depth: depth, empty: false)
            } else {
                writeComplex(group.elements[0], definition: group.definition, structure: structure, depth: depth)
            }
        }
    }

    private mutating func writeComplex(_ element: Element, definition: ElementDefinition?, structure: StructureDefinition, depth: Int) {
        if definitions.isResourceType(element.type) {
            writeResource(element, depth: depth)
            return
        }
        output.append(UInt8(ascii: "{"))
        var first = true
        if let content = definitions.content(ofType: element.type, definition: definition, in: structure) {
            writeMembers(of: element, structure: content.structure, definitionPath: content.path, first: &first, depth: depth + 1)
        }
        close(UInt8(ascii: "}"), depth: depth, empty: first)
    }

    /// `name: value` (or an array) and `_name: {id, extension}` when any has them.
    private mutating func writePrimitive(_ name: String, _ elements: [Element], repeating: Bool, first: inout Bool, depth: Int) {
        let hasValues = elements.contains { $0.value != nil }
        let hasExtras = elements.contains { !$0.children.isEmpty }
        if hasValues {
            key(name, first: &first, depth: depth)
            if repeating {
                output.append(UInt8(ascii: "["))
                for (offset, element) in elements.enumerated() {
                    if offset > 0 { output.append(UInt8(ascii: ",")) }
                    value(element.value)
                }
                output.append(UInt8(ascii: "]"))
            } else {
                value(elements[0].value)
            }
        }
        guard hasExtras, let elementStructure = definitions.structure(forType: "Element") else { return }
        key("_" + name, first: &first, depth: depth)
        func extras(_ element: Element, depth: Int) {
            guard !element.children.isEmpty else {
                output += Array("null".utf8)
                return
            }
            output.append(UInt8(ascii: "{"))
            var inner = true
            writeMembers(of: element, structure: elementStructure, definitionPath: "Element", first: &inner, depth: depth + 1)
            close(UInt8(ascii: "}"), depth: depth, empty: inner)
        }
        if repeating {
            output.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                extras(element, depth: depth + 1)
            }
            close(UInt8(ascii: "]"), depth: depth, empty: false)
        } else {
            extras(elements[0], depth: depth)
        }
    }

    private mutating func value(_ primitive: Primitive?) {
        guard let primitive else {
            output += Array("null".utf8)
            return
        }
        switch primitive.kind {
        case .string: string(primitive.text)
        case .number, .boolean: output += Array(primitive.text.utf8)
        }
    }

    private mutating func key(_ name: String, first: inout Bool, depth: Int) {
        if !first { output.append(UInt8(ascii: ",")) }
        first = false
        newline(depth)
        string(name)
        output.append(UInt8(ascii: ":"))
        if indent != nil { output.append(UInt8(ascii: " ")) }
    }

    private mutating func close(_ bracket: UInt8, depth: Int, empty: Bool) {
        if !empty { newline(depth) }
        output.append(bracket)
    }

    private mutating func newline(_ depth: Int) {
        guard let indent else { return }
        output.append(0x0A)
        output += repeatElement(UInt8(ascii: " "), count: indent * depth)
    }

    private mutating func string(_ text: String) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
