import CLibXML2
import Foundation

/// A libxml2 document tree, owned by one signing or verifying call.
///
/// Not `Sendable`: made, used and freed on one call's stack.
final class XMLTree {
    /// Which nodes a canonicalization renders.
    enum Selection {
        /// The whole document.
        case document
        /// The whole document without this element and what it holds (the enveloped-signature
        /// transform).
        case excluding(xmlNodePtr)
        /// This element and what it holds (`SignedInfo`).
        case subtree(xmlNodePtr)
    }

    /// A canonicalization: which W3C algorithm and its parameters.
    struct Canonicalization {
        var mode: xmlC14NMode
        var withComments: Bool
        /// For exclusive canonicalization: the prefixes treated as in inclusive canonicalization
        /// (`InclusiveNamespaces PrefixList`, `#default` for the default namespace).
        var inclusivePrefixes: [String] = []

        /// The canonicalization an algorithm URI names, or `nil` when it names none.
        init?(_ algorithm: XMLSignatureAlgorithm) {
            switch algorithm {
            case .exclusiveC14N: (mode, withComments) = (XML_C14N_EXCLUSIVE_1_0, false)
            case .exclusiveC14NWithComments: (mode, withComments) = (XML_C14N_EXCLUSIVE_1_0, true)
            case .c14n: (mode, withComments) = (XML_C14N_1_0, false)
            case .c14nWithComments: (mode, withComments) = (XML_C14N_1_0, true)
            case .c14n11: (mode, withComments) = (XML_C14N_1_1, false)
            case .c14n11WithComments: (mode, withComments) = (XML_C14N_1_1, true)
            default: return nil
            }
        }

        var isExclusive: Bool { mode == XML_C14N_EXCLUSIVE_1_0 }
    }

    let document: xmlDocPtr

    /// Parses a document, without network access, entity substitution or external DTDs;
    /// libxml2's messages go nowhere (they may quote the document).
    init(parsing bytes: Data) throws(XMLSignatureError) {
        guard bytes.count <= Int(Int32.max) else {
            throw XMLSignatureError(.malformedDocument, "the document is larger than 2 GB")
        }
        _ = Self.libraryInitialized
        guard let parser = xmlNewParserCtxt() else { throw XMLSignatureError(.xmlLibraryFailure, "out of memory") }
        defer { xmlFreeParserCtxt(parser) }
        parser.pointee.sax.pointee.serror = { _, _ in }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)
        let parsed = bytes.withUnsafeBytes { buffer -> xmlDocPtr? in
            guard let base = buffer.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
            return xmlCtxtReadMemory(parser, base, Int32(buffer.count), nil, nil, options)
        }
        guard let parsed else {
            let error = parser.pointee.lastError
            let line = error.line > 0 ? " (line \(error.line), libxml2 error \(error.code))" : ""
            throw XMLSignatureError(.malformedDocument, "the document is not well-formed XML\(line)")
        }
        document = parsed
    }

    deinit {
        xmlFreeDoc(document)
    }

    /// `xmlInitParser` is not safe to run concurrently the first time; a static `let` runs it once.
    private static let libraryInitialized: Void = xmlInitParser()

    // MARK: Reading

    /// The elements named `localName` in `namespace` (`nil`: in no namespace), in document order.
    func elements(named localName: String, namespace: String?) -> [xmlNodePtr] {
        var found: [xmlNodePtr] = []
        var stack: [xmlNodePtr] = []
        if let root = xmlDocGetRootElement(document) { stack.append(root) }
        while let node = stack.popLast() {
            if Self.matches(node, localName, namespace) { found.append(node) }
            var children: [xmlNodePtr] = []
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE { children.append(current) }
                child = current.pointee.next
            }
            stack.append(contentsOf: children.reversed())
        }
        return found
    }

    /// The child elements of `node` named `localName` in `namespace`, in order.
    func children(of node: xmlNodePtr, named localName: String, namespace: String?) -> [xmlNodePtr] {
        var found: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE && Self.matches(current, localName, namespace) {
                found.append(current)
            }
            child = current.pointee.next
        }
        return found
    }

    /// An attribute in no namespace, or `nil` when the element has none of that name.
    func attribute(_ name: String, of node: xmlNodePtr) -> String? {
        guard let value = xmlGetNoNsProp(node, name) else { return nil }
        defer { lienthong_xmlFree(value) }
        return String(cString: value)
    }

    /// The text an element holds (all its descendant text).
    func text(of node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { lienthong_xmlFree(content) }
        return String(cString: content)
    }

    /// The element's local name, for messages.
    func name(of node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    private static func matches(_ node: xmlNodePtr, _ localName: String, _ namespace: String?) -> Bool {
        guard let name = node.pointee.name, xmlStrEqual(name, localName) != 0 else { return false }
        let href = node.pointee.ns?.pointee.href
        switch (namespace, href) {
        case (nil, nil): return true
        case (let expected?, let actual?): return xmlStrEqual(actual, expected) != 0
        default: return false
        }
    }

    // MARK: Writing

    /// A new element in `namespace` (a namespace declared on an ancestor), with attributes and
    /// text, appended to `parent`.
    @discardableResult
    func appendElement(
        _ name: String, to parent: xmlNodePtr, namespace: xmlNsPtr?, text: String? = nil,
        attributes: [(String, String)] = []
    ) throws(XMLSignatureError) -> xmlNodePtr {
        guard let node = xmlNewDocNode(document, namespace, name, nil) else {
            throw XMLSignatureError(.xmlLibraryFailure, "out of memory")
        }
        for (attribute, value) in attributes { xmlNewProp(node, attribute, value) }
        if let text { xmlNodeAddContent(node, text) }
        guard xmlAddChild(parent, node) != nil else {
            xmlFreeNode(node)
            throw XMLSignatureError(.xmlLibraryFailure, "cannot add \(name)")
        }
        return node
    }

    /// Replaces an element's content by text (escaped as needed).
    func setText(_ text: String, of node: xmlNodePtr) {
        while let child = node.pointee.children {
            xmlUnlinkNode(child)
            xmlFreeNode(child)
        }
        xmlNodeAddContent(node, text)
    }

    /// Takes an element and what it holds out of the document and frees it.
    func remove(_ node: xmlNodePtr) {
        xmlUnlinkNode(node)
        xmlFreeNode(node)
    }

    /// The document as UTF-8 XML with an XML declaration.
    func serialized() throws(XMLSignatureError) -> Data {
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(document, &buffer, &size, "UTF-8")
        guard let buffer, size > 0 else { throw XMLSignatureError(.xmlLibraryFailure, "cannot write the document") }
        defer { lienthong_xmlFree(buffer) }
        return Data(bytes: buffer, count: Int(size))
    }

    // MARK: Canonicalization

    /// The canonical form (W3C C14N, by libxml2) of the selected nodes.
    func canonicalized(_ selection: Selection, _ canonicalization: Canonicalization) throws(XMLSignatureError) -> [UInt8] {
        let sink = ByteSink()
        let context: Visibility?
        switch selection {
        case .document: context = nil
        case .excluding(let node): context = Visibility(root: node, inside: false)
        case .subtree(let node): context = Visibility(root: node, inside: true)
        }
        let result: Int32 = withExtendedLifetime((sink, context)) {
            guard let output = xmlOutputBufferCreateIO(
                { context, bytes, count in
                    guard let context, let bytes, count > 0 else { return 0 }
                    let sink = Unmanaged<ByteSink>.fromOpaque(context).takeUnretainedValue()
                    sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: Int(count)))
                    return count
                },
                nil, Unmanaged.passUnretained(sink).toOpaque(), nil)
            else { return -1 }
            let prefixes = canonicalization.isExclusive ? canonicalization.inclusivePrefixes : []
            var cStrings: [UnsafeMutablePointer<xmlChar>?] = prefixes.map { prefix in
                xmlStrdup(prefix)
            }
            defer { for string in cStrings { lienthong_xmlFree(string) } }
            cStrings.append(nil)
            let callback: xmlC14NIsVisibleCallback? = context == nil ? nil : { data, node, parent in
                Visibility.isVisible(data, node, parent)
            }
            let userData = context.map { Unmanaged.passUnretained($0).toOpaque() }
            xmlSetStructuredErrorFunc(nil) { _, _ in }
            defer { xmlSetStructuredErrorFunc(nil, nil) }
            let written = cStrings.withUnsafeMutableBufferPointer { list in
                xmlC14NExecute(
                    document, callback, userData, Int32(canonicalization.mode.rawValue),
                    prefixes.isEmpty ? nil : list.baseAddress, canonicalization.withComments ? 1 : 0, output)
            }
            let closed = xmlOutputBufferClose(output)
            return written < 0 || closed < 0 ? -1 : 0
        }
        guard result == 0 else { throw XMLSignatureError(.xmlLibraryFailure, "libxml2 could not canonicalize the document") }
        return sink.bytes
    }
}

/// Collects what libxml2 writes to an output buffer.
private final class ByteSink {
    var bytes: [UInt8] = []
}

/// The node set of a canonicalization, as libxml2's visibility callback asks for it.
private final class Visibility {
    let root: xmlNodePtr
    /// `true`: only `root` and its descendants are visible; `false`: all but them.
    let inside: Bool

    init(root: xmlNodePtr, inside: Bool) {
        self.root = root
        self.inside = inside
    }

    static func isVisible(_ data: UnsafeMutableRawPointer?, _ node: xmlNodePtr?, _ parent: xmlNodePtr?) -> Int32 {
        guard let data, let node else { return 0 }
        let visibility = Unmanaged<Visibility>.fromOpaque(data).takeUnretainedValue()
        // A namespace node is an `xmlNs`, not an `xmlNode`: only its `type` (at the same offset in
        // both) may be read; it belongs to `parent`.
        let type = node.pointer(to: \.type)!.pointee
        var current: xmlNodePtr? = type == XML_NAMESPACE_DECL ? parent : node
        while let candidate = current {
            if candidate == visibility.root { return visibility.inside ? 1 : 0 }
            // Attributes come as `xmlAttr`, shorter than `xmlNode`: read the one field only.
            current = candidate.pointer(to: \.parent)!.pointee
        }
        return visibility.inside ? 0 : 1
    }
}
