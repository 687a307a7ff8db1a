extension Validator.Walk {
    /// The rules of a narrative's XHTML that its invariants `txt-1` and `txt-2` state (their
    /// expression, `htmlChecks()`, is a validator function): no elements the specification
    /// forbids (scripts, forms, frames, objects, document-level elements), some non-whitespace
    /// content, and only the entities XML defines (`&lt;`, `&#160;`, …; `&reg;` is HTML). One
    /// pass over the text, no parsing into a tree.
    mutating func checkNarrative(_ element: Element, text: String, path: ElementPath) {
        var scan = NarrativeScan()
        scan.read(text)
        for name in scan.forbiddenElements {
            report(.error, .value, path, "the element '\(name)' is not allowed in a narrative", element)
        }
        if !scan.forbiddenElements.isEmpty {
            report(.error, .invariant, path, "txt-1: the narrative SHALL contain only the basic HTML formatting elements and attributes", element, key: "txt-1")
        }
        if !scan.hasContent {
            report(.error, .invariant, path, "txt-2: the narrative SHALL have some non-whitespace content", element, key: "txt-2")
        }
        for entity in scan.invalidEntities {
            report(.error, .value, path, "invalid entity in the XHTML ('&\(entity);')", element)
        }
        for link in scan.links where link.lowercased().hasPrefix("urn:") {
            report(.error, .value, path, "the hyperlink scheme 'urn' is not one a browser can follow", element)
        }
    }
}

/// What one pass over a narrative's XHTML found.
struct NarrativeScan {
    /// Names of elements the specification does not allow in a narrative, in order met.
    var forbiddenElements: [String] = []
    /// Whether there is text other than whitespace, or an image.
    var hasContent = false
    /// Entity names XML does not define.
    var invalidEntities: [String] = []
    /// The `href`s of the links (`<a>`).
    var links: [String] = []

    /// Elements a narrative SHALL NOT contain (R4 Narrative: no head or body, scripts, forms,
    /// base or link, frames, iframes, objects; no external style sheets), as lowercase bytes.
    static let forbidden: [[UInt8]] = [
        "html", "head", "body", "title", "meta", "base", "link", "style", "script", "noscript", "form", "input", "button",
        "select", "option", "textarea", "frame", "frameset", "iframe", "object", "embed", "applet", "param",
    ].map { Array($0.utf8) }
    static let xmlEntities: Set<String> = ["lt", "gt", "amp", "quot", "apos"]
    private static let image: [UInt8] = Array("img".utf8)
    private static let anchor: [UInt8] = [UInt8(ascii: "a")]

    /// Scans `text` on its UTF-8 bytes in place (no copy of the narrative).
    mutating func read(_ text: String) {
        var text = text
        text.withUTF8 { read($0) }
    }

    private mutating func read(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                index = readTag(bytes, from: index)
            } else if byte == UInt8(ascii: "&") {
                var end = index + 1
                while end < bytes.count, end - index < 32, bytes[end] != UInt8(ascii: ";"), bytes[end] != UInt8(ascii: "<"), bytes[end] != UInt8(ascii: "&") { end += 1 }
                if end < bytes.count, bytes[end] == UInt8(ascii: ";"), end > index + 1, bytes[index + 1] != UInt8(ascii: "#") {
                    let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                    if !Self.xmlEntities.contains(name) { invalidEntities.append(name) }
                }
                hasContent = true
                index += 1
            } else {
                if !Self.isSpace(byte) { hasContent = true }
                index += 1
            }
        }
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// Reads the tag at `start` (element, end tag, comment, declaration) and returns the index
    /// after it.
    private mutating func readTag(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start + 1
        guard index < bytes.count else { return index }
        if bytes[index] == UInt8(ascii: "!") || bytes[index] == UInt8(ascii: "?") || bytes[index] == UInt8(ascii: "/") {
            while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
            return index + 1
        }
        // The name, after any namespace prefix, compared in lowercase.
        var nameStart = index
        while index < bytes.count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"), bytes[index] != UInt8(ascii: "/") {
            if bytes[index] == UInt8(ascii: ":") { nameStart = index + 1 }
            index += 1
        }
        let name = bytes[nameStart..<index]
        func isName(_ candidate: [UInt8]) -> Bool {
            candidate.count == name.count && zip(candidate, name).allSatisfy { $0 == $1 | 0x20 }
        }
        if let forbidden = Self.forbidden.first(where: isName) { forbiddenElements.append(String(decoding: forbidden, as: UTF8.self)) }
        if isName(Self.image) { hasContent = true }
        let isLink = isName(Self.anchor)
        // The attributes: name="value" or name='value' (a value may hold '>').
        var quote: UInt8?
        var valueStart = index
        var attributeIsHref = false
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open {
                    quote = nil
                    if attributeIsHref { links.append(String(decoding: bytes[(valueStart + 1)..<index], as: UTF8.self)) }
                }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
                valueStart = index
                // The attribute name ends before the '=' that precedes the quote.
                if isLink {
                    var end = index - 1
                    while end > start, Self.isSpace(bytes[end]) || bytes[end] == UInt8(ascii: "=") { end -= 1 }
                    attributeIsHref = end >= start + 4 && zip(bytes[(end - 3)...end], "href".utf8).allSatisfy { $0 | 0x20 == $1 }
                        && (Self.isSpace(bytes[end - 4]) || bytes[end - 4] == UInt8(ascii: ":"))
                }
            } else if byte == UInt8(ascii: ">") {
                return index + 1
            }
            index += 1
        }
        return index
    }
}
