#if canImport(FoundationXML)
import FoundationXML
#endif
import Foundation

/// An XML text read into a small tree (elements, attributes, text) with the line and column of
/// each element, for the FHIR XML reader.
struct XMLTree: Sendable {
    struct Node: Sendable {
        var name: String
        var namespace: String?
        var attributes: [(name: String, value: String)]
        var children: [Node]
        var text: String
        var position: TextPosition
        /// The XHTML of the node and its content, as written (for `Narrative.div`).
        var markup: String
    }

    /// The root element.
    let root: Node

    /// Parses a text.
    ///
    /// - Throws: ``FormatError`` with code ``FormatError/Code/invalidXML`` and the position.
    init(parsing bytes: [UInt8]) throws(FormatError) {
        let builder = Builder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.delegate = builder
        let ok = parser.parse()
        guard ok, let root = builder.root else {
            let position = TextPosition(line: max(1, parser.lineNumber), column: max(1, parser.columnNumber))
            let reason = parser.parserError.map { "\(($0 as NSError).code)" } ?? "no root element"
            throw FormatError(.invalidXML, at: position, "the text is not well-formed XML (parser error \(reason))")
        }
        self.root = root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        static let xhtml = "http://www.w3.org/1999/xhtml"
        var stack: [Node] = []
        var root: Node?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            let position = TextPosition(line: max(1, parser.lineNumber), column: max(1, parser.columnNumber))
            let sorted = attributes.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
            var markup = "<" + (qualifiedName ?? name)
            for attribute in sorted { markup += " \(attribute.name)=\"\(Self.escape(attribute.value, quote: true))\"" }
            // The outermost XHTML element declares its namespace.
            if namespaceURI == Self.xhtml, stack.last?.namespace != Self.xhtml {
                markup += " xmlns=\"\(Self.xhtml)\""
            }
            markup += ">"
            stack.append(Node(name: name, namespace: namespaceURI, attributes: sorted, children: [], text: "", position: position, markup: markup))
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            var node = stack.removeLast()
            node.markup += "</" + (qualifiedName ?? name) + ">"
            if stack.isEmpty {
                root = node
            } else {
                stack[stack.count - 1].children.append(node)
                stack[stack.count - 1].markup += node.markup
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
            stack[stack.count - 1].markup += Self.escape(string, quote: false)
        }

        static func escape(_ text: String, quote: Bool) -> String {
            var out = ""
            for character in text {
                switch character {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"" where quote: out += "&quot;"
                default: out.append(character)
                }
            }
            return out
        }
    }
}
