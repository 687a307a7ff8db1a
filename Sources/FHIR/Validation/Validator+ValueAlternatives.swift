extension Validator.Walk {
    static let valueAlternatives = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.valueAlternatives"

    /// A profile's value alternatives (the R5 `valueAlternatives`, as the cross-version extension
    /// in R4): a primitive at that path without a value carries one of the extensions named as
    /// alternatives (`data-absent-reason`), not any other. Read from the profile's own
    /// differential and snapshot, once per profile and resource; elements of slices and choice
    /// types are not checked.
    mutating func checkValueAlternatives(ofProfile url: String, resource: Element, path: ElementPath) {
        guard let profile = definitions.structureResource(url: url) else { return }
        var checked: Set<String> = []
        for definition in ["differential", "snapshot"].flatMap({ profile.child(named: $0)?.children(named: "element") ?? [] }) {
            let alternatives = definition.children(named: "extension").filter { $0.childText(named: "url") == Self.valueAlternatives }
                .compactMap { $0.children.first { $0.name.hasPrefix("value") }?.value?.text }
            guard !alternatives.isEmpty, let elementPath = definition.childText(named: "path"), !elementPath.contains("[x]"),
                !(definition.childText(named: "id") ?? "").contains(":"), checked.insert(elementPath).inserted
            else { continue }
            for (element, elementPath) in elements(at: elementPath, in: resource, path: path)
            where element.value == nil && element.type.first?.isLowercase == true {
                let urls = element.children(named: "extension").compactMap { $0.childText(named: "url") }
                if !urls.contains(where: alternatives.contains) {
                    report(.error, .value, elementPath,
                           "the element has no value, and the profile \(url) requires one of the extensions \(alternatives.joined(separator: ", ")) then", element)
                }
            }
        }
    }
}
