extension Element {
    /// Reads a JSON value without definitions: every object member becomes a child (array
    /// items repeated children), values keep their JSON kind, `_name` members are merged into
    /// their primitives. ``type`` stays empty. Used for conformance resources
    /// (StructureDefinitions, ValueSets), which the definitions themselves describe.
    init(untyped document: JSONDocument, at index: Int, name: String) {
        self.init(name: name, type: "", position: document.position(index))
        switch document.kind(index) {
        case .object:
            var extras: [String: Int] = [:]
            for (key, value) in document.members(index) {
                let name = document.string(key)
                if name.hasPrefix("_") {
                    extras[String(name.dropFirst())] = value
                    continue
                }
                if document.kind(value) == .array {
                    for item in document.items(value) where document.kind(item) != .null {
                        children.append(Element(untyped: document, at: item, name: name))
                    }
                } else {
                    children.append(Element(untyped: document, at: value, name: name))
                }
            }
            for (name, value) in extras {
                let targets = children.indices.filter { children[$0].name == name }
                let objects = document.kind(value) == .array ? document.items(value) : [value]
                for (offset, object) in objects.enumerated() where document.kind(object) == .object {
                    let extra = Element(untyped: document, at: object, name: name)
                    if offset < targets.count {
                        children[targets[offset]].children += extra.children
                    } else {
                        children.append(extra)
                    }
                }
            }
        case .array:
            children = document.items(index).map { Element(untyped: document, at: $0, name: name) }
        case .string:
            value = .string(document.string(index))
        case .number:
            value = .number(document.text(index))
        case .true:
            value = .boolean(true)
        case .false:
            value = .boolean(false)
        case .null:
            break
        }
    }
}

extension Element {
    /// Reads a conformance resource (StructureDefinition, ValueSet, …) from JSON without typing
    /// it, for ``Definitions/adding(resources:)``.
    public static func untyped(json bytes: [UInt8]) throws(FormatError) -> Element {
        let document = try JSONDocument(parsing: bytes)
        return Element(untyped: document, at: 0, name: "resource")
    }
}
