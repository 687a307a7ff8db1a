/// A problem found while parsing or validating a message that did not stop the parse.
///
/// Issues never contain values from the message — only the code, the location and a plain
/// explanation — so they can be logged and returned to senders.
public struct Issue: Hashable, Sendable, CustomStringConvertible {
    /// How serious an issue is; the raw value is the HL7 table 0516 code used in ERR-4.
    public struct Severity: Hashable, Sendable, CustomStringConvertible {
        /// `E`, `W` or `I` (HL7 table 0516).
        public var rawValue: String
        /// Creates a severity from its table 0516 code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The message cannot be processed as is.
        public static let error = Severity(rawValue: "E")
        /// The message can be processed, but something is off.
        public static let warning = Severity(rawValue: "W")
        /// For information only.
        public static let information = Severity(rawValue: "I")

        public var description: String {
            switch rawValue {
            case "E": "error"
            case "W": "warning"
            case "I": "information"
            default: rawValue
            }
        }
    }

    /// What went wrong.
    public var code: ErrorCode
    /// How serious it is.
    public var severity: Severity
    /// Where it is.
    public var location: Location
    /// A plain explanation that names no value from the message.
    public var message: String

    /// Creates an issue.
    public init(_ code: ErrorCode, severity: Severity = .error, at location: Location, _ message: String) {
        self.code = code
        self.severity = severity
        self.location = location
        self.message = message
    }

    public var description: String {
        "\(severity) \(code.name) at \(location): \(message)"
    }
}
