extension Validator.Walk {
    /// An element whose type names profiles (`type.profile`, other than extensions and
    /// references) conforms to one of them. One profile: its errors are the element's. Several:
    /// when none fits, an error says so, with the errors each one gave. A profile not known here
    /// leaves the element undecided (nothing reported).
    mutating func checkTypeProfiles(_ urls: [String], on element: Element, path: ElementPath, resource: Element) {
        let profiles = urls.compactMap { definitions.structure(url: $0) }
        guard profiles.count == urls.count, profiles.allSatisfy({ $0.type == element.type }) else { return }
        let mark = issues.count
        var matched = false
        for profile in profiles {
            let start = issues.count
            validateContent(element, structure: profile, definitionPath: profile.type, path: path, resource: resource)
            if !issues[start...].contains(where: { $0.severity >= .error }) {
                matched = true
                break
            }
        }
        let attempts = Array(issues[mark...])
        issues.removeSubrange(mark...)
        guard !matched else { return }
        if profiles.count > 1 {
            report(.error, .structure, path, "the element matches none of its profiles (\(urls.joined(separator: ", ")))", element)
        }
        var seen: Set<ValidationIssue> = []
        issues += attempts.filter { $0.severity >= .error && seen.insert($0).inserted }
    }
}
