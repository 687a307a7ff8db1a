/// Profiles a destination or server requires, by the resource type they constrain: a
/// resource is validated against its type's profiles, and so is every entry's resource of a
/// Bundle.
public struct ProfilesByType: Sendable, Hashable {
    /// Profile URLs by resource type.
    public private(set) var urls: [String: [String]]

    /// Sorts `profiles` by the type each constrains; a URL `definitions` does not know is left out.
    public init(_ profiles: [String], definitions: Definitions) {
        var urls: [String: [String]] = [:]
        for url in profiles {
            guard let type = definitions.structure(url: url)?.type else { continue }
            urls[type, default: []].append(url)
        }
        self.urls = urls
    }

    /// The profiles of `type` (none when the type has none).
    public subscript(type: String) -> [String] {
        urls[type] ?? []
    }
}

extension Validator {
    /// Checks `resource` against R4 and its type's profiles, and, for a Bundle, every entry's
    /// resource that has profiles of its own, with the issues' expressions from the Bundle
    /// (`Bundle.entry[2].resource.subject`).
    public func validate(_ resource: Element, profilesByType profiles: ProfilesByType) -> [ValidationIssue] {
        var issues = validate(resource, profiles: profiles[resource.type]).issues
        guard resource.type == "Bundle" else { return issues }
        for (index, entry) in resource.children(named: "entry").enumerated() {
            guard let inner = entry.child(named: "resource"), !profiles[inner.type].isEmpty else { continue }
            var root = inner
            root.name = inner.type
            issues += validate(root, profiles: profiles[inner.type]).issues.map { issue in
                var issue = issue
                let rest = issue.expression.hasPrefix(inner.type) ? String(issue.expression.dropFirst(inner.type.count)) : ""
                issue.expression = "Bundle.entry[\(index)].resource" + rest
                return issue
            }
        }
        return issues
    }
}
