extension Validator.Walk {
    /// An extension whose definition is known here must have a value of a type it allows (or no
    /// value when it has sub-extensions), and its sub-extensions are checked against it too.
    /// An extension with an absolute URL whose definition is not known is an error (as the
    /// reference validator reports it: "could not be found so is not allowed here"), except in
    /// the namespaces whose definitions exist but are not shipped here (``isUncheckedExtensionURL(_:)``).
    mutating func checkExtension(_ element: Element, path elementPath: ElementPath, resource: Element) {
        guard let url = element.childText(named: "url") else { return }
        // The path is written out only when it is needed: most extensions are not defined here.
        if !Self.isAbsoluteURL(url), !url.isEmpty, !Self.isSubExtension(elementPath.description) {
            report(.error, .value, elementPath, "Extension.url must be an absolute URL (only the extensions inside an extension have relative ones)", element)
            return
        }
        guard let definition = definitions.structure(url: url) else {
            if Self.isAbsoluteURL(url), !Self.isUncheckedExtensionURL(url) || (!validator.options.allowsExampleURLs && Self.isExampleURL(url)) {
                if validator.options.allowsUnknownExtensions {
                    report(.warning, .structure, elementPath, "the extension \(url) is not known here, so it is not checked", element)
                } else {
                    report(.error, .structure, elementPath, "the extension \(url) could not be found so is not allowed here", element)
                }
            }
            return
        }
        guard definition.type == "Extension" else { return }
        let path = elementPath.description
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

    /// An extension whose definition lists contexts is used in one of them:
    /// - an element context names the holding element by its path (`Patient.name`, also through
    ///   the resource's ancestors: `DomainResource.text`), its type or an ancestor of its type
    ///   (`HumanName`, `Element`, `BackboneElement`);
    /// - an extension context names the URL of the extension holding it (directly or on its value);
    /// - a FHIRPath context is an expression on the resource whose result holds the holding
    ///   element (evaluated by the validator's invariant evaluator).
    ///
    /// Not decided (nothing reported) when no context fits and one of them cannot be decided: the
    /// holding element is not found in the resource's own definition (inside a data type, a
    /// nested resource), the validator has no invariant evaluator, or the expression fails.
    mutating func checkContext(ofExtension url: String, path: String, resource: Element) {
        guard let contexts = definitions.structureResource(url: url)?.children(named: "context"), !contexts.isEmpty,
            path.hasPrefix(resource.type), let lastDot = path.lastIndex(of: "."),
            // The path is the resource's own, not its container's (a Patient contained in a Patient).
            Self.element(at: path[...], in: resource) != nil
        else { return }
        let holderPath = path[..<lastDot]
        var expressions: [String] = []
        var decided = true
        for context in contexts {
            guard let kind = context.childText(named: "type"), let expression = context.childText(named: "expression") else { return }
            expressions.append(expression)
            let fits: Bool?
            switch kind {
            case "element": fits = fitsElementContext(expression, holderPath: holderPath, resource: resource)
            case "extension": fits = fitsExtensionContext(expression, holderPath: holderPath, resource: resource)
            case "fhirpath": fits = fitsFHIRPathContext(expression, holderPath: holderPath, resource: resource)
            default: fits = nil
            }
            if fits == true { return }
            if fits == nil { decided = false }
        }
        if decided {
            report(.error, .structure, path, "the extension \(url) is not allowed to be used here (contexts: \(expressions.joined(separator: ", ")))", nil)
        }
    }

    /// Whether the element at `holderPath` is named by an element context: by its path (a choice
    /// also as `value[x]` or `valueQuantity`) or by its type. Inside a data type (no definition
    /// in the resource's own definition), a context naming an element of the resource
    /// (`Patient.name`) does not fit; one naming a path in a data type (`Address.line`) is not
    /// decided (`nil`).
    private func fitsElementContext(_ expression: String, holderPath: Substring, resource: Element) -> Bool? {
        if expression == "Element" { return true }
        // The holder's path without indices: `Patient.name[0]` → `Patient.name`.
        let holder = holderPath.split(separator: ".").map { $0.split(separator: "[")[0] }.joined(separator: ".")
        guard holder == resource.type || holder.hasPrefix(resource.type + ".") else { return nil }
        let ancestors = definitions.lineage(of: resource.type)
        if holder == resource.type { return ancestors.contains(expression) }
        let holderElement = Self.element(at: holderPath, in: resource)
        let relative = String(holder.dropFirst(resource.type.count))
        var names = [relative, relative + "[x]"]
        if let type = holderElement?.type, let first = type.first { names.append(relative + first.uppercased() + type.dropFirst()) }
        if ancestors.contains(where: { ancestor in names.contains { ancestor + $0 == expression } }) { return true }
        let structure = definitions.structure(forType: resource.type)
        if let definition = structure?.element(at: holder) ?? structure?.element(at: holder + "[x]") {
            let types = holderElement.map { [$0.type] } ?? definition.types.map(\.code)
            return types.contains { definitions.lineage(of: $0).contains(expression) }
        }
        if !expression.contains(".") {
            return holderElement.map { definitions.lineage(of: $0.type).contains(expression) }
        }
        // Inside a data type: the holder is none of the resource's own elements.
        guard let firstName = expression.split(separator: ".").first, ancestors.contains(String(firstName)) else { return nil }
        let named = resource.type + expression.dropFirst(firstName.count)
        return structure?.element(at: named) != nil ? false : nil
    }

    /// Whether the element at `holderPath` is an extension with the URL `expression`, or the
    /// value of one (as the reference validator counts it).
    private func fitsExtensionContext(_ expression: String, holderPath: Substring, resource: Element) -> Bool? {
        var extensionPath = holderPath
        if let lastDot = holderPath.lastIndex(of: "."), holderPath[holderPath.index(after: lastDot)...] == "value" {
            extensionPath = holderPath[..<lastDot]
        }
        guard Self.isSubExtension(extensionPath + ".extension[0]") else { return false }
        guard let holder = Self.element(at: extensionPath, in: resource) else { return nil }
        return holder.childText(named: "url") == expression
    }

    /// Whether the FHIRPath `expression`, evaluated on the resource, holds the element at
    /// `holderPath`.
    private func fitsFHIRPathContext(_ expression: String, holderPath: Substring, resource: Element) -> Bool? {
        guard let evaluate = validator.invariants, let holder = Self.element(at: holderPath, in: resource) else { return nil }
        return evaluate("%resource.select(\(expression)) contains %context", holder, resource, resource)
    }

    /// The element at a path written by the walk (`Patient.address[0].extension[1]`) in the
    /// resource the path starts at.
    static func element(at path: Substring, in resource: Element) -> Element? {
        var element = resource
        for step in path.split(separator: ".").dropFirst() {
            let parts = step.split(separator: "[")
            let name = String(parts[0])
            if parts.count > 1, let index = Int(parts[1].dropLast()) {
                let matches = element.children(named: name)
                guard index < matches.count else { return nil }
                element = matches[index]
            } else {
                guard let child = element.child(named: name) else { return nil }
                element = child
            }
        }
        return element
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
