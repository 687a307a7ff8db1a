/// An error that stops a message from being parsed at all.
///
/// The description names the code, the location and the reason, never a value from the message.
public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var code: ErrorCode
    /// Where it went wrong.
    public var location: Location
    /// A plain explanation that names no value from the message.
    public var message: String

    /// Creates a parse error.
    public init(_ code: ErrorCode, at location: Location, _ message: String) {
        self.code = code
        self.location = location
        self.message = message
    }

    /// The error as an ``Issue`` of severity error.
    public var issue: Issue { Issue(code, severity: .error, at: location, message) }

    public var description: String { "\(code.name) at \(location): \(message)" }
}
