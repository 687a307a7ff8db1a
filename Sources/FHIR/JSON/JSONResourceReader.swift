/// Reads FHIR JSON into ``Element`` trees, typed by the definitions: every property must be an
/// element of its parent's type (choice suffixes and `_name` primitive extensions resolved),
/// of the right JSON kind and cardinality. Problems are collected (with FHIRPath location and
/// line/column); reading goes on past them so a validator can report them all.
struct JSONResourceReader {
    let document: JSONDocument
    let definitions: Definitions
    private(set) var errors: [FormatError] = []
    /// The line of the last position found: values are read in document order, so the next
    /// one's line is found by a few steps from it rather than a search of all lines.
    private var lineHint = 0
    /// The definition order of each element read, for all the objects being read (each
    /// object's from where it started): one buffer instead of an array per object.
    private var orderStack: [Int] = []
    /// Where the element being read is: the name (and index, when it repeats) of it and of each
    /// element above it, the root's resource type first. Entered and left as the reader goes
    /// down and up; written out (`Bundle.entry[0].resource.id`) only for an error.
    private var path: [(name: String, index: Int?)] = []

    init(document: JSONDocument, definitions: Definitions) {
        self.document = document
        self.definitions = definitions
    }

    /// Reads the resource at `index`, named `name` in its parent (the resource type at the root).
    mutating func readResource(at index: Int, name: String?) -> Element? {
        guard document.kind(index) == .object else {
            fail(.wrongType, index, "a resource must be a JSON object")
            return nil
        }
        guard let typeIndex = document.members(index).first(where: { document.string($0.key, equals: "resourceType") })?.value,
            document.kind(typeIndex) == .string
        else {
            fail(.unknownResourceType, index, "the resource has no resourceType")
            return nil
        }
        let type = document.string(typeIndex)
        guard let structure = definitions.structure(forType: type), structure.kind == .resource else {
            fail(.unknownResourceType, typeIndex, "'\(type)' is not a FHIR R4 resource type")
            return nil
        }
        if structure.isAbstract {
            fail(.unknownResourceType, typeIndex, "'\(type)' is an abstract resource type")
        }
        // The root's path starts with its type; a resource inside another is on its element's path.
        let isRoot = path.isEmpty
        if isRoot { path.append((type, nil)) }
        defer { if isRoot { path.removeLast() } }
        var element = Element(name: name ?? type, type: type, position: position(index))
        element.children = readChildren(of: index, children: definitions.children(of: type, in: structure), isResource: true)
        return element
    }

    /// The children of the object at `index`, defined by `children`; sorted in definition order.
    private mutating func readChildren(of index: Int, children: ChildDefinitions, isResource: Bool) -> [Element] {
        let childDefinitions = children.elements
        let lookup = children.byName
        // The elements read, each with its definition's index (its place in definition order).
        var read = ReadChildren(base: orderStack.count)
        defer { orderStack.removeLast(orderStack.count - read.base) }
        // The key and type of the first property of each choice element.
        var seenChoice: [Int: (key: Int, type: String)] = [:]
        var primitiveExtensions: [(name: String, value: Int, key: Int)] = []
        // The members are visited in place on the tape (a key, then its value's subtree).
        let memberCount = Int(document.values[index].count)
        // Room for every value and array item, so the arrays are not grown item by item.
        var expected = 0
        var cursor = index + 1
        for _ in 0..<memberCount {
            let value = cursor + 1
            expected += document.kind(value) == .array ? max(1, Int(document.values[value].count)) : 1
            cursor = Int(document.values[value].next)
        }
        read.elements.reserveCapacity(expected)
        orderStack.reserveCapacity(read.base + expected)
        cursor = index + 1
        for _ in 0..<memberCount {
            let key = cursor
            let value = cursor + 1
            cursor = Int(document.values[value].next)
            // Most names are found by their bytes; `resourceType`, `_name`, names with escapes
            // and unknown names as text.
            let entry: (index: Int, type: String)
            if let found = document.withUnescapedBytes(key, { children.entry(named: $0) }) ?? nil {
                entry = found
            } else {
                let name = document.string(key)
                if name == "resourceType" {
                    if !isResource { fail(.unknownElement, key, "resourceType is allowed only on a resource") }
                    continue
                }
                if name.hasPrefix("_") {
                    primitiveExtensions.append((String(name.dropFirst()), value, key))
                    continue
                }
                guard let found = lookup[name] else {
                    fail(.unknownElement, key, "unknown element '\(name)'")
                    continue
                }
                entry = found
            }
            let (number, type) = entry
            if children.isChoice[number] {
                let definition = childDefinitions[number]
                // Two names of one choice have two types.
                if let other = seenChoice[number], other.type != type {
                    fail(.duplicateElement, key, "'\(document.string(key))' and '\(document.string(other.key))' are two types of one choice element \(definition.name)[x]")
                    continue
                }
                seenChoice[number] = (key, type)
            }
            readValues(value, key: key, children: children, number: number, type: type, into: &read.elements)
        }
        // `_name`: id and extensions of primitives, merged into the values read (or standing
        // alone when the primitive has no value).
        for (name, value, key) in primitiveExtensions {
            guard let (number, type) = lookup[name], definitions.isPrimitiveType(type) else {
                fail(.unknownElement, key, "unknown element '_\(name)'")
                continue
            }
            let definition = childDefinitions[number]
            // On the element's path (and its items').
            path.append((definition.name, nil))
            defer { path.removeLast() }
            let objects: [Int?]
            if definition.isRepeating {
                guard document.kind(value) == .array else {
                    fail(.wrongCardinality, value, "'_\(name)' must be an array, as \(definition.name) repeats")
                    continue
                }
                objects = document.items(value).map { document.kind($0) == .null ? nil : $0 }
            } else {
                guard document.kind(value) == .object else {
                    fail(.wrongType, value, "'_\(name)' must be an object")
                    continue
                }
                objects = [value]
            }
            let existing = read.elements.indices.filter { orderStack[read.base + $0] == number }
            if definition.isRepeating, !existing.isEmpty, existing.count != objects.count {
                fail(.wrongCardinality, value, "'_\(name)' must have as many items as '\(name)'")
            }
            for (offset, object) in objects.enumerated() {
                guard let object else { continue }
                path[path.count - 1].index = definition.isRepeating ? offset : nil
                guard document.kind(object) == .object else {
                    fail(.wrongType, object, "items of '_\(name)' must be objects or null")
                    continue
                }
                let extras = readPrimitiveExtras(object)
                if offset < existing.count {
                    read.elements[existing[offset]].children += extras
                } else {
                    read.elements.append(Element(name: definition.name, type: type, children: extras, position: position(object)))
                    orderStack.append(number)
                }
            }
        }
        // Nulls of primitive arrays that got no extensions.
        var position = 0
        while position < read.elements.count {
            guard read.elements[position].value == nil, read.elements[position].children.isEmpty,
                definitions.isPrimitiveType(read.elements[position].type)
            else {
                position += 1
                continue
            }
            let element = read.elements[position]
            path.append((element.name, nil))
            errors.append(FormatError(.emptyValue, path: pathText, at: element.position, "null in an array needs an id or extensions in the '_' array"))
            path.removeLast()
            read.elements.remove(at: position)
            orderStack.remove(at: read.base + position)
        }
        // Definition order; within one element, document order.
        return ChildDefinitions.inDefinitionOrder(read.elements, orders: orderStack[read.base...])
    }

    /// The elements of one JSON property (its name at `key`, of the object at `parent`): one
    /// value, or the items of an array; appended to `read`, with their order (`number`) on
    /// ``orderStack``.
    private mutating func readValues(
        _ index: Int, key: Int, children: ChildDefinitions, number: Int, type: String, into read: inout [Element]
    ) {
        let definition = children.elements[number]
        path.append((definition.name, nil))
        defer { path.removeLast() }
        guard document.kind(index) == .array else {
            if definition.isRepeating {
                fail(.wrongCardinality, index, "'\(document.string(key))' must be an array, as it repeats")
            }
            if let element = readItem(index, children: children, number: number, type: type) {
                read.append(element)
                orderStack.append(number)
            }
            return
        }
        if !definition.isRepeating {
            fail(.wrongCardinality, index, "'\(document.string(key))' must be a single value, not an array")
        }
        let count = Int(document.values[index].count)
        if count == 0 { fail(.emptyValue, index, "'\(document.string(key))' is an empty array") }
        // The items visited in place on the tape.
        var item = index + 1
        for offset in 0..<count {
            if definition.isRepeating { path[path.count - 1].index = offset }
            if let element = readItem(item, children: children, number: number, type: type) {
                read.append(element)
                orderStack.append(number)
            }
            item = Int(document.values[item].next)
        }
    }

    /// One value or array item: a null only keeps the place of a primitive whose `_name`
    /// extensions may come.
    private mutating func readItem(_ index: Int, children: ChildDefinitions, number: Int, type: String) -> Element? {
        guard document.kind(index) == .null else {
            return readValue(index, children: children, number: number, type: type)
        }
        let definition = children.elements[number]
        // Only a primitive with `_name` extensions may be null in an array: keep its place for
        // the extensions (dropped, with an error, if none come).
        if definitions.isPrimitiveType(type) && definition.isRepeating {
            return Element(name: definition.name, type: type, position: position(index))
        }
        fail(.emptyValue, index, "null is not a value")
        return nil
    }

    /// One value of type `type`, for child `number` of `children`.
    private mutating func readValue(_ index: Int, children: ChildDefinitions, number: Int, type: String) -> Element? {
        children.withPlan(ofChild: number, type: type, definitions: definitions) { plan in
            readValue(index, children: children, number: number, type: type, plan: plan)
        }
    }

    /// ``readValue(_:children:number:type:)`` with the child's plan for the type.
    private mutating func readValue(
        _ index: Int, children: ChildDefinitions, number: Int, type: String, plan: ChildPlan
    ) -> Element? {
        let definition = children.elements[number]
        let position = position(index)
        if plan.isPrimitive {
            guard let value = primitive(index, type: type, kind: plan.valueKind) else { return nil }
            return Element(name: definition.name, type: type, value: value, position: position)
        }
        if type == "Resource" || type == "DomainResource" || plan.isResource {
            return readResource(at: index, name: definition.name)
        }
        guard document.kind(index) == .object else {
            fail(.wrongType, index, "\(definition.name) must be a JSON object (\(type))")
            return nil
        }
        if document.values[index].count == 0 {
            fail(.emptyValue, index, "\(definition.name) is an empty object")
        }
        // An element defined by reference to another (no type of its own) is a group.
        var element = Element(name: definition.name, type: definition.types.isEmpty ? "BackboneElement" : type, position: position)
        guard let content = plan.content else {
            fail(.unknownElement, index, "the type '\(type)' is not defined")
            return element
        }
        element.children = readChildren(of: index, children: content, isResource: false)
        return element
    }

    /// The id and extensions of a primitive, from its `_name` object.
    private mutating func readPrimitiveExtras(_ index: Int) -> [Element] {
        guard let element = definitions.structure(forType: "Element") else { return [] }
        return readChildren(of: index, children: definitions.children(of: "Element", in: element), isResource: false)
    }

    /// A primitive value, checked for its JSON kind; `valueKind` is how a `type` is written.
    private mutating func primitive(_ index: Int, type: String, kind valueKind: Primitive.Kind) -> Primitive? {
        let kind = document.kind(index)
        switch valueKind {
        case .boolean:
            guard kind == .true || kind == .false else {
                fail(.wrongType, index, "a boolean must be JSON true or false")
                return nil
            }
            return .boolean(kind == .true)
        case .number:
            guard kind == .number else {
                fail(.wrongType, index, "a \(type) must be a JSON number")
                return nil
            }
            return .number(document.text(index))
        case .string:
            guard kind == .string else {
                fail(.wrongType, index, "a \(type) must be a JSON string")
                return nil
            }
            let text = document.string(index)
            if text.isEmpty { fail(.emptyValue, index, "a \(type) must not be an empty string") }
            return .string(text)
        }
    }

    /// Children of one object read, in document order; the index of each one's definition is
    /// at `base` + its index on ``orderStack``. The elements need no copy when they already are
    /// in definition order.
    private struct ReadChildren {
        var elements: [Element] = []
        /// Where the orders of these elements start on ``orderStack``.
        let base: Int

        init(base: Int) {
            self.base = base
        }
    }

    /// Where value `index` starts, found from the last position's line.
    private mutating func position(_ index: Int) -> TextPosition {
        document.position(index, lineHint: &lineHint)
    }

    /// An error at value `index`, on the path of the element being read.
    private mutating func fail(_ code: FormatError.Code, _ index: Int, _ message: String) {
        errors.append(FormatError(code, path: pathText, at: position(index), message))
    }

    /// The FHIRPath text of ``path``; `nil` before the root's type is known.
    private var pathText: String? {
        path.isEmpty ? nil : ElementPath.text(of: path)
    }
}
