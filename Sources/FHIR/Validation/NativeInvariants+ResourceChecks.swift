extension NativeInvariants {
    /// An invariant checked in Swift that needs more than the element (`%resource`,
    /// `%rootResource`, the definitions) or compares values: `nil` when the answer is the
    /// evaluator's (an input the Swift code does not decide). Each runs only when the part of the
    /// expression ``NativeCondition`` answers did not decide.
    typealias ResourceCheck = @Sendable (_ element: Element, _ resource: Element, _ rootResource: Element, _ definitions: Definitions) -> Bool?

    /// The invariants written in Swift that need more than the element, by expression.
    static let resourceChecks: [String: ResourceCheck] = [
        // ref-1: a local reference (`#id`) names a contained resource of the root resource.
        "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))": {
            element, _, rootResource, _ in
            let references = element.children.filter { $0.name == "reference" }
            guard references.count == 1, let value = references[0].value, let text = string(references[0], value),
                text.hasPrefix("#")
            else { return nil }
            // `substring(1)` of `#` is empty, and `{} in …` is empty: the invariant holds.
            let id = String(text.dropFirst())
            if id.isEmpty { return true }
            var found = false
            for contained in rootResource.children where contained.name == "contained" {
                for child in contained.children where child.name == "id" {
                    guard let value = child.value else { continue }
                    guard let text = string(child, value) else { return nil }
                    if text == id { found = true }
                }
            }
            return found
        },
        // que-2: the linkIds of a Questionnaire are unique.
        "descendants().linkId.isDistinct()": { element, _, _, _ in
            var seen: Set<String> = []
            var distinct = true
            var decided = true
            forEachDescendant(of: element) { descendant in
                for child in descendant.children where child.name == "linkId" {
                    guard let value = child.value, let text = string(child, value) else {
                        decided = false
                        return
                    }
                    if !seen.insert(text).inserted { distinct = false }
                }
            }
            return decided ? distinct : nil
        },
        // dom-3: each contained resource is referenced from the resource (`#id`) or refers to it
        // (`#`).
        """
        contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().ofType(canonical) | \
        %resource.descendants().ofType(uri) | %resource.descendants().ofType(url))) or descendants().where(reference = '#').exists() or \
        descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()
        """: { element, resource, _, definitions in
            var references = ContainedReferences(definitions: definitions)
            return references.eachContainedIsReferenced(in: element, resource: resource)
        },
    ]

    /// The text of a value the evaluator compares as a string; `nil` for a value it converts to
    /// a number, a boolean or a date (then it decides).
    static func string(_ element: Element, _ value: Primitive) -> String? {
        guard value.kind == .string else { return nil }
        switch element.type {
        case "boolean", "integer", "positiveInt", "unsignedInt", "integer64", "decimal", "date", "dateTime", "instant", "time": return nil
        default: return value.text
        }
    }

    /// Calls `body` with every descendant of `element` (not `element` itself).
    static func forEachDescendant(of element: Element, _ body: (Element) -> Void) {
        for child in element.children {
            body(child)
            forEachDescendant(of: child, body)
        }
    }
}
