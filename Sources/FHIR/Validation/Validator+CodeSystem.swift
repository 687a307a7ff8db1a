extension Validator.Walk {
    /// A Coding's system is an absolute URI naming a code system, not a value set of these
    /// definitions nor a supplement; a Coding whose system is a CodeSystem of these definitions (an
    /// implementation guide's, with all its concepts) must use one of its codes.
    mutating func checkCodeSystem(_ coding: Element, path: ElementPath) {
        guard let system = coding.childText(named: "system") else { return }
        if checkSystem(of: coding, path: path) == false { return }
        guard let code = coding.childText(named: "code") else { return }
        guard let codeSystem = definitions.resource(url: system) else {
            // The lookup first: it is cheaper than the substring search, and rarely succeeds.
            if definitions.valueSet(url: system) != nil, ByteScan.contains(system, "/ValueSet/") {
                report(.error, .codeInvalid, path.child("system"), "the Coding's system \(system) is a value set, not a code system", coding)
            }
            return
        }
        guard codeSystem.childText(named: "resourceType") == "CodeSystem" || codeSystem.type == "CodeSystem" else { return }
        let content = codeSystem.childText(named: "content") ?? "complete"
        if content == "supplement" || codeSystem.child(named: "supplements") != nil {
            report(.error, .codeInvalid, path.child("system"), "the code system \(system) is a supplement, which cannot be the system of a Coding", coding)
            return
        }
        guard content == "complete" else { return }
        func contains(_ concepts: [Element]) -> Bool {
            concepts.contains { $0.childText(named: "code") == code || contains($0.children(named: "concept")) }
        }
        if !contains(codeSystem.children(named: "concept")) {
            report(.error, .codeInvalid, path.child("code"), "unknown code '\(code)' in the code system \(system)", coding)
        }
    }

    /// The system of a Coding or an Identifier is an absolute URI (`http://…`, `urn:oid:…`), not
    /// a local reference; `false` when it is not.
    @discardableResult
    mutating func checkSystem(of element: Element, path: ElementPath) -> Bool {
        guard let system = element.childText(named: "system") else { return true }
        // An identifier in the URI system (urn:ietf:rfc:3986) is itself an absolute URI.
        if system == "urn:ietf:rfc:3986", element.type == "Identifier", let value = element.childText(named: "value"), !Self.isAbsoluteURL(value) {
            report(.error, .value, path.child("value"), "an identifier in the system urn:ietf:rfc:3986 must be an absolute URI", element)
        }
        guard !Self.isAbsoluteURL(system) else { return true }
        report(.error, .value, path.child("system"), "\(element.type).system must be an absolute URI, not a local reference", element)
        return false
    }
}
