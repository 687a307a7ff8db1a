public import Foundation
import PostgresNIO
public import Store

extension PostgresStore: AccountStore {
    /// See ``Store/AccountStore/createAccount(_:)``.
    public func createAccount(_ account: Account) async throws {
        let inserted = try await rows(
            """
            INSERT INTO account (name, role, password_hash, created_at, updated_at)
            VALUES (\(account.name), \(account.role), \(account.passwordHash), \(Timestamp(account.createdAt)), \(Timestamp(account.updatedAt)))
            ON CONFLICT (name) DO NOTHING RETURNING name
            """)
        guard !inserted.isEmpty else { throw StoreError(code: .invalidState) }
    }

    /// See ``Store/AccountStore/updateAccount(named:role:passwordHash:now:)``.
    public func updateAccount(named name: String, role: String?, passwordHash: String?, now: Date) async throws {
        try await transaction { connection in
            let updated = try await connection.query(
                """
                UPDATE account SET role = coalesce(\(role), role), password_hash = coalesce(\(passwordHash), password_hash),
                    updated_at = \(Timestamp(now))
                WHERE name = \(name) RETURNING name
                """,
                logger: Self.quiet
            ).collect()
            guard !updated.isEmpty else { throw StoreError(code: .notFound) }
            try await connection.query("DELETE FROM account_session WHERE account = \(name)", logger: Self.quiet)
        }
    }

    /// See ``Store/AccountStore/deleteAccount(named:)``.
    public func deleteAccount(named name: String) async throws {
        try await transaction { connection in
            try await connection.query("DELETE FROM account_session WHERE account = \(name)", logger: Self.quiet)
            let deleted = try await connection.query("DELETE FROM account WHERE name = \(name) RETURNING name", logger: Self.quiet).collect()
            guard !deleted.isEmpty else { throw StoreError(code: .notFound) }
        }
    }

    /// See ``Store/AccountStore/account(named:)``.
    public func account(named name: String) async throws -> Account? {
        try await rows("SELECT name, role, password_hash, created_at, updated_at FROM account WHERE name = \(name)").first.map(Self.account)
    }

    /// See ``Store/AccountStore/accounts()``.
    public func accounts() async throws -> [Account] {
        try await rows("SELECT name, role, password_hash, created_at, updated_at FROM account ORDER BY name").map(Self.account)
    }

    /// See ``Store/AccountStore/createSession(_:)``.
    public func createSession(_ session: AccountSession) async throws {
        let inserted = try await rows(
            """
            INSERT INTO account_session (token_hash, account, created_at, expires_at)
            SELECT \(session.tokenHash), name, \(Timestamp(session.createdAt)), \(Timestamp(session.expiresAt))
            FROM account WHERE name = \(session.account)
            RETURNING token_hash
            """)
        guard !inserted.isEmpty else { throw StoreError(code: .notFound) }
    }

    /// See ``Store/AccountStore/session(tokenHash:now:)``.
    public func session(tokenHash: String, now: Date) async throws -> (session: AccountSession, account: Account)? {
        guard
            let row = try await rows(
                """
                SELECT a.name, a.role, a.password_hash, a.created_at, a.updated_at, s.created_at, s.expires_at
                FROM account_session s JOIN account a ON a.name = s.account
                WHERE s.token_hash = \(tokenHash) AND s.expires_at > \(Timestamp(now))
                """
            ).first
        else { return nil }
        let (name, role, hash, created, updated, sessionCreated, expires) = try row.decode(
            (String, String, String, Timestamp, Timestamp, Timestamp, Timestamp).self)
        let account = Account(name: name, role: role, passwordHash: hash, createdAt: created.date, updatedAt: updated.date)
        return (AccountSession(tokenHash: tokenHash, account: name, createdAt: sessionCreated.date, expiresAt: expires.date), account)
    }

    /// See ``Store/AccountStore/deleteSession(tokenHash:)``.
    @discardableResult
    public func deleteSession(tokenHash: String) async throws -> Bool {
        !(try await rows("DELETE FROM account_session WHERE token_hash = \(tokenHash) RETURNING token_hash")).isEmpty
    }

    /// See ``Store/AccountStore/deleteExpiredSessions(now:)``.
    @discardableResult
    public func deleteExpiredSessions(now: Date) async throws -> Int {
        try await rows("DELETE FROM account_session WHERE expires_at <= \(Timestamp(now)) RETURNING token_hash").count
    }

    static func account(_ row: PostgresRow) throws -> Account {
        let (name, role, hash, created, updated) = try row.decode((String, String, String, Timestamp, Timestamp).self)
        return Account(name: name, role: role, passwordHash: hash, createdAt: created.date, updatedAt: updated.date)
    }
}
