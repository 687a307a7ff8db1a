/// What `POST /sim/control` tells the e-prescription simulator (JSON, every member optional).
///
/// ```json
/// {"fail_next": 3, "status": 503, "expire_tokens": true}
/// ```
public struct EPrescriptionSimulatorControl: Codable, Sendable, Hashable {
    /// The next this many submissions are answered with ``status`` (before any check).
    public var failNext: Int?
    /// The status of injected failures (503 by default).
    public var status: Int?
    /// Forget every issued token: the next submission gets 401.
    public var expireTokens: Bool?

    /// Creates a control message.
    public init(failNext: Int? = nil, status: Int? = nil, expireTokens: Bool? = nil) {
        self.failNext = failNext
        self.status = status
        self.expireTokens = expireTokens
    }

    enum CodingKeys: String, CodingKey {
        case failNext = "fail_next"
        case status
        case expireTokens = "expire_tokens"
    }
}
