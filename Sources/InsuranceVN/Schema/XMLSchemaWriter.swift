/// Writes an XML Schema document: a declaration, two-space indent, attributes in the order given.
/// Every name and value written is the module's own (element names, numbers, patterns) or a
/// definition's title, which is escaped.
struct XMLSchemaWriter {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    private var open: [String] = []

    mutating func comment(_ comment: String) {
        text += indent + "<!-- " + comment + " -->\n"
    }

    mutating func start(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        text += indent + "<" + name + Self.attributes(attributes) + ">\n"
        open.append(name)
    }

    mutating func end() {
        let name = open.removeLast()
        text += indent + "</" + name + ">\n"
    }

    /// An element holding what `content` writes.
    mutating func start(
        _ name: String, _ attributes: KeyValuePairs<String, String> = [:], content: (inout XMLSchemaWriter) -> Void
    ) {
        start(name, attributes)
        content(&self)
        end()
    }

    /// `xs:element` with an anonymous complex type holding a sequence of what `content` writes;
    /// `repeated` lets it occur any number of times (at least once).
    mutating func sequenceElement(
        _ name: String, repeated: Bool = false, content: (inout XMLSchemaWriter) -> Void
    ) {
        let attributes: KeyValuePairs<String, String> =
            repeated ? ["name": name, "maxOccurs": "unbounded"] : ["name": name]
        start("xs:element", attributes) { element in
            element.start("xs:complexType") { $0.start("xs:sequence", content: content) }
        }
    }

    /// An element without content.
    mutating func empty(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        text += indent + "<" + name + Self.attributes(attributes) + "/>\n"
    }

    /// `xs:annotation/xs:documentation` holding the text.
    mutating func documentation(_ documentation: String) {
        start("xs:annotation")
        text += indent + "<xs:documentation>" + Self.escaped(documentation) + "</xs:documentation>\n"
        end()
    }

    private var indent: String { String(repeating: "  ", count: open.count) }

    private static func attributes(_ attributes: KeyValuePairs<String, String>) -> String {
        attributes.map { " \($0.key)=\"\(escaped($0.value))\"" }.joined()
    }

    private static func escaped(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
