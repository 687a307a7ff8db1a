extension Validator.Walk {
    /// An extension whose definition is known here must have a value of a type it allows (or no
    /// value when it has sub-extensions), and its sub-extensions are checked against it too.
    /// An extension with an absolute URL whose definition is not known is an error (as the
    /// reference validator reports it: "could not be found so is not allowed here"), except in
    /// the namespaces whose definitions exist but are not shipped here (``isUncheckedExtensionURL(_:)``).
    mutating func checkExtension(_ element: Element, path: String, resource: Element) {
        guard let url = element.child(named: "url")?.value?.text else { return }
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
