extension Element {
    /// Reads a FHIR resource from JSON, typed and checked by the definitions.
    ///
    /// - Throws: the first ``FormatError`` (bad JSON, an unknown element, a wrong JSON type or
    ///   cardinality). ``read(json:definitions:)`` returns them all.
    public init(json bytes: [UInt8], definitions: Definitions = .r4) throws(FormatError) {
        let (element, errors) = try Self.read(json: bytes, definitions: definitions)
        if let error = errors.first { throw error }
        guard let element else { throw FormatError(.invalidJSON, "the text holds no resource") }
        self = element
    }

    /// Reads a FHIR resource from JSON and returns every problem found, with as much of the
    /// resource as could be read.
    ///
    /// - Throws: ``FormatError`` only when the text is not JSON at all.
    public static func read(json bytes: [UInt8], definitions: Definitions = .r4) throws(FormatError) -> (Element?, [FormatError]) {
        let document = try JSONDocument(parsing: bytes)
        var reader = JSONResourceReader(document: document, definitions: definitions)
        let element = reader.readResource(at: 0, name: nil)
        return (element, reader.errors)
    }

    /// This resource as FHIR JSON: `resourceType` first, elements in definition order, numbers
    /// with their exact text.
    ///
    /// - Parameter pretty: indent with two spaces and break lines.
    public func json(definitions: Definitions = .r4, pretty: Bool = false) -> [UInt8] {
        var writer = JSONResourceWriter(definitions: definitions, pretty: pretty)
        writer.writeResource(self)
        return writer.output
    }
}
