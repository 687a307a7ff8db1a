extension Validator.Walk {
    /// An extension whose definition is known here must have a value of a type it allows (or no
    /// value when it has sub-extensions), and its sub-extensions are checked against it too.
    /// An extension with an absolute URL whose definition is not known is an error (as the
    /// reference validator reports it: "could not be found so is not allowed here"), except in
    /// the namespaces whose definitions exist but are not shipped here (``isUncheckedExtensionURL(_:)``).
    mutating func checkExtension(_ element: Element, path: String, resource: Element) {
        guard let url = element.child(named: "url")?.value?.text else { return }
        if !Self.isAbsoluteURL(url), !url.isEmpty, !Self.isSubExtension(path) {
            report(.error, .value, path, "Extension.url must be an absolute URL (only the extensions inside an extension have relative ones)", element)
            return
        }
        guard let definition = definitions.structure(url: url) else {
            if Self.isAbsoluteURL(url), !Self.isUncheckedExtensionURL(url) || (!validator.options.allowsExampleURLs && Self.isExampleURL(url)) {
                if validator.options.allowsUnknownExtensions {
                    report(.warning, .structure, path, "the extension \(url) is not known here, so it is not checked", element)
                } else {
                    report(.error, .structure, path, "the extension \(url) could not be found so is not allowed here", element)
                }
            }
            return
        }
        guard definition.type == "Extension" else { return }
        checkContext(ofExtension: url, path: path, resource: resource)
        let valueDefinition = definition.element(at: "Extension.value[x]")
        if let value = element.child(named: "value"), let valueDefinition {
            let allowed = valueDefinition.types.map(\.code)
            if valueDefinition.max == 0 {
                report(.error, .structure, path + ".value", "the extension \(url) has no value (it holds extensions)", value)
            } else if !allowed.isEmpty, !allowed.contains(value.type) {
                report(.error, .structure, path + ".value",
                       "the extension \(url) allows the types [\(allowed.joined(separator: ", "))] but found \(value.type)", value)
            }
        } else if valueDefinition?.min == 1, element.child(named: "value") == nil {
            report(.error, .required, path, "the extension \(url) needs a value", element)
        }
    }

    /// An extension whose definition lists element contexts is used on one of them: the element
    /// holding it is named by its path (`Patient.name`, also through the resource's ancestors:
    /// `DomainResource.text`), its type or an ancestor of its type (`HumanName`, `Element`,
    /// `BackboneElement`). Not decided (nothing reported) when the definition has FHIRPath or
    /// extension contexts, or when the holding element is not found in the resource's own
    /// definition (inside a data type, a nested resource).
    mutating func checkContext(ofExtension url: String, path: String, resource: Element) {
        guard let contexts = definitions.structureResource(url: url)?.children(named: "context"), !contexts.isEmpty else { return }
        var expressions: [String] = []
        for context in contexts {
            guard context.child(named: "type")?.value?.text == "element", let expression = context.child(named: "expression")?.value?.text else { return }
            expressions.append(expression)
        }
        guard !expressions.contains("Element"), path.hasPrefix(resource.type), let lastDot = path.lastIndex(of: ".") else { return }
        // The holder's path without indices: `Patient.name[0].extension[0]` → `Patient.name`.
        let holder = String(path[..<lastDot]).split(separator: ".").map { $0.split(separator: "[")[0] }.joined(separator: ".")
        guard holder == resource.type || holder.hasPrefix(resource.type + ".") else { return }
        let ancestors = definitions.lineage(of: resource.type)
        var names: Set<String>
        if holder == resource.type {
            names = Set(ancestors)
        } else {
            guard let element = definitions.structure(forType: resource.type)?.element(at: holder) else { return }
            let relative = holder.dropFirst(resource.type.count)
            names = Set(ancestors.map { $0 + relative })
            for type in element.types.map(\.code) { names.formUnion(definitions.lineage(of: type)) }
        }
        if !expressions.contains(where: names.contains) {
            report(.error, .structure, path, "the extension \(url) is not allowed to be used here (contexts: \(expressions.joined(separator: ", ")))", nil)
        }
    }

    /// Whether the extension at `path` is inside another extension (`….extension[0].extension[1]`).
    static func isSubExtension(_ path: String) -> Bool {
        guard let lastDot = path.lastIndex(of: ".") else { return false }
        let parent = path[..<lastDot]
        let parentName = parent.lastIndex(of: ".").map { parent[parent.index(after: $0)...] } ?? parent
        return parentName.hasPrefix("extension[") || parentName.hasPrefix("modifierExtension[")
    }

    /// Extension URLs not reported when their definition is missing: the core R4 extensions
    /// (`http://hl7.org/fhir/StructureDefinition/…`, not shipped in `r4-core.json`), the FHIR
    /// tooling extensions (`http://hl7.org/fhir/tools/…`), the cross-version extensions
    /// (`http://hl7.org/fhir/5.0/StructureDefinition/…`) and example domains (`example.org`,
    /// `example.com`, `example.net`, `acme.com`, `acme.org`), which stand for extensions of a
    /// specification's examples.
    static func isUncheckedExtensionURL(_ url: String) -> Bool {
        if url.hasPrefix("http://hl7.org/fhir/StructureDefinition/") || url.hasPrefix("http://hl7.org/fhir/tools/") {
            return true
        }
        if url.hasPrefix("http://hl7.org/fhir/"), let version = url.dropFirst("http://hl7.org/fhir/".count).first, version.isNumber {
            return true
        }
        return isExampleURL(url)
    }
}
