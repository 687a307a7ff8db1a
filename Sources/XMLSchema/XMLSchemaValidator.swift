public import Foundation
import CLibXML2

/// Validates XML documents against an XML Schema (XSD 1.0) with the system's libxml2.
///
/// The schema is parsed once; each ``validate(_:)`` parses its document and validates it with a
/// validation context of its own, so one validator can be used from many tasks at once:
///
/// ```swift
/// let validator = try XMLSchemaValidator(schema: xsdBytes)
/// for issue in try validator.validate(documentBytes) {
///     print(issue)   // line 5: Element 'HO_TEN': [facet 'maxLength'] The value has a length of '280'; …
/// }
/// ```
///
/// Documents are read without network access and without substituting entities or loading
/// external DTDs.
public final class XMLSchemaValidator: @unchecked Sendable {
    // @unchecked: `schema` is written once in `init` and only read afterwards; libxml2 reads a
    // parsed schema without changing it, and every call makes its own contexts.
    private let schema: xmlSchemaPtr

    /// Parses a schema.
    /// - Throws: ``XMLSchemaError`` ``XMLSchemaError/Code/invalidSchema`` with what libxml2
    ///   reported, or ``XMLSchemaError/Code/outOfMemory``.
    public init(schema bytes: Data) throws(XMLSchemaError) {
        Self.initializeLibrary()
        let collector = IssueCollector()
        let parsed: xmlSchemaPtr? = try withExtendedLifetime(collector) { () throws(XMLSchemaError) -> xmlSchemaPtr? in
            guard let document = try Self.parse(bytes, reportingTo: collector) else { return nil }
            defer { xmlFreeDoc(document) }
            guard let context = xmlSchemaNewDocParserCtxt(document) else { throw XMLSchemaError(.outOfMemory) }
            defer { xmlSchemaFreeParserCtxt(context) }
            xmlSchemaSetParserStructuredErrors(
                context, { userData, error in IssueCollector.collect(userData, error) },
                Unmanaged.passUnretained(collector).toOpaque())
            return xmlSchemaParse(context)
        }
        guard let parsed else { throw XMLSchemaError(.invalidSchema, issues: collector.issues) }
        self.schema = parsed
    }

    deinit {
        xmlSchemaFree(schema)
    }

    /// Validates a document.
    /// - Returns: what does not conform, in document order; empty when the document is valid. A
    ///   document that is not well-formed XML gives the parser's issues.
    /// - Throws: ``XMLSchemaError`` ``XMLSchemaError/Code/outOfMemory`` when libxml2 cannot
    ///   make its contexts.
    public func validate(_ document: Data) throws(XMLSchemaError) -> [XMLSchemaIssue] {
        let collector = IssueCollector()
        return try withExtendedLifetime(collector) { () throws(XMLSchemaError) -> [XMLSchemaIssue] in
            guard let parsed = try Self.parse(document, reportingTo: collector) else { return collector.issues }
            defer { xmlFreeDoc(parsed) }
            guard let context = xmlSchemaNewValidCtxt(schema) else { throw XMLSchemaError(.outOfMemory) }
            defer { xmlSchemaFreeValidCtxt(context) }
            xmlSchemaSetValidStructuredErrors(
                context, { userData, error in IssueCollector.collect(userData, error) },
                Unmanaged.passUnretained(collector).toOpaque())
            let result = xmlSchemaValidateDoc(context, parsed)
            if result != 0 && collector.issues.isEmpty {
                collector.issues.append(
                    XMLSchemaIssue(line: nil, code: Int(result), element: nil, message: "the document is not valid"))
            }
            return collector.issues
        }
    }

    /// Parses a document into a tree, its errors going to the collector (never to stderr).
    /// - Returns: `nil` when the document is not well-formed; the collector holds why.
    private static func parse(_ bytes: Data, reportingTo collector: IssueCollector) throws(XMLSchemaError) -> xmlDocPtr? {
        guard bytes.count <= Int(Int32.max) else {
            collector.issues.append(
                XMLSchemaIssue(line: nil, code: -1, element: nil, message: "the document is larger than 2 GB"))
            return nil
        }
        guard let parser = xmlNewParserCtxt() else { throw XMLSchemaError(.outOfMemory) }
        defer { xmlFreeParserCtxt(parser) }
        // The parser reports to `sax.serror` with the parser context as user data; `_private` is ours.
        parser.pointee._private = Unmanaged.passUnretained(collector).toOpaque()
        parser.pointee.sax.pointee.serror = { userData, error in
            let parser = userData?.assumingMemoryBound(to: xmlParserCtxt.self)
            IssueCollector.collect(parser?.pointee._private, error)
        }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)
        let document = bytes.withUnsafeBytes { buffer -> xmlDocPtr? in
            guard let base = buffer.baseAddress?.assumingMemoryBound(to: CChar.self) else {
                return xmlCtxtReadMemory(parser, "", 0, nil, nil, options)
            }
            return xmlCtxtReadMemory(parser, base, Int32(buffer.count), nil, nil, options)
        }
        if document == nil && collector.issues.isEmpty {
            collector.issues.append(
                XMLSchemaIssue(line: nil, code: -1, element: nil, message: "the document is not well-formed"))
        }
        return document
    }

    /// `xmlInitParser` and `xmlSchemaInitTypes` are not safe to run concurrently the first time;
    /// a static `let` runs them once.
    private static let libraryInitialized: Void = {
        xmlInitParser()
        xmlSchemaInitTypes()
    }()

    private static func initializeLibrary() {
        _ = libraryInitialized
    }
}

/// Gathers the structured errors libxml2 reports during one call; used by that call only.
private final class IssueCollector {
    var issues: [XMLSchemaIssue] = []

    static func collect(_ userData: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
        guard let userData, let error else { return }
        let collector = Unmanaged<IssueCollector>.fromOpaque(userData).takeUnretainedValue()
        collector.issues.append(issue(from: error.pointee))
    }

    private static func issue(from error: xmlError) -> XMLSchemaIssue {
        var element: String?
        var values: [String] = []
        if let node = error.node?.assumingMemoryBound(to: xmlNode.self), node.pointee.type == XML_ELEMENT_NODE {
            element = node.pointee.name.map { String(cString: $0) }
            if let buffer = xmlBufferCreate() {
                if xmlNodeBufGetContent(buffer, node) == 0, let content = xmlBufferContent(buffer) {
                    values.append(String(cString: content))
                }
                xmlBufferFree(buffer)
            }
        }
        let raw = error.message.map { String(cString: $0) } ?? "libxml2 gave no message"
        return XMLSchemaIssue(
            line: error.line > 0 ? Int(error.line) : nil,
            code: Int(error.code),
            element: element,
            message: XMLSchemaRedaction.redacted(raw, values: values))
    }
}
