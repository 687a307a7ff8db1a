extension Validator.Walk {
    /// An extension whose definition is known here must have a value of a type it allows (or no
    /// value when it has sub-extensions), and its sub-extensions are checked against it too.
    /// Extensions whose definitions are not known are not reported: the core ones are not
    /// shipped, and a missing definition is not proof of a wrong extension.
    mutating func checkExtension(_ element: Element, path: String, resource: Element) {
        guard let url = element.child(named: "url")?.value?.text, let definition = definitions.structure(url: url),
            definition.type == "Extension"
        else { return }
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
}
