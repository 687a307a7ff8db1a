/// One problem libxml2 found in a schema or in a document it validated.
///
/// The ``message`` is libxml2's, with the document's values taken out: a value that fails a
/// facet (`The value '…' has a length of '300'`) and the bytes of a wrong encoding are replaced
/// by `…`, so an issue can be logged as it is. Element names and the schema's own facets stay.
public struct XMLSchemaIssue: Hashable, Sendable, CustomStringConvertible {
    /// The line in the document (or the schema) where libxml2 saw the problem; `nil` when it did
    /// not say.
    public var line: Int?
    /// libxml2's error number (`xmlParserErrors`, such as 1871 for an element that is not
    /// expected); stable across libxml2 versions.
    public var code: Int
    /// The element the problem is in, when libxml2 names one.
    public var element: String?
    /// What is wrong, without the document's values.
    public var message: String

    /// Creates an issue.
    public init(line: Int?, code: Int, element: String?, message: String) {
        self.line = line
        self.code = code
        self.element = element
        self.message = message
    }

    public var description: String {
        (line.map { "line \($0): " } ?? "") + message
    }
}
