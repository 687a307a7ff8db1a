public import Foundation

/// What happened during one delivery attempt, as a worker reports it.
public struct AttemptReport: Sendable {
    /// When the attempt started.
    public var startedAt: Date
    /// How long it took.
    public var duration: Duration
    /// A short summary of the response, e.g. the ACK code `AE` or the HTTP status `503`.
    public var responseCode: String?
    /// The response bytes, if any.
    public var response: [UInt8]?
    /// The error text when there was no usable response (e.g. `connection refused`). No patient data.
    public var error: String?

    /// Creates a report.
    public init(
        startedAt: Date,
        duration: Duration,
        responseCode: String? = nil,
        response: [UInt8]? = nil,
        error: String? = nil
    ) {
        self.startedAt = startedAt
        self.duration = duration
        self.responseCode = responseCode
        self.response = response
        self.error = error
    }
}
