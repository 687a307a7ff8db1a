/// dom-3 in Swift, as the evaluator computes it: a contained resource with one `id` that no
/// `reference` and no `uri`, `url` or `canonical` value of `%resource` names as `#id`, and that
/// has no `reference` or `canonical` equal to `#`, is unmatched; a contained resource without an
/// `id` is never unmatched (`'#' + {}` is empty). Inputs where the evaluator would fail or
/// compare values other than strings (two ids, an id without a value, a `reference` that is a
/// date) are left to it.
struct ContainedReferences {
    let definitions: Definitions
    /// Whether a lower-case type is `uri`, `url`, `canonical` or derives from one, and whether it
    /// is or derives from `canonical`, by type.
    private var uriTypes: [String: (isURI: Bool, isCanonical: Bool)] = [:]

    init(definitions: Definitions) {
        self.definitions = definitions
    }

    /// `true` when every contained resource of `element` is matched, `false` when one is not,
    /// `nil` when the evaluator decides.
    mutating func eachContainedIsReferenced(in element: Element, resource: Element) -> Bool? {
        let contained = element.children.filter { $0.name == "contained" }
        if contained.isEmpty { return true }
        // `%resource.descendants().reference | %resource.descendants().ofType(canonical | uri | url)`
        var named: Set<String> = []
        var failed = false
        NativeInvariants.forEachDescendant(of: resource) { descendant in
            for child in descendant.children where child.name == "reference" {
                guard let value = child.value else { continue }
                guard let text = NativeInvariants.string(child, value) else { failed = true; return }
                named.insert(text)
            }
            if let value = descendant.value, kind(of: descendant.type).isURI {
                guard let text = NativeInvariants.string(descendant, value) else { failed = true; return }
                named.insert(text)
            }
        }
        if failed { return nil }
        var unmatched = false
        for resource in contained {
            let ids = resource.children.filter { $0.name == "id" }
            if ids.isEmpty { continue }
            guard ids.count == 1, let value = ids[0].value, let id = NativeInvariants.string(ids[0], value) else { return nil }
            if named.contains("#" + id) { continue }
            // `descendants().where(reference = '#')` or `descendants().where(as(canonical) = '#')`
            var refersToContainer = false
            NativeInvariants.forEachDescendant(of: resource) { descendant in
                let references = descendant.children.filter { $0.name == "reference" }
                if references.count == 1, let value = references[0].value {
                    guard let text = NativeInvariants.string(references[0], value) else { failed = true; return }
                    if text == "#" { refersToContainer = true }
                }
                if let value = descendant.value, kind(of: descendant.type).isCanonical {
                    guard let text = NativeInvariants.string(descendant, value) else { failed = true; return }
                    if text == "#" { refersToContainer = true }
                }
            }
            if failed { return nil }
            if !refersToContainer { unmatched = true }
        }
        return !unmatched
    }

    /// What `ofType(uri)`, `ofType(url)`, `ofType(canonical)` and `as(canonical)` find of `type`
    /// (a lower-case name with that name in its lineage).
    private mutating func kind(of type: String) -> (isURI: Bool, isCanonical: Bool) {
        if let known = uriTypes[type] { return known }
        let kind: (isURI: Bool, isCanonical: Bool)
        if let first = type.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") {
            let lineage = [type] + definitions.lineage(of: type)
            kind = (lineage.contains { $0 == "uri" || $0 == "url" || $0 == "canonical" }, lineage.contains("canonical"))
        } else {
            kind = (false, false)
        }
        uriTypes[type] = kind
        return kind
    }
}
