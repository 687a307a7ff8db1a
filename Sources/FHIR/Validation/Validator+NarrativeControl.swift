extension Validator.Walk {
    static let narrativeLanguageControl = "http://hl7.org/fhir/StructureDefinition/narrative-language-control"

    /// A profile's `narrative-language-control` extension on the resource's `text`: `_no`
    /// forbids language sections in the narrative (``NarrativeLanguageSections``), `_yes`
    /// requires them. A list of languages is not checked here. Read from the profile's own
    /// differential and snapshot, once per profile and resource.
    mutating func checkNarrativeControls(ofProfile url: String, resource: Element, path: ElementPath) {
        guard let profile = definitions.structureResource(url: url),
            let div = resource.child(named: "text")?.child(named: "div"), let xhtml = div.value?.text
        else { return }
        let textPath = resource.type + ".text"
        let elements = ["differential", "snapshot"].flatMap { profile.child(named: $0)?.children(named: "element") ?? [] }
        let controls = elements.filter { $0.childText(named: "path") == textPath }.flatMap { element in
            element.children(named: "extension").filter { $0.childText(named: "url") == Self.narrativeLanguageControl }
        }
        guard let control = controls.first?.children.first(where: { $0.name.hasPrefix("value") })?.value?.text, control == "_no" || control == "_yes" else { return }
        let languages = NarrativeLanguageSections(xhtml).languages
        let divPath = path.description + ".text.div"
        if control == "_no", !languages.isEmpty {
            report(.error, .value, divPath,
                   "the narrative has language sections (\(languages.joined(separator: ", "))), which the profile \(url) prohibits", div)
        } else if control == "_yes", languages.isEmpty {
            report(.error, .value, divPath, "the narrative has no language sections, which the profile \(url) requires", div)
        }
    }
}

/// The language sections of a narrative: the `div`s directly inside its root `div` with a
/// `lang` or `xml:lang` attribute, in order.
struct NarrativeLanguageSections {
    var languages: [String] = []

    init(_ xhtml: String) {
        let bytes = Array(xhtml.utf8)
        var index = 0
        var depth = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count else {
                index += 1
                continue
            }
            let next = bytes[index + 1]
            if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") || next == UInt8(ascii: "/") {
                if next == UInt8(ascii: "/") { depth -= 1 }
                while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
                index += 1
                continue
            }
            let tag = Tag(bytes, from: index + 1)
            index = tag.end
            if depth == 1, tag.name == "div", let language = tag.attributes["lang"] ?? tag.attributes["xml:lang"] {
                languages.append(language)
            }
            if !tag.isEmpty { depth += 1 }
        }
    }

    /// A start tag: its name, attributes, whether it closes itself, and the index after it.
    private struct Tag {
        var name = ""
        var attributes: [String: String] = [:]
        var isEmpty = false
        var end: Int

        init(_ bytes: [UInt8], from start: Int) {
            var index = start
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
            func isNameEnd(_ byte: UInt8) -> Bool { isSpace(byte) || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=") }
            while index < bytes.count, !isNameEnd(bytes[index]) { index += 1 }
            let fullName = String(decoding: bytes[start..<index], as: UTF8.self)
            name = String(fullName.split(separator: ":").last ?? "")
            while index < bytes.count, bytes[index] != UInt8(ascii: ">") {
                if bytes[index] == UInt8(ascii: "/") {
                    isEmpty = true
                    index += 1
                    continue
                }
                if isSpace(bytes[index]) {
                    index += 1
                    continue
                }
                isEmpty = false
                let nameStart = index
                while index < bytes.count, !isNameEnd(bytes[index]) { index += 1 }
                let attribute = String(decoding: bytes[nameStart..<index], as: UTF8.self)
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { continue }
                index += 1
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { continue }
                let quote = bytes[index]
                let valueStart = index + 1
                index = valueStart
                while index < bytes.count, bytes[index] != quote { index += 1 }
                attributes[attribute] = String(decoding: bytes[valueStart..<min(index, bytes.count)], as: UTF8.self)
                index += 1
            }
            end = index + 1
        }
    }
}
