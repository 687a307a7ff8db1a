/// Why a received message was rejected (stored with state ``MessageState/rejected`` and never routed).
///
/// The intake chooses the code; the store keeps it as text. A set of values that may grow.
public struct RejectionReason: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The stored text, e.g. `unparsable`.
    public var rawValue: String

    /// Creates a reason from its stored text.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The bytes could not be parsed as a message.
    public static let unparsable = RejectionReason(rawValue: "unparsable")
    /// The message parsed but failed validation.
    public static let invalid = RejectionReason(rawValue: "invalid")
    /// The message was refused by policy (e.g. an unknown sender).
    public static let refused = RejectionReason(rawValue: "refused")
    /// The input was in a format the listener does not read (e.g. an HTTP body that is not FHIR).
    public static let unsupportedFormat = RejectionReason(rawValue: "unsupported-format")
    /// The message was larger than the listener accepts; only its first bytes are stored.
    public static let oversized = RejectionReason(rawValue: "oversized")

    /// The stored text.
    public var description: String { rawValue }
}
