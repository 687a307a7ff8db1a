extension Validator {
    /// Checks that depend on where the content comes from, off or lenient by default (the
    /// reference validator's defaults).
    ///
    /// ```swift
    /// var validator = Validator.standard()
    /// validator.options.securityChecks = true   // strings that look like HTML are errors
    /// ```
    public struct Options: Sendable {
        /// Strings (and markdown) that look like they carry HTML tags are errors, not
        /// information: content from untrusted sources that a viewer might render.
        public var securityChecks = false
        /// Markdown with HTML tags is only a warning; `false` makes it an error.
        public var allowsHTMLInMarkdown = true
        /// URLs of example domains (`example.org`, `example.com`, …) are accepted; `false`
        /// makes them errors (production content) and reports example extensions as unknown.
        public var allowsExampleURLs = true
        /// An extension with an absolute URL whose definition is not known is only a warning;
        /// `false` (the reference validator's behaviour) makes it an error. An intake that
        /// takes hospitals' own extensions sets this.
        public var allowsUnknownExtensions = false
        /// Contained resources are validated, and each must be referenced from its container or
        /// refer to it (`dom-3`); `false` leaves them out of the validation (the reference
        /// validator's `validateContains` set to `IGNORE`), for content whose contained
        /// resources are only carried along.
        public var validatesContainedResources = true

        /// Creates the default options.
        public init() {}
    }
}

extension Validator.Walk {
    /// The checks of a primitive's text beyond its format: HTML in strings and markdown and
    /// example URLs (by ``Validator/Options``), UUIDs in `urn:uuid:` URIs.
    /// `kind` is the primitive's ``PrimitiveFormat/Kind`` (one per type checked here).
    mutating func checkContentOptions(_ element: Element, kind: PrimitiveFormat.Kind, text: String, path: ElementPath) {
        let options = validator.options
        switch kind {
        case .string where Self.looksLikeHTML(text):
            report(options.securityChecks ? .error : .information, .value, path,
                   "the string value contains text that looks like embedded HTML tags", element)
        case .markdown where Self.looksLikeHTML(text):
            report(options.allowsHTMLInMarkdown && !options.securityChecks ? .warning : .error, .value, path,
                   "the markdown contains content that appears to be an embedded HTML tag", element)
        case .uri, .url, .canonical:
            if text.hasPrefix("urn:uuid:"), !Self.isUUID(text.utf8.dropFirst(9)) {
                report(.error, .value, path, "a UUID must be valid and lowercase (8-4-4-4-12 hexadecimal digits)", element)
            }
            if !options.allowsExampleURLs, Self.isExampleURL(text) {
                report(.error, .value, path, "example URLs are not allowed in this context", element)
            }
        default:
            break
        }
    }

    /// `<` followed by a letter, `/` or `!`, and a `>` after it: an HTML tag or comment.
    static func looksLikeHTML(_ text: String) -> Bool {
        // Most strings have no `<` at all.
        guard ByteScan.firstOffset(of: UInt8(ascii: "<"), in: text) != nil else { return false }
        var afterLessThan = false
        var inTag = false
        for byte in text.utf8 {
            if inTag {
                if byte == UInt8(ascii: ">") { return true }
                continue
            }
            if afterLessThan, (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "!") {
                inTag = true
            }
            afterLessThan = byte == UInt8(ascii: "<")
        }
        return false
    }

    /// Lowercase hexadecimal digits in groups of 8, 4, 4, 4 and 12, joined by `-`.
    static func isUUID(_ bytes: Substring.UTF8View) -> Bool {
        guard bytes.count == 36 else { return false }
        for (offset, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(offset) {
                if byte != UInt8(ascii: "-") { return false }
            } else if !((byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)) {
                return false
            }
        }
        return true
    }

    /// A URL on one of the example domains (``isUncheckedExtensionURL(_:)`` lists them).
    static func isExampleURL(_ url: String) -> Bool {
        guard let host = host(of: url) else { return false }
        return exampleDomains.contains { host == $0 || host.hasSuffix("." + $0) }
    }

    static let exampleDomains = ["example.org", "example.com", "example.net", "acme.com", "acme.org"]

    /// The host of `scheme://host/…`, lowercased.
    static func host(of url: String) -> String? {
        let parts = url.split(separator: "/", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasSuffix(":") else { return nil }
        return parts[1].prefix { $0 != ":" }.lowercased()
    }
}
