/// Where a channel or destination was read: the file (as named in errors, which for a
/// configuration split into files is the included file) and the line of its name.
package struct ConfigurationOrigin: Sendable, Hashable {
    /// The file, as errors name it.
    package var file: String
    /// The line (1-based) of the entry's name, when known.
    package var line: Int?
    /// The column (1-based), when known.
    package var column: Int?

    package init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// An error at this place.
    package func error(key: String, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: line, column: column, key: key, message: message)
    }
}
