extension Validator.Walk {
    /// Whether `item` belongs to `slice`: a slicing by `profile` (the element at the
    /// discriminator's path conforms to a profile the slice names for it) is decided by
    /// validating that element against the profiles, without reporting; other discriminators by
    /// ``matches(_:slice:of:in:)``.
    mutating func sliceMatch(_ item: Element, slice: ElementDefinition, of sliced: ElementDefinition, in structure: StructureDefinition) -> Bool? {
        guard let discriminators = sliced.slicing?.discriminators, discriminators.count == 1, discriminators[0].type == "profile" else {
            return Self.matches(item, slice: slice, of: sliced, in: structure)
        }
        var path = discriminators[0].path
        if path.hasPrefix("$this.") { path.removeFirst("$this.".count) }
        guard path != "$this", !path.contains("(") else { return nil }
        var targets = [item]
        for step in path.split(separator: ".") { targets = targets.flatMap { $0.children(named: String(step)) } }
        guard let target = structure.element(at: slice.id + "." + path) else { return nil }
        let urls = target.types.flatMap(\.profiles)
        let profiles = urls.compactMap { definitions.structure(url: $0) }
        guard !urls.isEmpty, profiles.count == urls.count else { return nil }
        return targets.contains { candidate in profiles.contains { conforms(candidate, to: $0) } }
    }

    /// Whether `element` has no errors against `profile` (the issues found are dropped).
    mutating func conforms(_ element: Element, to profile: StructureDefinition) -> Bool {
        guard profile.type == element.type else { return false }
        let mark = issues.count
        validateContent(element, structure: profile, definitionPath: profile.type, path: ElementPath(profile.type), resource: element)
        let conforms = !issues[mark...].contains { $0.severity >= .error }
        issues.removeSubrange(mark...)
        return conforms
    }
}
