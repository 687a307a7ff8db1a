extension Validator.Walk {
    /// A Coding's system is an absolute URI naming a code system, not a value set of these
    /// definitions; a Coding whose system is a CodeSystem of these definitions (an
    /// implementation guide's, with all its concepts) must use one of its codes.
    mutating func checkCodeSystem(_ coding: Element, path: String) {
        guard let system = coding.child(named: "system")?.value?.text else { return }
        if checkSystem(of: coding, path: path) == false { return }
        guard let code = coding.child(named: "code")?.value?.text else { return }
        guard let codeSystem = definitions.resource(url: system) else {
            // The lookup first: it is much cheaper than a substring search, and rarely succeeds.
            if definitions.valueSet(url: system) != nil, system.contains("/ValueSet/") {
                report(.error, .codeInvalid, path + ".system", "the Coding's system \(system) is a value set, not a code system", coding)
            }
            return
        }
        guard codeSystem.child(named: "resourceType")?.value?.text == "CodeSystem" || codeSystem.type == "CodeSystem",
            (codeSystem.child(named: "content")?.value?.text ?? "complete") == "complete"
        else { return }
        func contains(_ concepts: [Element]) -> Bool {
            concepts.contains { $0.child(named: "code")?.value?.text == code || contains($0.children(named: "concept")) }
        }
        if !contains(codeSystem.children(named: "concept")) {
            report(.error, .codeInvalid, path + ".code", "unknown code '\(code)' in the code system \(system)", coding)
        }
    }

    /// The system of a Coding or an Identifier is an absolute URI (`http://…`, `urn:oid:…`), not
    /// a local reference; `false` when it is not.
    @discardableResult
    mutating func checkSystem(of element: Element, path: String) -> Bool {
        guard let system = element.child(named: "system")?.value?.text, !Self.isAbsoluteURL(system) else { return true }
        report(.error, .value, path + ".system", "\(element.type).system must be an absolute URI, not a local reference", element)
        return false
    }
}
