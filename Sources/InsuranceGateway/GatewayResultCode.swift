/// A `maKetQua` of the insurance gateway: what a request came to.
///
/// A struct with static members, so a code we have never seen is kept as it is. The card-check
/// codes are those NOTES.md lists (from public client code); the gateway documents no list for
/// submissions, so ``InsuranceGatewayClient`` classifies them by our reading (docs/CLAIMS.md,
/// "Gateway").
public struct GatewayResultCode: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The code as the gateway wrote it (`"000"`, `"200"`).
    public let rawValue: String

    /// Creates a code.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    // MARK: Token and submission

    /// Success of a token request, and (our reading) of a submission.
    public static let success: GatewayResultCode = "200"
    /// The token, or the account, was refused: take a new token and try once more.
    public static let unauthorized: GatewayResultCode = "401"

    // MARK: Card check (`KQNhanLichSuKCB2024`)

    /// The card is valid.
    public static let valid: GatewayResultCode = "000"
    /// The card is managed by the army's insurance.
    public static let managedByArmy: GatewayResultCode = "001"
    /// The card is managed by the police's insurance.
    public static let managedByPolice: GatewayResultCode = "002"
    /// An old card: a new one has been issued.
    public static let replaced: GatewayResultCode = "003"
    /// An old card: a new one has been issued (variant).
    public static let replacedVariant: GatewayResultCode = "004"
    /// The card has expired.
    public static let expired: GatewayResultCode = "010"
    /// No data for this card.
    public static let noData: GatewayResultCode = "050"
    /// Wrong card number.
    public static let wrongCardNumber: GatewayResultCode = "051"
    /// Wrong province code in the card number.
    public static let wrongProvince: GatewayResultCode = "052"
    /// Wrong benefit level in the card number.
    public static let wrongBenefitLevel: GatewayResultCode = "053"
    /// Wrong name.
    public static let wrongName: GatewayResultCode = "060"
    /// Wrong name (variant).
    public static let wrongNameVariant: GatewayResultCode = "061"
    /// Wrong birth date.
    public static let wrongBirthDate: GatewayResultCode = "070"
    /// A data error at the gateway.
    public static let dataError: GatewayResultCode = "100"
    /// A server error at the gateway: try again later.
    public static let serverError: GatewayResultCode = "101"
    /// The card has been revoked.
    public static let revoked: GatewayResultCode = "110"
    /// A child without a card.
    public static let childWithoutCard: GatewayResultCode = "130"
    /// A bad parameter in the request.
    public static let badParameter: GatewayResultCode = "205"

    /// What the code means, in English (`nil` for a code we do not know).
    public var meaning: String? {
        Self.meanings[rawValue]
    }

    private static let meanings: [String: String] = [
        "000": "valid card", "001": "card managed by the army's insurance", "002": "card managed by the police's insurance",
        "003": "old card; a new one has been issued", "004": "old card; a new one has been issued", "010": "card expired",
        "050": "no data for this card", "051": "wrong card number", "052": "wrong province code", "053": "wrong benefit level",
        "060": "wrong name", "061": "wrong name", "070": "wrong birth date", "100": "data error", "101": "server error",
        "110": "card revoked", "130": "child without a card", "200": "success", "205": "bad parameter",
        "401": "authentication failed",
    ]
}
