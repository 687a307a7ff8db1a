/// A configuration that cannot be used, with where the problem is: file, line, column and the
/// key's path (`channels.his.mllp.port`).
///
/// Its description reads like a compiler's: `lienthong.yaml:12:11: channels.his.mllp.port: expected a port (0–65535), found "http"`.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file, as named to the loader.
    public var file: String
    /// The line (1-based), when known.
    public var line: Int?
    /// The column (1-based), when known.
    public var column: Int?
    /// The dotted path of the key (`destinations.lis.retry.maximum-attempts`); empty for the whole file.
    public var key: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return key.isEmpty ? "\(location): \(message)" : "\(location): \(key): \(message)"
    }
}
