/// A request to the national e-prescription system that did not come to an answer: no
/// connection, no answer in time, refused credentials, or an answer that is not the system's.
///
/// The ``description`` never holds a credential, a token or data about a patient.
public struct EPrescriptionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong; a struct with static members so that codes can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let name: String
        private init(_ name: String) { self.name = name }

        /// The connection could not be made or broke.
        public static let connectionFailed = Code("connectionFailed")
        /// No answer within the configured timeout.
        public static let timedOut = Code("timedOut")
        /// The system refused the facility's account, or the token twice.
        public static let authenticationFailed = Code("authenticationFailed")
        /// The login answered with a status the client cannot go on from.
        public static let httpStatus = Code("httpStatus")
        /// The answer is not the JSON the system answers with.
        public static let invalidResponse = Code("invalidResponse")

        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The path the request went to (`/api/v1/dang-nhap`).
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
        "\(code) at \(path)" + (httpStatus.map { ", HTTP \($0)" } ?? "") + ": " + message
    }
}
