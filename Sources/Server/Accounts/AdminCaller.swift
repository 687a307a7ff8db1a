public import Bus
public import Foundation
public import Store

/// Who made an admin API request: a configured API token, or an account logged in to the
/// dashboard.
public struct AdminCaller: Sendable, Hashable {
    /// How the caller authenticated.
    public enum Kind: String, Sendable, Hashable {
        /// `Authorization: Bearer` with a configured token.
        case token
        /// The dashboard's session cookie.
        case session
    }

    /// The token's or the account's name.
    public var name: String
    /// What the caller may do.
    public var role: AdminRole
    /// How the caller authenticated.
    public var kind: Kind
    /// When the session ends (sessions only).
    public var expiresAt: Date?
    /// The session's token hash (sessions only), for a logout.
    var sessionHash: String?

    /// Creates a caller.
    public init(name: String, role: AdminRole, kind: Kind, expiresAt: Date? = nil) {
        self.name = name
        self.role = role
        self.kind = kind
        self.expiresAt = expiresAt
    }

    init(name: String, role: AdminRole, kind: Kind, expiresAt: Date?, sessionHash: String?) {
        self.init(name: name, role: role, kind: kind, expiresAt: expiresAt)
        self.sessionHash = sessionHash
    }

    /// The caller as the audit log names it: `token:NAME` or `user:NAME`.
    public var actor: AuditActor {
        kind == .token ? .token(name) : .user(name)
    }
}
