import Foundation

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
    /// base or link, frames, iframes, objects; no external style sheets).
    static let forbidden: Set<String> = [
        "html", "head", "body", "title", "meta", "base", "link", "style", "script", "noscript", "form", "input", "button",
        "select", "option", "textarea", "frame", "frameset", "iframe", "object", "embed", "applet", "param",
    ]
    static let xmlEntities: Set<String> = ["lt", "gt", "amp", "quot", "apos"]

    mutating func read(_ text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                index = readTag(bytes, from: index)
            } else if byte == UInt8(ascii: "&") {
                var end = index + 1
                while end < bytes.count, end - index < 32, bytes[end] != UInt8(ascii: ";"), bytes[end] != UInt8(ascii: "<"), bytes[end] != UInt8(ascii: "&") { end += 1 }
                if end < bytes.count, bytes[end] == UInt8(ascii: ";") {
                    let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                    if !name.hasPrefix("#"), !Self.xmlEntities.contains(name) { invalidEntities.append(name) }
                }
                hasContent = true
                index += 1
            } else {
                if byte != 0x20, byte != 0x0A, byte != 0x0D, byte != 0x09 { hasContent = true }
                index += 1
            }
        }
    }

    /// Reads the tag at `start` (element, end tag, comment, declaration) and returns the index
    /// after it.
    private mutating func readTag(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        guard index < bytes.count else { return index }
        if bytes[index] == UInt8(ascii: "!") || bytes[index] == UInt8(ascii: "?") || bytes[index] == UInt8(ascii: "/") {
            while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
            return index + 1
        }
        let nameStart = index
        while index < bytes.count, ![UInt8(ascii: " "), UInt8(ascii: ">"), UInt8(ascii: "/"), 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        var name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
        if let colon = name.lastIndex(of: ":") { name = String(name[name.index(after: colon)...]) }
        if Self.forbidden.contains(name) { forbiddenElements.append(name) }
        if name == "img" { hasContent = true }
        // The attributes: name="value" or name='value' (a value may hold '>').
        var attributeStart = index
        var quote: UInt8?
        var valueStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open {
                    quote = nil
                    // Only the links are kept: the attribute's name is made (and trimmed) on an `a`.
                    if name == "a" {
                        let attribute = String(decoding: bytes[attributeStart..<valueStart], as: UTF8.self)
                            .trimmingCharacters(in: .whitespacesAndNewlines).dropLast().trimmingCharacters(in: .whitespacesAndNewlines)
                        if attribute.lowercased() == "href" {
                            links.append(String(decoding: bytes[(valueStart + 1)..<index], as: UTF8.self))
                        }
                    }
                    attributeStart = index + 1
                }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
                valueStart = index
            } else if byte == UInt8(ascii: ">") {
                return index + 1
            }
            index += 1
        }
        return index
    }
}
