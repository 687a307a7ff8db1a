extension Validator.Walk {
    /// A reference that is neither local (`#id`), absolute (`http://…`, `urn:uuid:…`) nor a
    /// conditional reference (`Patient?identifier=…`) is relative, and a relative reference is
    /// `Type/id` or `Type/id/_history/version`: one without a `/` is an error, another shape a
    /// warning (it may be a server's URL the validator cannot judge).
    mutating func checkReferenceFormat(_ element: Element, path: ElementPath) {
        guard let reference = element.child(named: "reference")?.value?.text, !reference.hasPrefix("#"),
            !Self.isAbsoluteURL(reference), !reference.contains("?")
        else { return }
        let parts = reference.split(separator: "/", omittingEmptySubsequences: false)
        let wellFormed = (parts.count == 2 || (parts.count == 4 && parts[2] == "_history"))
            && parts.allSatisfy { !$0.isEmpty } && parts[0].first?.isUppercase == true
        if !wellFormed {
            report(parts.count == 1 ? .error : .warning, .structure, path, "a relative reference must be of the form Type/id", element)
        }
    }
}
