/// Why a FHIR text could not be read as a resource: bad JSON, an element the definitions do not
/// have, a value of the wrong JSON type, … With the FHIRPath location of the problem and its
/// line and column.
///
/// Its description names elements and positions, never values: the text may be patient data.
public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; open for new codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's name.
        public var rawValue: String

        /// Creates a code.
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// The text is not well-formed JSON (or XML).
        public static let invalidJSON = Code("invalid-json")
        /// The text is not well-formed XML.
        public static let invalidXML = Code("invalid-xml")
        /// An element the definitions do not have at this place.
        public static let unknownElement = Code("unknown-element")
        /// `resourceType` is missing, or names no known resource.
        public static let unknownResourceType = Code("unknown-resource-type")
        /// A value of the wrong JSON type: an object for a primitive, a string for a boolean, …
        public static let wrongType = Code("wrong-type")
        /// An array where one value is allowed, or one value where an array is required.
        public static let wrongCardinality = Code("wrong-cardinality")
        /// The same element twice in one object, or two types of one choice element.
        public static let duplicateElement = Code("duplicate-element")
        /// An empty object, array or string, or `null` where a value is required.
        public static let emptyValue = Code("empty-value")

        public var description: String { rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// Where, as a FHIRPath expression (`Patient.name[0].given[1]`); `nil` for the whole text.
    public var path: String?
    /// Where in the text.
    public var position: TextPosition?
    /// A human message, without values from the text.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, path: String? = nil, at position: TextPosition? = nil, _ message: String) {
        self.code = code
        self.path = path
        self.position = position
        self.message = message
    }

    public var description: String {
        var text = "\(code)"
        if let path { text += " at \(path)" }
        if let position { text += " (\(position))" }
        return text + ": " + message
    }
}
