extension Validator.Walk {
    /// A Coding whose system is a CodeSystem of these definitions (an implementation guide's,
    /// with all its concepts) must use one of its codes.
    mutating func checkCodeSystem(_ coding: Element, path: String) {
        guard let system = coding.child(named: "system")?.value?.text, let code = coding.child(named: "code")?.value?.text,
            let codeSystem = definitions.resource(url: system),
            codeSystem.child(named: "resourceType")?.value?.text == "CodeSystem" || codeSystem.type == "CodeSystem",
            (codeSystem.child(named: "content")?.value?.text ?? "complete") == "complete"
        else { return }
        func contains(_ concepts: [Element]) -> Bool {
            concepts.contains { $0.child(named: "code")?.value?.text == code || contains($0.children(named: "concept")) }
        }
        if !contains(codeSystem.children(named: "concept")) {
            report(.error, .codeInvalid, path + ".code", "unknown code '\(code)' in the code system \(system)", coding)
        }
    }
}
