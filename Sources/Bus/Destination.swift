public import Store

/// Somewhere queue entries are delivered: an MLLP peer, an HTTP endpoint, a folder.
public protocol Destination: Sendable {
    /// Delivers one leased entry and says what the answer means. Never throws: every failure is
    /// a verdict (retry or reject) with its error text, recorded as an attempt.
    func deliver(_ lease: Lease) async -> DeliveryResult
}

/// The result of one delivery attempt.
public struct DeliveryResult: Sendable {
    /// What the answer means for the entry.
    public var verdict: DeliveryVerdict
    /// A short response code (`AA`, `HTTP 503`, …) for the attempt history.
    public var responseCode: String?
    /// The response bytes, when there were any.
    public var response: [UInt8]?
    /// The error text when the attempt failed (no patient data).
    public var error: String?

    /// Creates a result.
    public init(verdict: DeliveryVerdict, responseCode: String? = nil, response: [UInt8]? = nil, error: String? = nil) {
        self.verdict = verdict
        self.responseCode = responseCode
        self.response = response
        self.error = error
    }
}
