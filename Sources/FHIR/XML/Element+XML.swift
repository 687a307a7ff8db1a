extension Element {
    /// Reads a FHIR resource from XML, typed and checked by the definitions.
    ///
    /// - Throws: the first ``FormatError``; ``read(xml:definitions:)`` returns them all.
    public init(xml bytes: [UInt8], definitions: Definitions = .r4) throws(FormatError) {
        let (element, errors) = try Self.read(xml: bytes, definitions: definitions)
        if let error = errors.first { throw error }
        guard let element else { throw FormatError(.invalidXML, "the text holds no resource") }
        self = element
    }

    /// Reads a FHIR resource from XML and returns every problem found, with as much of the
    /// resource as could be read.
    ///
    /// - Throws: ``FormatError`` only when the text is not well-formed XML.
    public static func read(xml bytes: [UInt8], definitions: Definitions = .r4) throws(FormatError) -> (Element?, [FormatError]) {
        let tree = try XMLTree(parsing: bytes)
        var reader = XMLResourceReader(definitions: definitions)
        let element = reader.readResource(tree.root, name: nil, path: nil)
        return (element, reader.errors)
    }

    /// Reads a conformance resource (StructureDefinition, ValueSet, …) from XML without typing
    /// it, for ``Definitions/adding(resources:)``: elements become children, `value` attributes
    /// values (as strings), `resourceType` a child.
    public static func untyped(xml bytes: [UInt8]) throws(FormatError) -> Element {
        let tree = try XMLTree(parsing: bytes)
        func convert(_ node: XMLTree.Node) -> Element {
            var element = Element(name: node.name, type: "", position: node.position)
            for attribute in node.attributes where !attribute.name.hasPrefix("xmlns") {
                if attribute.name == "value" {
                    element.value = .string(attribute.value)
                } else {
                    element.children.append(Element(name: attribute.name, type: "", value: .string(attribute.value), position: node.position))
                }
            }
            element.children += node.children.map(convert)
            return element
        }
        var root = convert(tree.root)
        root.children.insert(Element(name: "resourceType", type: "", value: .string(tree.root.name)), at: 0)
        return root
    }
}

extension Element {
    /// This resource as FHIR XML (UTF-8, with an XML declaration).
    ///
    /// - Parameter pretty: indent with two spaces and break lines.
    public func xml(definitions: Definitions = .r4, pretty: Bool = false) -> [UInt8] {
        var writer = XMLResourceWriter(definitions: definitions, pretty: pretty)
        writer.writeResource(self)
        return Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + (pretty ? "\n" : "") + writer.output).utf8)
    }
}
