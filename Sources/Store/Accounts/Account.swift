public import Foundation

/// A person who logs in to the dashboard: a name, a role and a password hash (never the
/// password). Roles are the bus's (`viewer`, `operator`, `admin`); the store keeps the name.
public struct Account: Hashable, Sendable {
    /// The login name (unique).
    public var name: String
    /// The role's name.
    public var role: String
    /// The password hash, in the self-describing format of whoever set it (e.g. `scrypt$…`).
    public var passwordHash: String
    /// When the account was created.
    public var createdAt: Date
    /// When the role or password last changed.
    public var updatedAt: Date

    /// Creates an account.
    public init(name: String, role: String, passwordHash: String, createdAt: Date, updatedAt: Date? = nil) {
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}
