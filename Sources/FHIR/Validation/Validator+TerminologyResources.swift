extension Validator.Walk {
    /// The rules of a CodeSystem its definitions do not state: concepts only when its content
    /// says they are present, a supplement's content is `supplement`, each property code and URI
    /// declared once, and concept property values of the declared type.
    mutating func checkCodeSystemResource(_ codeSystem: Element, path: String) {
        let content = codeSystem.childText(named: "content")
        if content == "not-present", !codeSystem.children(named: "concept").isEmpty {
            report(.error, .structure, path + ".concept[0]", "the code system says it has no content present, but concepts are found", codeSystem)
        }
        if codeSystem.child(named: "supplements") != nil, let content, content != "supplement" {
            report(.error, .value, path + ".content", "a CodeSystem that supplements another has the content 'supplement'", codeSystem)
        }
        var types: [String: String] = [:]
        var uris: Set<String> = []
        for (index, property) in codeSystem.children(named: "property").enumerated() {
            let propertyPath = "\(path).property[\(index)]"
            if let code = property.childText(named: "code") {
                if types[code] != nil {
                    report(.error, .structure, propertyPath, "a property is already defined with the code '\(code)'", property)
                } else {
                    types[code] = property.childText(named: "type") ?? ""
                }
            }
            if let uri = property.childText(named: "uri"), !uris.insert(uri).inserted {
                report(.error, .structure, propertyPath, "a property is already defined with the URI \(uri)", property)
            }
        }
        checkConceptProperties(codeSystem.children(named: "concept"), types: types, path: path)
    }

    private mutating func checkConceptProperties(_ concepts: [Element], types: [String: String], path: String) {
        for (index, concept) in concepts.enumerated() {
            let conceptPath = "\(path).concept[\(index)]"
            for (propertyIndex, property) in concept.children(named: "property").enumerated() {
                guard let code = property.childText(named: "code"), let declared = types[code], !declared.isEmpty,
                    let value = property.child(named: "value"), value.type != declared
                else { continue }
                report(.error, .value, "\(conceptPath).property[\(propertyIndex)]",
                       "the property '\(code)' has the type \(value.type), but is declared with the type \(declared)", property)
            }
            checkConceptProperties(concept.children(named: "concept"), types: types, path: conceptPath)
        }
    }

    /// The rules of a ValueSet its definitions do not state: an included system is an absolute
    /// URI (a contained code system is named by its URL, not `#id`); a filter on the boolean
    /// properties `notSelectable` and `inactive` has the value true or false; a filter on a Coding
    /// property of a code system known here has a value `system|version#code`, with a code of
    /// that system when it is known here too.
    mutating func checkValueSetResource(_ valueSet: Element, path: String) {
        guard let compose = valueSet.child(named: "compose") else { return }
        let parameters = Set(valueSet.children(named: "extension")
            .filter { $0.childText(named: "url") == "http://hl7.org/fhir/tools/StructureDefinition/valueset-parameter" }
            .flatMap { $0.children(named: "extension") }
            .filter { $0.childText(named: "url") == "name" }
            .compactMap { $0.childText(named: "value") })
        for (name, sets) in [("include", compose.children(named: "include")), ("exclude", compose.children(named: "exclude"))] {
            for (index, set) in sets.enumerated() {
                let setPath = "\(path).compose.\(name)[\(index)]"
                for (filterIndex, filter) in set.children(named: "filter").enumerated() {
                    let filterPath = "\(setPath).filter[\(filterIndex)]"
                    checkFilterExpression(filter, parameters: parameters, path: filterPath)
                    // The boolean concept properties (http://hl7.org/fhir/concept-properties).
                    if let property = filter.childText(named: "property"), ["notSelectable", "inactive"].contains(property),
                        filter.childText(named: "op") == "=", let value = filter.childText(named: "value"),
                        value != "true", value != "false"
                    {
                        report(.error, .value, filterPath, "the value of a filter on the property '\(property)' must be true or false", filter)
                    }
                }
                guard let system = set.childText(named: "system") else { continue }
                if !Self.isAbsoluteURL(system) {
                    report(.error, .value, setPath, "the system of a value set's \(name) must be an absolute URI", set)
                    continue
                }
                guard let codeSystem = definitions.resource(url: system) else { continue }
                for (filterIndex, filter) in set.children(named: "filter").enumerated() {
                    checkFilter(filter, of: codeSystem, path: "\(setPath).filter[\(filterIndex)]")
                }
            }
        }
    }

    /// A filter value given by an expression (the `cqf-expression` extension, with the value
    /// set's `valueset-parameter`s as variables): FHIRPath that compiles and names only declared
    /// parameters.
    private mutating func checkFilterExpression(_ filter: Element, parameters: Set<String>, path: String) {
        guard let value = filter.child(named: "value") else { return }
        for ext in value.children(named: "extension") where ext.childText(named: "url") == "http://hl7.org/fhir/StructureDefinition/cqf-expression" {
            guard let expression = ext.child(named: "value"), let text = expression.childText(named: "expression") else { continue }
            let language = expression.childText(named: "language") ?? ""
            guard language == "text/fhirpath" else {
                report(.error, .value, path, "a value set filter expression must be in the language text/fhirpath, not \(language)", filter)
                continue
            }
            guard (try? FHIRPath(text)) != nil else {
                report(.error, .value, path, "the value set filter expression is not valid FHIRPath", filter)
                continue
            }
            for name in Self.environmentNames(in: text) where !parameters.contains(name) && !Self.standardVariables.contains(name) {
                report(.error, .value, path, "the value set filter expression refers to the unknown parameter '\(name)'", filter)
            }
        }
    }

    /// The `%name`s an expression uses (letters, digits, `_` and `-`).
    static func environmentNames(in text: String) -> [String] {
        var names: [String] = []
        var current: String?
        for character in text + " " {
            if var name = current {
                if character.isLetter || character.isNumber || character == "_" || character == "-" {
                    name.append(character)
                    current = name
                } else {
                    if !name.isEmpty { names.append(name) }
                    current = character == "%" ? "" : nil
                }
            } else if character == "%" {
                current = ""
            }
        }
        return names
    }

    static let standardVariables: Set<String> = ["resource", "rootResource", "context", "ucum", "sct", "loinc", "this"]

    private mutating func checkFilter(_ filter: Element, of codeSystem: Element, path: String) {
        guard let property = filter.childText(named: "property"), let value = filter.childText(named: "value"),
            let declared = codeSystem.children(named: "property").first(where: { $0.childText(named: "code") == property }),
            declared.childText(named: "type") == "Coding"
        else { return }
        guard let hash = value.lastIndex(of: "#") else {
            report(.error, .value, path, "the value of a filter on the Coding property '\(property)' must be system(|version)#code", filter)
            return
        }
        let system = String(value[..<hash]).split(separator: "|").first.map(String.init) ?? ""
        let code = String(value[value.index(after: hash)...])
        guard let target = definitions.resource(url: system),
            (target.childText(named: "content") ?? "complete") == "complete"
        else { return }
        func contains(_ concepts: [Element]) -> Bool {
            concepts.contains { $0.childText(named: "code") == code || contains($0.children(named: "concept")) }
        }
        if !contains(target.children(named: "concept")) {
            report(.error, .codeInvalid, path, "the value of the filter on '\(property)' is not a code of \(system)", filter)
        }
    }
}
