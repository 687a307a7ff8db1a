/// Generates the snapshot of a profile given only by its differential: the base definition's
/// snapshot, with each differential element merged into the element it constrains. Children of
/// a complex-type element are expanded from the type when the differential reaches into them
/// (`Patient.identifier.system`), slices are added after their sliced element
/// (`Patient.identifier:nhs`), and a type-specific path of a choice (`Observation.valueQuantity`)
/// constrains the choice element.
struct SnapshotGenerator {
    let definitions: Definitions

    /// The snapshot elements of a profile whose differential is `differential` (untyped
    /// ElementDefinition trees) over `base`.
    func snapshot(differential: [Element], base: StructureDefinition) -> [ElementDefinition] {
        var elements = base.elements
        var openSlices: [String: String] = [:]
        for item in differential {
            func text(_ name: String) -> String? { item.child(named: name)?.value?.text }
            guard var path = text("path") else { continue }
            var id = text("id") ?? Self.inferredID(path: path, sliceName: text("sliceName"), openSlices: &openSlices)
            // A type-specific name of a choice: `Observation.valueQuantity` → `Observation.value[x]`.
            if index(of: id, in: elements) == nil, let renamed = choiceRename(path, in: elements) {
                if id == path { id = renamed }
                path = renamed
            }
            guard let target = ensure(id: id, path: path, sliceName: text("sliceName"), in: &elements) else { continue }
            merge(item, into: &elements[target])
        }
        return elements
    }

    /// The id of a differential element that has none (differentials written before ids, by
    /// path only): an element under a slice (`Observation.category` with a sliceName, then
    /// `Observation.category.coding`) belongs to that slice until the sliced element or another
    /// slice of it comes again. `openSlices` maps each sliced path to the id of its current slice.
    static func inferredID(path: String, sliceName: String?, openSlices: inout [String: String]) -> String {
        let enclosing = openSlices.keys.filter { path.hasPrefix($0 + ".") }.max { $0.count < $1.count }
        let id = enclosing.map { (openSlices[$0] ?? $0) + path.dropFirst($0.count) } ?? path
        // Whatever was open inside this path is closed by it.
        for key in openSlices.keys where key == path || key.hasPrefix(path + ".") { openSlices[key] = nil }
        guard let sliceName else { return id }
        openSlices[path] = id + ":" + sliceName
        return id + ":" + sliceName
    }

    private func index(of id: String, in elements: [ElementDefinition]) -> Int? {
        elements.firstIndex { $0.id == id }
    }

    /// `Observation.valueQuantity` → `Observation.value[x]` when the latter exists.
    private func choiceRename(_ path: String, in elements: [ElementDefinition]) -> String? {
        guard let dot = path.lastIndex(of: ".") else { return nil }
        let parent = path[..<dot]
        let last = path[path.index(after: dot)...]
        for element in elements where element.isChoice && element.path.hasPrefix(parent + ".") {
            let name = element.name
            if last.hasPrefix(name), last.count > name.count, last[last.index(last.startIndex, offsetBy: name.count)].isUppercase,
                element.path == parent + "." + name + "[x]"
            {
                return element.path
            }
        }
        return nil
    }

    /// The index of the element `id`, adding it (as a slice, or by expanding its parent's type)
    /// when the snapshot does not have it yet.
    private func ensure(id: String, path: String, sliceName: String?, in elements: inout [ElementDefinition]) -> Int? {
        if let found = index(of: id, in: elements) { return found }
        // A slice: `…identifier:nhs` after everything of `…identifier`.
        if let sliceName, id.hasSuffix(":" + sliceName) {
            let slicedID = String(id.dropLast(sliceName.count + 1))
            guard let sliced = ensure(id: slicedID, path: path, sliceName: nil, in: &elements) else { return nil }
            var slice = elements[sliced]
            slice.id = id
            slice.sliceName = sliceName
            slice.slicing = nil
            // A choice element holds one value: each of its type slices is optional unless the
            // differential says otherwise (else a required `medication[x]` sliced by type would
            // require every type at once).
            if slice.path.hasSuffix("[x]") { slice.min = 0 }
            let end = subtreeEnd(of: sliced, in: elements)
            elements.insert(slice, at: end)
            return end
        }
        // A child: expand the parent's type under it.
        guard let dot = id.lastIndex(of: ".") else { return nil }
        let parentID = String(id[..<dot])
        let parentPath = path.split(separator: ".").dropLast().joined(separator: ".")
        guard let parent = ensure(id: parentID, path: parentPath, sliceName: Self.sliceName(ofLastPart: parentID), in: &elements) else {
            return nil
        }
        expandChildren(of: parent, in: &elements)
        return index(of: id, in: elements)
    }

    /// Adds the children of the element at `index` when it has none yet: for a slice, copies of
    /// the children of the element it slices (which hold the base's and the profile's rules);
    /// otherwise the elements of its type (or of the element it refers to).
    private func expandChildren(of index: Int, in elements: inout [ElementDefinition]) {
        let parent = elements[index]
        let hasChildren = index + 1 < elements.count && elements[index + 1].id.hasPrefix(parent.id + ".")
        guard !hasChildren else { return }
        var source: [ElementDefinition] = []
        var sourceRoot = ""
        let unsliced = Self.unslicedID(parent.id)
        if unsliced != parent.id {
            sourceRoot = unsliced
            source = elements.filter { $0.id.hasPrefix(unsliced + ".") && !$0.id.dropFirst(unsliced.count).contains(":") }
        }
        if source.isEmpty, let reference = parent.contentReference {
            sourceRoot = String(reference.drop { $0 == "#" })
            let rootID = sourceRoot
            source = elements.filter { $0.id.hasPrefix(rootID + ".") && !$0.id.contains(":") }
        }
        if source.isEmpty, parent.types.count == 1, let type = definitions.structure(forType: parent.types[0].code) {
            sourceRoot = type.type
            source = Array(type.elements.dropFirst())
        }
        guard !source.isEmpty else { return }
        let children = source.map { element -> ElementDefinition in
            var child = element
            child.id = parent.id + element.id.dropFirst(sourceRoot.count)
            child.path = parent.path + element.path.dropFirst(element.path.hasPrefix(sourceRoot) ? sourceRoot.count : 0)
            return child
        }
        elements.insert(contentsOf: children, at: index + 1)
    }

    /// `Bundle.entry:a.resource:b` → `Bundle.entry.resource`.
    static func unslicedID(_ id: String) -> String {
        id.split(separator: ".", omittingEmptySubsequences: false)
            .map { part in part.firstIndex(of: ":").map { part[..<$0] } ?? part }
            .joined(separator: ".")
    }

    /// The index after the last element of the subtree of `index` (its children and slices).
    private func subtreeEnd(of index: Int, in elements: [ElementDefinition]) -> Int {
        let id = elements[index].id
        var end = index + 1
        while end < elements.count, elements[end].id.hasPrefix(id + ".") || elements[end].id.hasPrefix(id + ":") {
            end += 1
        }
        return end
    }

    /// `…identifier:nhs` → `nhs`.
    static func sliceName(ofLastPart id: String) -> String? {
        let last = id.split(separator: ".").last ?? ""
        guard let colon = last.lastIndex(of: ":") else { return nil }
        return String(last[last.index(after: colon)...])
    }

    /// Applies what a differential element states.
    private func merge(_ item: Element, into element: inout ElementDefinition) {
        // Read the differential element like a snapshot one, then keep only what it states.
        guard let stated = try? ElementDefinition(element: item) else { return }
        let names = Set(item.children.map(\.name))
        if names.contains("min") { element.min = stated.min }
        if names.contains("max") { element.max = stated.max }
        if names.contains("type") { element.types = stated.types }
        if names.contains("binding") { element.binding = stated.binding }
        if names.contains("constraint") { element.constraints += stated.constraints }
        if names.contains("maxLength") { element.maxLength = stated.maxLength }
        if names.contains("slicing") { element.slicing = stated.slicing }
        if names.contains("sliceName") { element.sliceName = stated.sliceName }
        if stated.fixed != nil { element.fixed = stated.fixed }
        if stated.pattern != nil { element.pattern = stated.pattern }
        if stated.minValue != nil { element.minValue = stated.minValue }
        if stated.maxValue != nil { element.maxValue = stated.maxValue }
        if names.contains("contentReference") { element.contentReference = stated.contentReference }
    }
}
