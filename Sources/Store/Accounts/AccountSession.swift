public import Foundation

/// A dashboard login: the hash of its secret token (the token itself lives only in the
/// browser's cookie), whose it is, and until when it is valid.
public struct AccountSession: Hashable, Sendable {
    /// The SHA-256 of the session token, hex.
    public var tokenHash: String
    /// The account's name.
    public var account: String
    /// When the session began.
    public var createdAt: Date
    /// When it ends.
    public var expiresAt: Date

    /// Creates a session.
    public init(tokenHash: String, account: String, createdAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.account = account
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
