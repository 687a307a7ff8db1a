import Bus
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Store

extension AdminAPI {
    /// A login request.
    struct Login: Decodable {
        var username: String
        var password: String
    }

    /// Who is logged in (or which token is used).
    struct SessionBody: Encodable {
        var user: String
        var role: String
        /// `session` (the dashboard's login) or `token`.
        var kind: String
        var expiresAt: Date?
    }

    /// An account as the API shows it (never its password hash).
    struct AccountBody: Encodable {
        var name: String
        var role: String
        var createdAt: Date
        var updatedAt: Date
    }

    /// A new account, or changes to one.
    struct AccountRequest: Decodable {
        var name: String?
        var role: String?
        var password: String?
    }

    // MARK: Sessions

    func addSessionRoutes<Context: RequestContext>(to router: Hummingbird.Router<Context>) {
        router.post("/api/session") { request, context in
            guard let accounts = store as? any AccountStore else { return Self.noAccounts }
            let body = try await request.body.collect(upTo: 16 * 1024)
            guard let login = try? JSONDecoder().decode(Login.self, from: Data(body.readableBytesView)), !login.username.isEmpty else {
                return Self.error(.badRequest, #"expected {"username": "…", "password": "…"}"#)
            }
            let time = now()
            guard throttle.allows(login.username, now: time) else {
                try await auditor?.record(
                    .loginFailed, by: .user(login.username), target: "dashboard", detail: "throttled", client: Self.client(context))
                return Self.error(.tooManyRequests, "too many failed logins for this account; try again in 15 minutes")
            }
            let account = try await accounts.account(named: login.username)
            // An unknown name costs the same scrypt check as a wrong password.
            let matches = await PasswordHash.verified(login.password, against: account?.passwordHash)
            guard let account, matches, let role = AdminRole(rawValue: account.role) else {
                throttle.fail(login.username, now: time)
                try await auditor?.record(.loginFailed, by: .user(login.username), target: "dashboard", client: Self.client(context))
                return Self.error(.unauthorized, "unknown user name or wrong password")
            }
            throttle.succeed(login.username)
            let token = APIToken.randomSecret()
            let expiresAt = time.addingTimeInterval(Self.sessionLifetime)
            try await accounts.createSession(AccountSession(tokenHash: Self.hash(token), account: account.name, createdAt: time, expiresAt: expiresAt))
            try await auditor?.record(.login, by: .user(account.name), target: "dashboard", client: Self.client(context))
            var response = Self.json(SessionBody(user: account.name, role: role.rawValue, kind: AdminCaller.Kind.session.rawValue, expiresAt: expiresAt))
            // `Secure` when the listener speaks HTTPS: the browser then never sends the cookie in clear.
            let secure = configuration().http.tls == nil ? "" : "; Secure"
            response.headers[.setCookie] =
                "\(Self.sessionCookie)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(Self.sessionLifetime))\(secure)"
            response.headers[.cacheControl] = "no-store"
            return response
        }
        router.get("/api/session") { request, context in
            try await authorized(request, context, .viewer) { caller in
                Self.json(SessionBody(user: caller.name, role: caller.role.rawValue, kind: caller.kind.rawValue, expiresAt: caller.expiresAt))
            }
        }
        router.delete("/api/session") { request, context in
            try await authorized(request, context, .viewer) { caller in
                if let hash = caller.sessionHash, let accounts = store as? any AccountStore {
                    try await accounts.deleteSession(tokenHash: hash)
                    try await audit(.logout, caller, context, target: "dashboard")
                }
                var response = Response(status: .noContent)
                response.headers[.setCookie] = "\(Self.sessionCookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
                return response
            }
        }
    }

    /// The session cookie's value in the request, if any.
    static func sessionToken(in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == sessionCookie, !parts[1].isEmpty { return String(parts[1]) }
            }
        }
        return nil
    }

    /// What the store keeps of a session token: its SHA-256, hex (as of an API token).
    static func hash(_ token: String) -> String {
        APIToken.hexDigest(of: token)
    }

    // MARK: Accounts

    func addAccountRoutes<Context: RequestContext>(to router: Hummingbird.Router<Context>) {
        router.get("/api/users") { request, context in
            try await authorized(request, context, .admin) { _ in
                guard let accounts = store as? any AccountStore else { return Self.noAccounts }
                return Self.json(try await accounts.accounts().map(Self.body))
            }
        }
        router.post("/api/users") { request, context in
            try await authorized(request, context, .admin) { caller in
                guard let accounts = store as? any AccountStore else { return Self.noAccounts }
                let body = try await request.body.collect(upTo: 16 * 1024)
                guard let change = try? JSONDecoder().decode(AccountRequest.self, from: Data(body.readableBytesView)),
                    let name = change.name, let roleName = change.role, let password = change.password
                else { return Self.error(.badRequest, #"expected {"name": "…", "role": "viewer|operator|admin", "password": "…"}"#) }
                if let problem = Self.problem(name: name) ?? Self.problem(role: roleName) ?? Self.problem(password: password) {
                    return Self.error(.badRequest, problem)
                }
                let hash = try await PasswordHash.hashed(password, costExponent: passwordCost)
                let account = Account(name: name, role: roleName, passwordHash: hash, createdAt: now())
                do {
                    try await accounts.createAccount(account)
                } catch let error as StoreError where error.code == .invalidState {
                    return Self.error(.conflict, "an account \(name) exists")
                }
                try await audit(.userChange, caller, context, target: "user \(name)", detail: "created, role \(roleName)")
                return Self.json(Self.body(account), status: .created)
            }
        }
        router.put("/api/users/{name}") { request, context in
            try await authorized(request, context, .admin) { caller in
                guard let accounts = store as? any AccountStore else { return Self.noAccounts }
                guard let name = context.parameters.get("name") else { return Self.error(.badRequest, "expected a user name") }
                let body = try await request.body.collect(upTo: 16 * 1024)
                guard let change = try? JSONDecoder().decode(AccountRequest.self, from: Data(body.readableBytesView)),
                    change.role != nil || change.password != nil
                else { return Self.error(.badRequest, #"expected {"role": "…"} and/or {"password": "…"}"#) }
                if let problem = change.role.flatMap(Self.problem(role:)) ?? change.password.flatMap(Self.problem(password:)) {
                    return Self.error(.badRequest, problem)
                }
                var hash: String?
                if let password = change.password { hash = try await PasswordHash.hashed(password, costExponent: passwordCost) }
                return try await storeAction {
                    try await accounts.updateAccount(named: name, role: change.role, passwordHash: hash, now: now())
                    let what = [change.role.map { "role \($0)" }, hash.map { _ in "password" }].compactMap { $0 }.joined(separator: ", ")
                    try await audit(.userChange, caller, context, target: "user \(name)", detail: "changed: \(what)")
                    guard let account = try await accounts.account(named: name) else { return Self.error(.notFound, "no user \(name)") }
                    return Self.json(Self.body(account))
                }
            }
        }
        router.delete("/api/users/{name}") { request, context in
            try await authorized(request, context, .admin) { caller in
                guard let accounts = store as? any AccountStore else { return Self.noAccounts }
                guard let name = context.parameters.get("name") else { return Self.error(.badRequest, "expected a user name") }
                if caller.kind == .session, caller.name == name {
                    return Self.error(.conflict, "an admin cannot delete the account they are logged in with")
                }
                return try await storeAction {
                    try await accounts.deleteAccount(named: name)
                    try await audit(.userChange, caller, context, target: "user \(name)", detail: "deleted")
                    return Response(status: .noContent)
                }
            }
        }
    }

    /// The answer of the account routes on a store that keeps no accounts.
    static var noAccounts: Response { error(.notFound, "this store keeps no accounts") }

    static func body(_ account: Account) -> AccountBody {
        AccountBody(name: account.name, role: account.role, createdAt: account.createdAt, updatedAt: account.updatedAt)
    }

    /// What is wrong with a new account's name, if anything.
    public static func problem(name: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard (1...64).contains(name.count), name.allSatisfy({ allowed.contains($0) }) else {
            return "name: 1–64 characters among a–z, 0–9, '.', '_' and '-'"
        }
        return nil
    }

    /// What is wrong with a role's name, if anything.
    public static func problem(role: String) -> String? {
        AdminRole(rawValue: role) == nil ? "role: expected viewer, operator or admin" : nil
    }

    /// What is wrong with a new password, if anything.
    public static func problem(password: String) -> String? {
        password.count < PasswordHash.minimumPasswordLength ? "password: at least \(PasswordHash.minimumPasswordLength) characters" : nil
    }
}
