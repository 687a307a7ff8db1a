public import Foundation

/// Dashboard accounts and their sessions, shared by every node on the store (a login on one
/// node is valid on all; deleting an account or changing its role or password ends its
/// sessions everywhere).
public protocol AccountStore: Sendable {
    /// Adds an account.
    ///
    /// - Throws: ``StoreError/Code/invalidState`` when the name is taken.
    func createAccount(_ account: Account) async throws

    /// Changes an account's role and/or password hash (`nil`: unchanged) and ends its sessions.
    ///
    /// - Throws: ``StoreError/Code/notFound``.
    func updateAccount(named name: String, role: String?, passwordHash: String?, now: Date) async throws

    /// Deletes an account and its sessions.
    ///
    /// - Throws: ``StoreError/Code/notFound``.
    func deleteAccount(named name: String) async throws

    /// The account of that name, if any.
    func account(named name: String) async throws -> Account?

    /// Every account, by name.
    func accounts() async throws -> [Account]

    /// Records a login.
    func createSession(_ session: AccountSession) async throws

    /// The session with that token hash and its account, when it has not expired at `now`.
    func session(tokenHash: String, now: Date) async throws -> (session: AccountSession, account: Account)?

    /// Ends a session (a logout); `false` when there was none.
    @discardableResult
    func deleteSession(tokenHash: String) async throws -> Bool

    /// Deletes the sessions expired at `now`; returns how many.
    @discardableResult
    func deleteExpiredSessions(now: Date) async throws -> Int
}
