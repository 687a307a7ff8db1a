/// Why an allow-list refused a sender: the `reason` label of
/// ``BusMetrics/Name/sendersRefused`` and of the log line. A set of values that may grow.
public struct SenderRefusal: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The label value.
    public var rawValue: String
    /// Creates a refusal from its label value.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The peer's address is in none of the allowed ranges (or it has no IP address).
    public static let address = SenderRefusal(rawValue: "address")
    /// The peer's certificate subject is none of the allowed subjects.
    public static let clientSubject = SenderRefusal(rawValue: "client_subject")
    /// Client subjects are required but the peer presented no certificate (or its subject
    /// could not be read).
    public static let noClientCertificate = SenderRefusal(rawValue: "no_client_certificate")

    /// The label value.
    public var description: String { rawValue }
}
