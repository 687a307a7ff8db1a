extension VocabularyMap {
    /// The source code of a target code: the ConceptMap read backwards, for FHIR → HL7 v2
    /// (`female` → `F` with `v2-0001-administrative-gender`).
    ///
    /// Several source codes may map to one target (`A`, `N` and `O` all give `other`): the first
    /// one in the ConceptMap whose equivalence is `equal` or `equivalent` wins, else the first
    /// one of any other equivalence. A group whose `unmapped` mode is `provided` gives an unknown
    /// code back unchanged; `fixed` says nothing about the way back, so the code has no source.
    ///
    /// ```swift
    /// gender.source(of: "female")?.code   // "F"
    /// ```
    ///
    /// - Parameter system: the target code system; when given, only the groups that map to it
    ///   (or name none) are read.
    public func source(of code: String, system: String? = nil) -> Target? {
        let candidates = system.map { system in groups.filter { $0.target == nil || $0.target == system } } ?? groups
        for group in candidates {
            if let source = group.sources[code] { return Target(system: group.source, code: source, display: nil) }
        }
        for group in candidates {
            if case .provided = group.unmapped { return Target(system: group.source, code: code, display: nil) }
        }
        return nil
    }
}
