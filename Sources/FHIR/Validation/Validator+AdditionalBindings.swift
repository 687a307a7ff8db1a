extension Validator.Walk {
    static let additionalBinding = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.binding.additional"

    /// A profile's additional bindings (the R5 `binding.additional`, as the cross-version
    /// extension in R4) with purpose `required`: the coded elements at that path hold a code of
    /// the value set, as for a required binding. Read from the profile's own differential and
    /// snapshot, once per profile and resource; elements of slices and choice types, other
    /// purposes and value sets not known here are not checked.
    mutating func checkAdditionalBindings(ofProfile url: String, resource: Element, path: ElementPath) {
        guard let profile = definitions.structureResource(url: url) else { return }
        var checked: Set<String> = []
        for definition in ["differential", "snapshot"].flatMap({ profile.child(named: $0)?.children(named: "element") ?? [] }) {
            guard let binding = definition.child(named: "binding"), let elementPath = definition.childText(named: "path"),
                !elementPath.contains("[x]"), !(definition.childText(named: "id") ?? "").contains(":")
            else { continue }
            for additional in binding.children(named: "extension") where additional.childText(named: "url") == Self.additionalBinding {
                func part(_ name: String) -> String? {
                    additional.children(named: "extension").first { $0.childText(named: "url") == name }?
                        .children.first { $0.name.hasPrefix("value") }?.value?.text
                }
                guard part("purpose") == "required", let valueSet = part("valueSet"), definitions.valueSet(url: valueSet) != nil,
                    checked.insert(elementPath + " " + valueSet).inserted
                else { continue }
                for (element, elementPath) in elements(at: elementPath, in: resource, path: path) {
                    checkBinding(element, valueSet: valueSet, strength: "required", path: elementPath)
                }
            }
        }
    }

    /// The elements of a resource at a profile element's path (`Observation.component.code`), with
    /// their paths.
    func elements(at definitionPath: String, in resource: Element, path: ElementPath) -> [(Element, ElementPath)] {
        let names = definitionPath.split(separator: ".").map(String.init)
        guard names.first == resource.type else { return [] }
        var found = [(resource, path)]
        var prefix = resource.type
        for name in names.dropFirst() {
            prefix += "." + name
            let repeats = definitions.structure(forType: resource.type)?.element(at: prefix)?.isRepeating ?? true
            found = found.flatMap { element, path in
                element.children(named: name).enumerated().map { index, child in (child, path.child(name, index: repeats ? index : nil)) }
            }
        }
        return found
    }
}
