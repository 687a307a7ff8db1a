import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An element of a small XML document read whole: claim tables and envelopes are a few
/// kilobytes, so a tree is simpler than streaming and costs nothing that matters.
struct XMLNode: Equatable, Sendable {
    var name: String
    /// The character data directly inside the element (CDATA included), untrimmed.
    var text: String = ""
    var children: [XMLNode] = []
    /// The line of the start tag.
    var line: Int

    /// Whether the element holds only whitespace between its children (or nothing).
    var hasOnlyWhitespaceText: Bool {
        text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    /// The first child with this name.
    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// Parses a document; namespaces and external entities are not processed.
    ///
    /// The plain XML claim files are made of is read on its bytes by ``XMLScanner``; anything
    /// else (and every error) goes to Foundation's `XMLParser`, which gives the same tree.
    /// - Throws: ``ClaimError`` ``ClaimError/Code/invalidXML`` with the line of the problem.
    static func parse(_ data: Data, table: String? = nil) throws -> XMLNode {
        let scanned = data.withUnsafeBytes { raw in XMLScanner.tree(raw.bindMemory(to: UInt8.self)) }
        if let scanned { return scanned }
        return try parseWithFoundation(data, table: table)
    }

    /// Parses a document with Foundation's `XMLParser` (libxml2).
    static func parseWithFoundation(_ data: Data, table: String? = nil) throws -> XMLNode {
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        let builder = TreeBuilder()
        parser.delegate = builder
        let parsed = parser.parse()
        guard parsed, let root = builder.root else {
            throw ClaimError(
                .invalidXML, table: table, line: parser.lineNumber,
                "the document is not well-formed XML")
        }
        return root
    }
}

/// Builds an ``XMLNode`` tree from `XMLParser` events. Used by one parse on one thread.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLNode] = []
    var root: XMLNode?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        stack.append(XMLNode(name: elementName, line: parser.lineNumber))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if !stack.isEmpty { stack[stack.count - 1].text += string }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        if !stack.isEmpty { stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self) }
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
        qualifiedName: String?
    ) {
        guard let node = stack.popLast() else { return }
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
    }
}
