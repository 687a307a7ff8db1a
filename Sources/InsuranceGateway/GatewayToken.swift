public import Foundation

/// A token from the gateway's `POST /api/token/take`: sent with every later request until it
/// expires or the gateway refuses it.
///
/// The ``description`` names no token value.
public struct GatewayToken: Hashable, Sendable, CustomStringConvertible {
    /// `APIKey.access_token` (the `accessToken` header, the `token` query parameter).
    public var accessToken: String
    /// `APIKey.id_token` (the `tokenId` header, the `id_token` query parameter).
    public var idToken: String
    /// `APIKey.token_type`.
    public var tokenType: String?
    /// When the token stops being used: the gateway's `expires_in` after it was issued, less the
    /// client's renewal margin.
    public var expiresAt: Date

    /// Creates a token.
    public init(accessToken: String, idToken: String, tokenType: String? = nil, expiresAt: Date) {
        self.accessToken = accessToken
        self.idToken = idToken
        self.tokenType = tokenType
        self.expiresAt = expiresAt
    }

    public var description: String {
        "GatewayToken(<redacted>, expires: \(expiresAt.formatted(.iso8601)))"
    }
}
