/// What a test or a demo tells the simulated FHIR server to do next (`POST /sim/control` with
/// this as JSON, or ``FHIRServerSimulator/State/apply(_:)``). Every member is optional; what is
/// absent is left as it was.
///
/// Injected failures apply to FHIR requests, not to token requests.
public struct FHIRSimulatorControl: Codable, Hashable, Sendable {
    /// Answer the next N FHIR requests with ``failStatus`` (default 503).
    public var failNext: Int?
    /// The HTTP status of injected failures.
    public var failStatus: Int?
    /// The `Retry-After` (seconds) sent with injected failures.
    public var retryAfter: Int?
    /// Make every token issued so far expire now (the next request with one gets 401).
    public var expireTokens: Bool?

    /// Creates a control message.
    public init(failNext: Int? = nil, failStatus: Int? = nil, retryAfter: Int? = nil, expireTokens: Bool? = nil) {
        self.failNext = failNext
        self.failStatus = failStatus
        self.retryAfter = retryAfter
        self.expireTokens = expireTokens
    }
}
