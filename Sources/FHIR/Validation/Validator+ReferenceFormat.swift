extension Validator.Walk {
    /// A reference that is neither local (`#id`), absolute (`http://…`, `urn:uuid:…`) nor a
    /// conditional reference (`Patient?identifier=…`) is relative, and a relative reference is
    /// `Type/id` or `Type/id/_history/version`: one without a `/` is an error, another shape a
    /// warning (it may be a server's URL the validator cannot judge).
    mutating func checkReferenceFormat(_ element: Element, path: ElementPath) {
        guard let reference = element.childText(named: "reference"), !reference.hasPrefix("#"),
            !Self.isAbsoluteURL(reference), ByteScan.firstOffset(of: UInt8(ascii: "?"), in: reference) == nil
        else { return }
        if let type = Self.simpleReferenceType(reference), type.utf8.allSatisfy({ $0 < 0x80 }) {
            // `Type/id` in ASCII: well formed when the type starts with an upper-case letter.
            if let first = type.utf8.first, !(first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z")) {
                report(.warning, .structure, path, "a relative reference must be of the form Type/id", element)
            }
            return
        }
        let parts = reference.split(separator: "/", omittingEmptySubsequences: false)
        let wellFormed = (parts.count == 2 || (parts.count == 4 && parts[2] == "_history"))
            && parts.allSatisfy { !$0.isEmpty } && parts[0].first?.isUppercase == true
        if !wellFormed {
            report(parts.count == 1 ? .error : .warning, .structure, path, "a relative reference must be of the form Type/id", element)
        }
    }

    /// The type of a reference written `Type/id` (one `/` with text on both sides, no `?`), the
    /// most common shape, found without splitting the text; `nil` for any other shape.
    static func simpleReferenceType(_ reference: String) -> Substring? {
        var slash: String.Index?
        for index in reference.utf8.indices {
            switch reference.utf8[index] {
            case UInt8(ascii: "/"):
                if slash != nil { return nil }
                slash = index
            case UInt8(ascii: "?"):
                return nil
            default:
                continue
            }
        }
        guard let slash, slash != reference.startIndex, reference.utf8.index(after: slash) != reference.endIndex else { return nil }
        return reference[..<slash]
    }
}
