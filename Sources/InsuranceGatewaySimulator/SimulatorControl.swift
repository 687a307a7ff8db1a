/// What a test or a demo tells the simulated gateway to do next (`POST /sim/control` with this
/// as JSON, or ``InsuranceGatewaySimulator/State/apply(_:)``). Every member is optional; what
/// is absent is left as it was.
///
/// Injected failures apply to submissions, check-ins and card checks, not to token requests.
public struct SimulatorControl: Codable, Hashable, Sendable {
    /// Answer the next N requests with ``failStatus`` (default 503).
    public var failNext: Int?
    /// The HTTP status of injected failures.
    public var failStatus: Int?
    /// Delay the next N requests by ``delaySeconds`` (longer than the client's timeout: a timeout).
    public var delayNext: Int?
    /// The injected delay, in seconds.
    public var delaySeconds: Double?
    /// Reject the next N submissions (`maKetQua` 100) even if they are valid.
    public var rejectNext: Int?
    /// Make every token issued so far expire now.
    public var expireTokens: Bool?
    /// Forget injected failures, tokens and what was received.
    public var reset: Bool?

    /// Creates a control message.
    public init(
        failNext: Int? = nil, failStatus: Int? = nil, delayNext: Int? = nil, delaySeconds: Double? = nil, rejectNext: Int? = nil,
        expireTokens: Bool? = nil, reset: Bool? = nil
    ) {
        self.failNext = failNext
        self.failStatus = failStatus
        self.delayNext = delayNext
        self.delaySeconds = delaySeconds
        self.rejectNext = rejectNext
        self.expireTokens = expireTokens
        self.reset = reset
    }
}
