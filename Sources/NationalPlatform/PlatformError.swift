/// A request to the platform (or its token endpoint) that did not come to an answer: no
/// connection, no answer in time, a refused client, a body that cannot be read, or a request
/// that cannot be made.
///
/// The ``description`` never holds a credential, a token or data about a patient.
public struct PlatformError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong; a struct with static members so that codes can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let name: String
        private init(_ name: String) { self.name = name }

        /// The connection could not be made or broke.
        public static let connectionFailed = Code("connectionFailed")
        /// No answer within the configured timeout.
        public static let timedOut = Code("timedOut")
        /// The token endpoint refused the client (HTTP 400/401 `invalid_client`, …).
        public static let authenticationFailed = Code("authenticationFailed")
        /// The token endpoint answered with another status.
        public static let httpStatus = Code("httpStatus")
        /// The token endpoint's answer holds no `access_token`.
        public static let invalidResponse = Code("invalidResponse")
        /// The request cannot be made from what was given.
        public static let invalidRequest = Code("invalidRequest")
        /// The private key cannot be read or used.
        public static let invalidKey = Code("invalidKey")

        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The URL path (or file) concerned.
    public var path: String
    /// The HTTP status, when there was one.
    public var httpStatus: Int?
    /// A plain explanation (no credentials, no patient data).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, path: String, httpStatus: Int? = nil, _ message: String) {
        self.code = code
        self.path = path
        self.httpStatus = httpStatus
        self.message = message
    }

    public var description: String {
        var parts = ["\(code)"]
        if !path.isEmpty { parts[0] += " at \(path)" }
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        return parts.joined(separator: ", ") + ": " + message
    }
}
