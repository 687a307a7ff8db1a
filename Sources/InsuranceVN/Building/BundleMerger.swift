public import FHIR

/// Merges the FHIR Bundles of one visit (the Bundles the ADT, DFT and ORU messages of an encounter
/// map to) into one collection Bundle a claim is built from.
///
/// Resources that describe the same thing are kept once: same type and a shared identifier
/// (`system|value`, or the value alone when neither has a system), a Condition with the same
/// coded diagnosis, else same type and id. The
/// first one met is kept; the elements it lacks are taken from the later ones (a Coverage from
/// PID-3 without a period, then the same card from IN1 with one). References to a dropped
/// resource (`fullUrl` or `Type/id`) are pointed at the kept one. MessageHeaders are left out.
///
/// ```swift
/// let visit = BundleMerger.merge([admission, charges, results])
/// ```
public enum BundleMerger {
    /// One Bundle of every resource of `bundles`, duplicates merged.
    public static func merge(_ bundles: [FHIR.Element]) -> FHIR.Element {
        var kept: [(fullUrl: String?, resource: FHIR.Element)] = []
        var keyIndex: [String: Int] = [:]
        var redirect: [String: String] = [:]
        for bundle in bundles {
            let entries = bundle.type == "Bundle" ? bundle.children(named: "entry") : [
                FHIR.Element(name: "entry", type: "BackboneElement", children: [bundle])
            ]
            for entry in entries {
                guard var resource = entry.child(named: "resource"), resource.type != "MessageHeader" else { continue }
                resource.position = nil
                let fullUrl = entry.child(named: "fullUrl")?.value?.text
                let keys = Self.keys(of: resource)
                if let index = keys.lazy.compactMap({ keyIndex[$0] }).first {
                    kept[index].resource = Self.filled(kept[index].resource, from: resource)
                    let target = kept[index].fullUrl ?? Self.localReference(kept[index].resource)
                    for alias in Self.aliases(fullUrl: fullUrl, resource: resource) where target != nil && alias != target {
                        redirect[alias] = target
                    }
                    for key in keys where keyIndex[key] == nil { keyIndex[key] = index }
                    continue
                }
                for key in keys { keyIndex[key] = kept.count }
                kept.append((fullUrl, resource))
            }
        }
        var children = [FHIR.Element(name: "type", type: "code", value: .string("collection"))]
        for (fullUrl, resource) in kept {
            var entryChildren: [FHIR.Element] = []
            if let fullUrl { entryChildren.append(FHIR.Element(name: "fullUrl", type: "uri", value: .string(fullUrl))) }
            entryChildren.append(redirect.isEmpty ? resource : Self.redirected(resource, redirect))
            children.append(FHIR.Element(name: "entry", type: "BackboneElement", children: entryChildren))
        }
        return FHIR.Element(name: "Bundle", type: "Bundle", children: children)
    }

    /// The keys a resource is matched by: `Type|system|value` for each identifier, `Type/id`.
    static func keys(of resource: FHIR.Element) -> [String] {
        var keys: [String] = []
        for identifier in resource.children(named: "identifier") {
            guard let value = identifier.child(named: "value")?.value?.text, !value.isEmpty else { continue }
            let system = identifier.child(named: "system")?.value?.text ?? ""
            keys.append("\(resource.type)|\(system)|\(value)")
        }
        // A diagnosis has no identifier in HL7 v2 (DG1): the same code in two messages is one Condition.
        if resource.type == "Condition" {
            for coding in resource.child(named: "code")?.children(named: "coding") ?? [] {
                guard let code = coding.child(named: "code")?.value?.text else { continue }
                keys.append("Condition#\(coding.child(named: "system")?.value?.text ?? "")|\(code)")
            }
        }
        if let id = resource.child(named: "id")?.value?.text { keys.append("\(resource.type)/\(id)") }
        return keys
    }

    static func localReference(_ resource: FHIR.Element) -> String? {
        guard let id = resource.child(named: "id")?.value?.text else { return nil }
        return "\(resource.type)/\(id)"
    }

    static func aliases(fullUrl: String?, resource: FHIR.Element) -> [String] {
        [fullUrl, localReference(resource)].compactMap { $0 }
    }

    /// `first` with the top-level elements it lacks taken from `other`.
    static func filled(_ first: FHIR.Element, from other: FHIR.Element) -> FHIR.Element {
        var result = first
        let present = Set(first.children.map(\.name))
        for child in other.children where !present.contains(child.name) {
            result.children.append(child)
        }
        return result
    }

    /// The element with every `reference` that names a dropped resource pointed at the kept one.
    static func redirected(_ element: FHIR.Element, _ redirect: [String: String]) -> FHIR.Element {
        var element = element
        if element.name == "reference", let text = element.value?.text, let target = redirect[text] {
            element.value = .string(target)
        }
        for index in element.children.indices {
            element.children[index] = redirected(element.children[index], redirect)
        }
        return element
    }
}
