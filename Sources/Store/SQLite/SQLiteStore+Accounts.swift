public import Foundation
import GRDB

extension SQLiteStore: AccountStore {
    /// See ``AccountStore/createAccount(_:)``.
    public func createAccount(_ account: Account) async throws {
        try await writing { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM account WHERE name = ?", arguments: [account.name]) == nil else {
                throw StoreError(code: .invalidState)
            }
            try db.execute(
                sql: "INSERT INTO account (name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [account.name, account.role, account.passwordHash, account.createdAt.storeMicroseconds, account.updatedAt.storeMicroseconds])
        }
    }

    /// See ``AccountStore/updateAccount(named:role:passwordHash:now:)``.
    public func updateAccount(named name: String, role: String?, passwordHash: String?, now: Date) async throws {
        try await writing { db in
            try db.execute(
                sql: """
                    UPDATE account SET role = coalesce(?, role), password_hash = coalesce(?, password_hash), updated_at = ?
                    WHERE name = ?
                    """,
                arguments: [role, passwordHash, now.storeMicroseconds, name])
            guard db.changesCount > 0 else { throw StoreError(code: .notFound) }
            try db.execute(sql: "DELETE FROM account_session WHERE account = ?", arguments: [name])
        }
    }

    /// See ``AccountStore/deleteAccount(named:)``.
    public func deleteAccount(named name: String) async throws {
        try await writing { db in
            try db.execute(sql: "DELETE FROM account_session WHERE account = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM account WHERE name = ?", arguments: [name])
            guard db.changesCount > 0 else { throw StoreError(code: .notFound) }
        }
    }

    /// See ``AccountStore/account(named:)``.
    public func account(named name: String) async throws -> Account? {
        try await reading { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE name = ?", arguments: [name]).map(Self.account)
        }
    }

    /// See ``AccountStore/accounts()``.
    public func accounts() async throws -> [Account] {
        try await reading { db in
            try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY name").map(Self.account)
        }
    }

    /// See ``AccountStore/createSession(_:)``.
    public func createSession(_ session: AccountSession) async throws {
        try await writing { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM account WHERE name = ?", arguments: [session.account]) != nil else {
                throw StoreError(code: .notFound)
            }
            try db.execute(
                sql: "INSERT INTO account_session (token_hash, account, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [session.tokenHash, session.account, session.createdAt.storeMicroseconds, session.expiresAt.storeMicroseconds])
        }
    }

    /// See ``AccountStore/session(tokenHash:now:)``.
    public func session(tokenHash: String, now: Date) async throws -> (session: AccountSession, account: Account)? {
        try await reading { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT s.token_hash, s.created_at AS session_created_at, s.expires_at, a.*
                        FROM account_session s JOIN account a ON a.name = s.account
                        WHERE s.token_hash = ? AND s.expires_at > ?
                        """,
                    arguments: [tokenHash, now.storeMicroseconds])
            else { return nil }
            let account = Self.account(row)
            let session = AccountSession(
                tokenHash: row["token_hash"], account: account.name, createdAt: Date(storeMicroseconds: row["session_created_at"]),
                expiresAt: Date(storeMicroseconds: row["expires_at"]))
            return (session, account)
        }
    }

    /// See ``AccountStore/deleteSession(tokenHash:)``.
    @discardableResult
    public func deleteSession(tokenHash: String) async throws -> Bool {
        try await writing { db in
            try db.execute(sql: "DELETE FROM account_session WHERE token_hash = ?", arguments: [tokenHash])
            return db.changesCount > 0
        }
    }

    /// See ``AccountStore/deleteExpiredSessions(now:)``.
    @discardableResult
    public func deleteExpiredSessions(now: Date) async throws -> Int {
        try await writing { db in
            try db.execute(sql: "DELETE FROM account_session WHERE expires_at <= ?", arguments: [now.storeMicroseconds])
            return db.changesCount
        }
    }

    static func account(_ row: Row) -> Account {
        Account(
            name: row["name"], role: row["role"], passwordHash: row["password_hash"], createdAt: Date(storeMicroseconds: row["created_at"]),
            updatedAt: Date(storeMicroseconds: row["updated_at"]))
    }
}
