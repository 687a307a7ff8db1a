extension Validator.Walk {
    /// The rules of a Bundle that its definitions do not state: fullUrls (outside transactions,
    /// batches and histories), absolute, and when RESTful (`…/Type/id`) ending in the type and id
    /// of their resource; each link relation once; resources with ids in search results (an
    /// OperationOutcome about the search aside); references between entries
    /// (``checkBundleReferences(_:path:)``). (Unique fullUrls are the invariant bdl-7.)
    mutating func checkBundle(_ bundle: Element, path: String) {
        let type = bundle.childText(named: "type")
        for (index, entry) in bundle.children(named: "entry").enumerated() {
            let entryPath = "\(path).entry[\(index)]"
            let resource = entry.child(named: "resource")
            if entry.child(named: "fullUrl") == nil, resource != nil, !["transaction", "batch", "transaction-response", "batch-response", "history"].contains(type ?? "") {
                report(.error, .required, entryPath, "except in transactions, batches and histories, each entry needs a fullUrl (the identity of its resource)", entry)
            }
            if let fullUrl = entry.childText(named: "fullUrl") {
                if !Self.isAbsoluteURL(fullUrl) {
                    report(.error, .value, entryPath + ".fullUrl", "the fullUrl must be an absolute URL", entry)
                }
                if let resource, let id = resource.childText(named: "id"), let restful = Self.restfulParts(fullUrl),
                    definitions.isResourceType(restful.type), !fullUrl.hasSuffix("/\(resource.type)/\(id)")
                {
                    report(.error, .value, entryPath + ".fullUrl", "the fullUrl does not match the resource's type and id", entry)
                }
            }
            if type == "searchset", let resource {
                // An OperationOutcome about the search (mode outcome) is not a result.
                let mode = entry.child(named: "search")?.childText(named: "mode")
                let isOutcome = mode == "outcome" || (mode == nil && resource.type == "OperationOutcome")
                if !isOutcome, resource.child(named: "id") == nil {
                    report(.error, .required, entryPath + ".resource", "search results must have ids", resource)
                }
                if mode == "outcome", resource.type != "OperationOutcome" {
                    report(.error, .value, entryPath + ".search.mode", "an entry of search mode outcome must be an OperationOutcome", resource)
                }
            }
        }
        checkBundleReferences(bundle, path: path)
        var relations: Set<String> = []
        for (index, link) in bundle.children(named: "link").enumerated() {
            guard let relation = link.childText(named: "relation") else { continue }
            if !relations.insert(relation).inserted {
                report(.error, .value, "\(path).link[\(index)].relation", "the link relation '\(relation)' can only occur once", link)
            }
        }
    }

    /// `http://…`, `https://…`, `urn:uuid:…`, `urn:oid:…` and other URIs with a scheme.
    static func isAbsoluteURL(_ text: String) -> Bool {
        // ASCII, nearly always (every Coding's system): the same test on the bytes, without
        // looking up Unicode properties.
        let ascii: Bool? = ByteScan.withBytes(of: text) { bytes in
            guard ByteScan.isASCII(bytes) else { return nil }
            func isLetter(_ byte: UInt8) -> Bool {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            }
            guard let colon = ByteScan.firstOffset(of: UInt8(ascii: ":"), in: bytes), let first = bytes.first, isLetter(first) else { return false }
            return bytes[..<colon].allSatisfy {
                isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
            }
        }
        if let ascii { return ascii }
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return false }
        let scheme = text[..<colon]
        return scheme.first?.isLetter == true && scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
    }
}
