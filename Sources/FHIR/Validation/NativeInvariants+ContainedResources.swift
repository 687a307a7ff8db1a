extension NativeInvariants {
    /// An invariant checked in Swift that needs the resource and the definitions: `nil` when the
    /// answer is the evaluator's (an input the Swift code does not decide).
    typealias ResourceCheck = @Sendable (_ element: Element, _ resource: Element, _ definitions: Definitions) -> Bool?

    /// The invariants written in Swift that need the resource, by expression.
    static let resourceChecks: [String: ResourceCheck] = [
        // dom-3: each contained resource is referenced from the resource (`#id`) or refers to it
        // (`#`).
        """
        contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().ofType(canonical) | \
        %resource.descendants().ofType(uri) | %resource.descendants().ofType(url))) or descendants().where(reference = '#').exists() or \
        descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()
        """: { element, resource, definitions in
            var references = ContainedReferences(definitions: definitions)
            return references.eachContainedIsReferenced(in: element, resource: resource)
        },
    ]
}

/// dom-3 in Swift, as the evaluator computes it: a contained resource with one `id` that no
/// `reference` and no `uri`, `url` or `canonical` value of `%resource` names as `#id`, and that
/// has no `reference` or `canonical` equal to `#`, is unmatched; a contained resource without an
/// `id` is never unmatched (`'#' + {}` is empty). Inputs where the evaluator would fail or
/// compare values other than strings (two ids, an id without a value, a `reference` that is a
/// date) are left to it.
private struct ContainedReferences {
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
        Self.forEachDescendant(of: resource) { descendant in
            for child in descendant.children where child.name == "reference" {
                guard let value = child.value else { continue }
                guard let text = Self.string(child, value) else { failed = true; return }
                named.insert(text)
            }
            if let value = descendant.value, kind(of: descendant.type).isURI {
                guard let text = Self.string(descendant, value) else { failed = true; return }
                named.insert(text)
            }
        }
        if failed { return nil }
        var unmatched = false
        for resource in contained {
            let ids = resource.children.filter { $0.name == "id" }
            if ids.isEmpty { continue }
            guard ids.count == 1, let value = ids[0].value, let id = Self.string(ids[0], value) else { return nil }
            if named.contains("#" + id) { continue }
            // `descendants().where(reference = '#')` or `descendants().where(as(canonical) = '#')`
            var refersToContainer = false
            Self.forEachDescendant(of: resource) { descendant in
                let references = descendant.children.filter { $0.name == "reference" }
                if references.count == 1, let value = references[0].value {
                    guard let text = Self.string(references[0], value) else { failed = true; return }
                    if text == "#" { refersToContainer = true }
                }
                if let value = descendant.value, kind(of: descendant.type).isCanonical {
                    guard let text = Self.string(descendant, value) else { failed = true; return }
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

    /// The text of a value the evaluator compares as a string; `nil` for a value it converts to
    /// a number, a boolean or a date (then it decides).
    private static func string(_ element: Element, _ value: Primitive) -> String? {
        guard value.kind == .string else { return nil }
        switch element.type {
        case "boolean", "integer", "positiveInt", "unsignedInt", "integer64", "decimal", "date", "dateTime", "instant", "time": return nil
        default: return value.text
        }
    }

    /// Calls `body` with every descendant of `element` (not `element` itself).
    private static func forEachDescendant(of element: Element, _ body: (Element) -> Void) {
        for child in element.children {
            body(child)
            forEachDescendant(of: child, body)
        }
    }
}
