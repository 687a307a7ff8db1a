/// A mapping file that cannot be used: names the file, the line (and column) and what is wrong.
public struct MappingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, as the user knows it (relative to the mappings folder).
    public var file: String
    /// The line (1-based), when the problem is on one.
    public var line: Int?
    /// The column (1-based), when known.
    public var column: Int?
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        return text + ": " + message
    }
}

/// Every problem found while loading mappings (a folder is checked completely, not up to the
/// first error).
public struct MappingErrors: Error, Sendable, CustomStringConvertible {
    /// The problems, by file and line.
    public var errors: [MappingError]

    /// Creates the list (the claims maps of InsuranceVN report theirs in it too).
    public init(errors: [MappingError]) {
        self.errors = errors
    }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
