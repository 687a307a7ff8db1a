public import Foundation

/// An OAuth2 access token from the platform's token endpoint, used until it expires or the
/// platform refuses it.
///
/// The ``description`` names no token value.
public struct PlatformToken: Hashable, Sendable, CustomStringConvertible {
    /// `access_token`, sent as `Authorization: Bearer …`.
    public var accessToken: String
    /// When the client stops using it: `expires_in` after it was issued, less the renewal margin.
    public var expiresAt: Date

    /// Creates a token.
    public init(accessToken: String, expiresAt: Date) {
        self.accessToken = accessToken
        self.expiresAt = expiresAt
    }

    public var description: String {
        "PlatformToken(<redacted>, expires: \(expiresAt.formatted(.iso8601)))"
    }
}
