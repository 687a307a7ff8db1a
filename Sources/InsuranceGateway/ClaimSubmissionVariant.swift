/// Which amendment's endpoints a facility submits to: `…QD4750` or `…QD3176`.
public struct ClaimSubmissionVariant: Hashable, Sendable, CustomStringConvertible {
    /// The decision's number, `4750` or `3176`.
    public let decision: String

    private init(_ decision: String) { self.decision = decision }

    /// Decision 4750/QĐ-BYT: `/api/qd130/guiHoSoXmlQD4750`, `/api/qd130/checkInKcbQd4750`.
    public static let qd4750 = ClaimSubmissionVariant("4750")
    /// Decision 3176/QĐ-BYT: `/api/qd130/guiHoSoXmlQD3176`, `/api/qd130/checkInKcbQd3176`.
    public static let qd3176 = ClaimSubmissionVariant("3176")

    /// The variant for `4750` or `3176`; `nil` for anything else.
    public init?(decision: String) {
        switch decision {
        case "4750": self = .qd4750
        case "3176": self = .qd3176
        default: return nil
        }
    }

    /// The path claims are submitted to.
    public var submissionPath: String { "/api/qd130/guiHoSoXmlQD\(decision)" }
    /// The path check-ins (XML0) are sent to.
    public var checkInPath: String { "/api/qd130/checkInKcbQd\(decision)" }

    public var description: String { decision }
}
