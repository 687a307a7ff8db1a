/// A schema that libxml2 cannot use, or a document it cannot read.
public struct XMLSchemaError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong; a struct with static members so codes can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, as in the description.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// The schema is not well-formed XML or not a valid XML Schema.
        public static let invalidSchema = Code("invalidSchema")
        /// libxml2 could not allocate what it needed.
        public static let outOfMemory = Code("outOfMemory")

        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// What libxml2 reported, in order; values are redacted as in ``XMLSchemaIssue``.
    public var issues: [XMLSchemaIssue]

    /// Creates an error.
    public init(_ code: Code, issues: [XMLSchemaIssue] = []) {
        self.code = code
        self.issues = issues
    }

    public var description: String {
        ([code.description] + issues.map(\.description)).joined(separator: "; ")
    }
}
