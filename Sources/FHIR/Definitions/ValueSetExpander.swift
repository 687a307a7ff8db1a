/// Expands a value set's `compose` with the code systems the definitions hold: concept lists,
/// whole code systems (with all their concepts), `is-a` / `descendent-of` / `is-not-a` filters
/// on their hierarchy, imported value sets and excludes. A code system that is not here (or not
/// complete) makes the expansion fail with the reason, so codes bound to it are reported as
/// needing a terminology server.
struct ValueSetExpander {
    struct Failure: Error {
        var message: String
    }

    let definitions: Definitions

    func expand(_ compose: Element, visiting: inout Set<String>) -> Result<Set<Definitions.ValueSet.Pair>, Failure> {
        var included = Set<Definitions.ValueSet.Pair>()
        for include in compose.children(named: "include") {
            switch expand(include: include, visiting: &visiting) {
            case .success(let codes): included.formUnion(codes)
            case .failure(let failure): return .failure(failure)
            }
        }
        for exclude in compose.children(named: "exclude") {
            switch expand(include: exclude, visiting: &visiting) {
            case .success(let codes): included.subtract(codes)
            case .failure(let failure): return .failure(failure)
            }
        }
        return .success(included)
    }

    private func expand(include: Element, visiting: inout Set<String>) -> Result<Set<Definitions.ValueSet.Pair>, Failure> {
        var parts: [Set<Definitions.ValueSet.Pair>] = []
        for imported in include.children(named: "valueSet").compactMap({ $0.value?.text }) {
            guard visiting.insert(imported).inserted else { return .failure(Failure(message: "value set \(imported) includes itself")) }
            guard let valueSet = definitions.valueSet(url: imported) else {
                return .failure(Failure(message: "value set \(imported) is not known here"))
            }
            guard let codes = valueSet.codes else {
                return .failure(Failure(message: valueSet.unexpandedReason ?? "value set \(imported) is not expanded"))
            }
            parts.append(codes)
        }
        if let system = include.child(named: "system")?.value?.text {
            let concepts = include.children(named: "concept").compactMap { $0.child(named: "code")?.value?.text }
            if !concepts.isEmpty {
                parts.append(Set(concepts.map { .init(system: system, code: $0) }))
            } else {
                guard let codeSystem = definitions.resource(url: system),
                    (codeSystem.child(named: "content")?.value?.text ?? "complete") == "complete"
                else { return .failure(Failure(message: "code system \(system) is not available here")) }
                var selected = Self.concepts(of: codeSystem)
                for filter in include.children(named: "filter") {
                    let op = filter.child(named: "op")?.value?.text ?? ""
                    let value = filter.child(named: "value")?.value?.text ?? ""
                    switch op {
                    case "is-a": selected = selected.filter { $0.code == value || $0.ancestors.contains(value) }
                    case "descendent-of": selected = selected.filter { $0.ancestors.contains(value) }
                    case "is-not-a": selected = selected.filter { !($0.code == value || $0.ancestors.contains(value)) }
                    default: return .failure(Failure(message: "filter \(op) on \(system) is not supported here"))
                    }
                }
                parts.append(Set(selected.map { .init(system: system, code: $0.code) }))
            }
        }
        guard var result = parts.first else { return .success([]) }
        for part in parts.dropFirst() { result.formIntersection(part) }
        return .success(result)
    }

    /// Every concept of a code system with the codes above it.
    static func concepts(of codeSystem: Element) -> [(code: String, ancestors: [String])] {
        var result: [(code: String, ancestors: [String])] = []
        func walk(_ concepts: [Element], _ ancestors: [String]) {
            for concept in concepts {
                guard let code = concept.child(named: "code")?.value?.text else { continue }
                result.append((code, ancestors))
                walk(concept.children(named: "concept"), ancestors + [code])
            }
        }
        walk(codeSystem.children(named: "concept"), [])
        return result
    }
}
