/// A request to the insurance gateway that did not come to an answer: no connection, no answer
/// in time, an HTTP status or a body that is not the gateway's, or refused credentials.
///
/// The ``description`` never holds a credential, a token or data about a patient.
public struct InsuranceGatewayError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong; a struct with static members so that codes can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let name: String
        private init(_ name: String) { self.name = name }

        /// The connection could not be made or broke.
        public static let connectionFailed = Code("connectionFailed")
        /// No answer within the configured timeout.
        public static let timedOut = Code("timedOut")
        /// The gateway refused the account or the token (HTTP 401 or `maKetQua` 401), also after a new token.
        public static let authenticationFailed = Code("authenticationFailed")
        /// An HTTP status the request cannot go on from (4xx other than 401, or 5xx).
        public static let httpStatus = Code("httpStatus")
        /// The body is not the JSON the gateway answers with.
        public static let invalidResponse = Code("invalidResponse")
        /// The request cannot be made from what was given (a facility code too short, an envelope that cannot be written).
        public static let invalidRequest = Code("invalidRequest")

        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The gateway's path the request went to (`/api/token/take`).
    public var path: String
    /// The HTTP status, when there was one.
    public var httpStatus: Int?
    /// The gateway's `maKetQua`, when there was one.
    public var resultCode: GatewayResultCode?
    /// A plain explanation (no credentials, no patient data).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, path: String, httpStatus: Int? = nil, resultCode: GatewayResultCode? = nil, _ message: String) {
        self.code = code
        self.path = path
        self.httpStatus = httpStatus
        self.resultCode = resultCode
        self.message = message
    }

    /// Whether trying again later may help (everything but an invalid request; refused
    /// credentials are retried too, as a configuration fix must not lose claims).
    public var isTransient: Bool {
        code != .invalidRequest
    }

    public var description: String {
        var parts = ["\(code) at \(path)"]
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        if let resultCode { parts.append("maKetQua \(resultCode)") }
        return parts.joined(separator: ", ") + ": " + message
    }
}
