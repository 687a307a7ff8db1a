extension Validator.Walk {
    /// A composite SearchParameter combines two or more components.
    mutating func checkSearchParameter(_ parameter: Element, path: String) {
        if parameter.childText(named: "type") == "composite", parameter.children(named: "component").count < 2 {
            report(.error, .structure, path, "a composite search parameter must define two or more components", parameter)
        }
    }

    /// A logical model's type is a type of FHIR or a URL (other names need a namespace); the
    /// profile of a type in the differential (when known here) is a profile of that type; a
    /// constraint keeps the fixed primitive values of its base (when the base is known here).
    mutating func checkStructureDefinition(_ structure: Element, path: String) {
        if structure.childText(named: "kind") == "logical", let type = structure.childText(named: "type"),
            !Self.isAbsoluteURL(type), definitions.structure(forType: type) == nil
        {
            report(.error, .value, path + ".type", "the type \(type) is not defined by FHIR; a logical model's own type needs a namespace (a URL)", structure)
        }
        let elements = structure.child(named: "differential")?.children(named: "element") ?? []
        if structure.childText(named: "derivation") == "constraint",
            let baseURL = structure.childText(named: "baseDefinition"), let base = definitions.structure(url: baseURL)
        {
            for (index, element) in elements.enumerated() {
                guard let fixed = element.childText(named: "fixed"),
                    let id = (element.child(named: "id") ?? element.child(named: "path"))?.value?.text,
                    let baseFixed = base.element(at: id)?.fixed?.value.value?.text, baseFixed != fixed
                else { continue }
                report(.error, .value, "\(path).differential.element[\(index)].fixed",
                       "the value \(fixed) differs from the value \(baseFixed) fixed in the base \(baseURL)", element)
            }
        }
        for (index, element) in elements.enumerated() {
            for (typeIndex, type) in element.children(named: "type").enumerated() {
                guard let code = type.childText(named: "code") else { continue }
                for (profileIndex, profile) in type.children(named: "profile").enumerated() {
                    guard let url = profile.value?.text, let target = definitions.structure(url: url), target.type != code else { continue }
                    report(.error, .structure, "\(path).differential.element[\(index)].type[\(typeIndex)].profile[\(profileIndex)]",
                           "the profile \(url) is for the type \(target.type), but the element has the type \(code)", profile)
                }
            }
        }
    }

    /// The source codes of a ConceptMap are in its source value set (when that is expanded here).
    mutating func checkConceptMap(_ map: Element, path: String) {
        guard let url = (map.child(named: "source") ?? map.child(named: "sourceCanonical") ?? map.child(named: "sourceUri"))?.value?.text,
            let valueSet = definitions.valueSet(url: url)
        else { return }
        for (groupIndex, group) in map.children(named: "group").enumerated() {
            let system = group.childText(named: "source")
            for (index, element) in group.children(named: "element").enumerated() {
                guard let code = element.childText(named: "code"), valueSet.contains(code: code, system: system) == false else { continue }
                report(.error, .codeInvalid, "\(path).group[\(groupIndex)].element[\(index)].code",
                       "the source code '\(code)' is not in the source value set \(url)", element)
            }
        }
    }
}
