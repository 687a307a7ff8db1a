import Bus
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import Testing
@testable import Server

/// The dashboard's login and accounts, the statistics, and the operators' actions (discard,
/// pause, resume) of the admin API, with what they write to the audit log.
extension AdminAPITests {
    static let password = "mật-khẩu-của-lan"

    /// The `lienthong_session` cookie of a response, as a request sends it back.
    static func cookie(_ response: TestResponse) -> String? {
        guard let header = response.headers[.setCookie], header.hasPrefix("lienthong_session=") else { return nil }
        return String(header.prefix { $0 != ";" })
    }

    static func login(_ client: some TestClientProtocol, _ name: String, _ password: String) async throws -> (HTTPResponse.Status, String?) {
        try await client.execute(
            uri: "/api/session", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"username": "\#(name)", "password": "\#(password)"}"#)
        ) { response in (response.status, cookie(response)) }
    }

    @Test func loginLogoutAndTheCSRFHeader() async throws {
        try await withAPI { client, fixture in
            try await fixture.store.createAccount(
                Account(name: "lan", role: "operator", passwordHash: try PasswordHash.make(Self.password, costExponent: 10), createdAt: Self.epoch))
            #expect(try await Self.login(client, "lan", "wrong password").0 == .unauthorized)
            #expect(try await Self.login(client, "nobody", Self.password).0 == .unauthorized)
            let (status, cookie) = try await Self.login(client, "lan", Self.password)
            #expect(status == .ok)
            let session = try #require(cookie)
            try await client.execute(
                uri: "/api/session", method: .post, body: ByteBuffer(string: #"{"username": "lan", "password": "\#(Self.password)"}"#)
            ) { response in
                let header = try #require(response.headers[.setCookie])
                #expect(header.contains("HttpOnly") && header.contains("SameSite=Strict") && header.contains("Path=/"))
                let body = try Self.object(response.body)
                #expect(body["role"] as? String == "operator")
            }
            // The cookie authenticates; the store keeps its hash only.
            try await client.execute(uri: "/api/session", method: .get, headers: [.cookie: session]) { response in
                #expect(response.status == .ok)
                let body = try Self.object(response.body)
                #expect(body["user"] as? String == "lan" && body["role"] as? String == "operator" && body["kind"] as? String == "session")
            }
            let token = String(session.dropFirst("lienthong_session=".count))
            #expect(try await fixture.store.session(tokenHash: token, now: Self.epoch) == nil, "the raw token is not stored")
            #expect(try await fixture.store.session(tokenHash: AdminAPI.hash(token), now: Self.epoch) != nil)
            // An action made with the cookie needs the CSRF header.
            let uri = "/api/entries/\(fixture.deadLetter.rawValue)/replay"
            try await client.execute(uri: uri, method: .post, headers: [.cookie: session]) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("X-LienThong-CSRF"))
            }
            try await client.execute(uri: uri, method: .post, headers: [.cookie: session, AdminAPI.csrfHeader: "1"]) { response in
                #expect(response.status == .ok)
            }
            // A viewer's rights end at viewing; an unknown cookie is no login.
            try await client.execute(uri: "/api/users", method: .get, headers: [.cookie: session]) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/session", method: .get, headers: [.cookie: "lienthong_session=forged"]) { response in
                #expect(response.status == .unauthorized)
            }
            // Logout ends the session.
            try await client.execute(uri: "/api/session", method: .delete, headers: [.cookie: session, AdminAPI.csrfHeader: "1"]) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            try await client.execute(uri: "/api/session", method: .get, headers: [.cookie: session]) { response in
                #expect(response.status == .unauthorized)
            }
            let records = try await fixture.store.auditRecords(matching: AuditQuery(), after: nil, limit: 100)
            #expect(records.filter { $0.action == .loginFailed }.map(\.actor) == [.user("lan"), .user("nobody")])
            #expect(records.filter { $0.action == .login }.count == 2)
            #expect(records.filter { $0.action == .replay }.map(\.actor) == [.user("lan")])
            #expect(records.filter { $0.action == .accessDenied }.map(\.target) == ["GET /api/users"])
            #expect(records.filter { $0.action == .logout }.map(\.actor) == [.user("lan")])
            #expect(try await fixture.store.verifyAuditChain().isIntact)
        }
    }

    @Test func failedLoginsAreThrottledPerAccount() async throws {
        try await withAPI { client, fixture in
            try await fixture.store.createAccount(
                Account(name: "lan", role: "viewer", passwordHash: try PasswordHash.make(Self.password, costExponent: 10), createdAt: Self.epoch))
            for _ in 0..<LoginThrottle.limit {
                #expect(try await Self.login(client, "lan", "guess guess").0 == .unauthorized)
            }
            #expect(try await Self.login(client, "lan", Self.password).0 == .tooManyRequests, "even the right password, for a while")
            try await fixture.store.createAccount(
                Account(name: "an", role: "viewer", passwordHash: try PasswordHash.make(Self.password, costExponent: 10), createdAt: Self.epoch))
            #expect(try await Self.login(client, "an", Self.password).0 == .ok, "other accounts are not affected")
        }
    }

    @Test func adminsManageAccounts() async throws {
        try await withAPI { client, fixture in
            let admin = Self.headers(.admin)
            func call(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: uri, method: method, headers: admin, body: body.map { ByteBuffer(string: $0) }) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            #expect(try await call(.post, "/api/users", #"{"name": "lan", "role": "viewer", "password": "ngắn"}"#).0 == .badRequest, "short password")
            #expect(try await call(.post, "/api/users", #"{"name": "Lan Anh", "role": "viewer", "password": "đủ dài rồi nhé"}"#).0 == .badRequest)
            #expect(try await call(.post, "/api/users", #"{"name": "lan", "role": "root", "password": "đủ dài rồi nhé"}"#).0 == .badRequest)
            let created = try await call(.post, "/api/users", #"{"name": "lan", "role": "viewer", "password": "đủ dài rồi nhé"}"#)
            #expect(created.0 == .created)
            #expect(!created.1.contains("scrypt") && !created.1.contains("password"), "no hash in answers: \(created.1)")
            #expect(try await call(.post, "/api/users", #"{"name": "lan", "role": "admin", "password": "đủ dài rồi nhé"}"#).0 == .conflict)
            let stored = try #require(try await fixture.store.account(named: "lan"))
            #expect(stored.passwordHash.hasPrefix("scrypt$") && !stored.passwordHash.contains("đủ dài"))

            let (_, cookie) = try await Self.login(client, "lan", "đủ dài rồi nhé")
            let session = try #require(cookie)
            // A new role ends the sessions: the next login carries it.
            #expect(try await call(.put, "/api/users/lan", #"{"role": "operator"}"#).0 == .ok)
            try await client.execute(uri: "/api/session", method: .get, headers: [.cookie: session]) { response in
                #expect(response.status == .unauthorized)
            }
            let (_, second) = try await Self.login(client, "lan", "đủ dài rồi nhé")
            try await client.execute(uri: "/api/session", method: .get, headers: [.cookie: try #require(second)]) { response in
                let body = try Self.object(response.body)
                #expect(body["role"] as? String == "operator")
            }
            #expect(try await call(.put, "/api/users/lan", #"{"password": "một mật khẩu mới"}"#).0 == .ok)
            #expect(try await Self.login(client, "lan", "đủ dài rồi nhé").0 == .unauthorized, "the old password no longer works")
            #expect(try await Self.login(client, "lan", "một mật khẩu mới").0 == .ok)
            #expect(try await call(.put, "/api/users/nobody", #"{"role": "viewer"}"#).0 == .notFound)
            let list = try await call(.get, "/api/users")
            #expect(list.0 == .ok && list.1.contains(#""name":"lan""#) && !list.1.contains("scrypt"))
            #expect(try await call(.delete, "/api/users/lan").0 == .noContent)
            #expect(try await call(.delete, "/api/users/lan").0 == .notFound)
            #expect(try await Self.login(client, "lan", "một mật khẩu mới").0 == .unauthorized)
            let changes = try await fixture.store.auditRecords(matching: AuditQuery(action: .userChange), after: nil, limit: 100)
            #expect(changes.map(\.detail) == ["created, role viewer", "changed: role operator", "changed: password", "deleted"])
            #expect(changes.allSatisfy { $0.actor == .token("admin-name") && $0.target == "user lan" })
            #expect(!changes.contains { $0.detail.contains("đủ dài") || $0.detail.contains("mới") }, "no password in the log")
        }
    }

    @Test func anAdminCannotDeleteTheirOwnLogin() async throws {
        try await withAPI { client, fixture in
            try await fixture.store.createAccount(
                Account(name: "root", role: "admin", passwordHash: try PasswordHash.make(Self.password, costExponent: 10), createdAt: Self.epoch))
            let session = try #require(try await Self.login(client, "root", Self.password).1)
            try await client.execute(uri: "/api/users/root", method: .delete, headers: [.cookie: session, AdminAPI.csrfHeader: "1"]) { response in
                #expect(response.status == .conflict)
            }
        }
    }

    @Test func statisticsAndDestinationActivity() async throws {
        try await withAPI { client, fixture in
            // The fixture's clock is 90 s after its messages: both in the bucket before now's.
            try await client.execute(uri: "/api/stats?minutes=5&bucket=60", method: .get, headers: Self.headers(.viewer)) { response in
                #expect(response.status == .ok)
                let body = try Self.object(response.body)
                #expect(body["bucketSeconds"] as? Int == 60)
                let buckets = try #require(body["buckets"] as? [[String: Any]])
                #expect(buckets.count == 5)
                #expect(buckets.map { $0["received"] as? Int } .reduce(0) { $0 + ($1 ?? 0) } == 2)
                #expect(buckets.map { $0["delivered"] as? Int } .reduce(0) { $0 + ($1 ?? 0) } == 1)
                #expect(buckets.map { $0["failed"] as? Int } .reduce(0) { $0 + ($1 ?? 0) } == 1)
                let latencies = buckets.compactMap { $0["deliveryLatencyMs"] as? [String: Double] }
                #expect(latencies == [["p50": 15, "p95": 15]], "received and delivered at the epoch, in 15 ms")
            }
            for query in ["?minutes=0", "?minutes=1441", "?bucket=5", "?minutes=1440&bucket=10", "?hours=1"] {
                try await client.execute(uri: "/api/stats" + query, method: .get, headers: Self.headers(.viewer)) { response in
                    #expect(response.status == .badRequest, "\(query)")
                }
            }
            try await client.execute(uri: "/api/destinations", method: .get, headers: Self.headers(.viewer)) { response in
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
                #expect(body.map { $0["status"] as? String } == ["ok", "failing"])
                #expect(body.map { $0["deliveredLastHour"] as? Int } == [1, 0])
                #expect(body.map { $0["failedLastHour"] as? Int } == [0, 1])
                #expect(body.map { ($0["errorRate"] as? NSNumber)?.doubleValue } == [0, 1])
                #expect(body.map { $0["deadLetters"] as? Int } == [0, 1])
            }
            try await client.execute(uri: "/api/channels", method: .get, headers: Self.headers(.viewer)) { response in
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
                #expect(body.first?["receivedLastHour"] as? Int == 2 && body.first?["rejectedLastHour"] as? Int == 0)
            }
        }
    }

    @Test func operatorsDiscardPauseAndResume() async throws {
        try await withAPI { client, fixture in
            let ops = Self.headers(.operator)
            try await client.execute(uri: "/api/entries/\(fixture.deadLetter.rawValue)/discard", method: .post, headers: ops) { response in
                #expect(response.status == .ok)
                let body = try Self.object(response.body)
                #expect(body["state"] as? String == "discarded")
            }
            #expect(try await fixture.store.entry(fixture.deadLetter)?.state == .discarded)
            for id in [fixture.deadLetter.rawValue, fixture.delivered.rawValue] {
                try await client.execute(uri: "/api/entries/\(id)/discard", method: .post, headers: ops) { response in
                    #expect(response.status == .conflict, "discarded or delivered: nothing to give up")
                }
            }
            try await client.execute(uri: "/api/entries/424242/discard", method: .post, headers: ops) { response in
                #expect(response.status == .notFound)
            }

            // Paused: the queue keeps the replay, nothing is leased until resumed.
            let replay = try await fixture.store.replay(entry: fixture.delivered, now: Self.epoch)
            try await client.execute(uri: "/api/destinations/lab/pause", method: .post, headers: ops) { response in
                #expect(response.status == .ok)
                let body = try Self.object(response.body)
                #expect(body["status"] as? String == "paused" && body["paused"] as? Bool == true)
                #expect(body["pausedBy"] as? String == "token:operator-name")
            }
            #expect(try await fixture.store.lease(destination: "lab", limit: 10, duration: .seconds(30), now: Self.epoch.addingTimeInterval(100)).isEmpty)
            try await client.execute(uri: "/api/destinations/lab/resume", method: .post, headers: ops) { response in
                let body = try Self.object(response.body)
                #expect(body["paused"] as? Bool == false)
            }
            let leased = try await fixture.store.lease(destination: "lab", limit: 10, duration: .seconds(30), now: Self.epoch.addingTimeInterval(100))
            #expect(leased.map(\.entry.id) == [replay])
            try await client.execute(uri: "/api/destinations/nowhere/pause", method: .post, headers: ops) { response in
                #expect(response.status == .notFound)
            }
            let records = try await fixture.store.auditRecords(matching: AuditQuery(actor: .token("operator-name")), after: nil, limit: 100)
            #expect(records.map(\.action) == [.discard, .pauseDestination, .resumeDestination])
            #expect(records.map(\.target) == ["entry \(fixture.deadLetter.rawValue)", "destination lab", "destination lab"])
        }
    }

    @Test func contentViewsAreAudited() async throws {
        try await withAPI { client, fixture in
            for role in [AdminRole.viewer, .operator] {
                try await client.execute(uri: "/api/messages/\(fixture.routed.rawValue)", method: .get, headers: Self.headers(role)) { response in
                    #expect(response.status == .ok)
                }
            }
            let views = try await fixture.store.auditRecords(matching: AuditQuery(action: .viewMessage), after: nil, limit: 100)
            #expect(views.map(\.actor) == [.token("operator-name")], "a viewer sees no content: nothing to audit")
            #expect(views.first?.target == "message \(fixture.routed.rawValue)")
        }
    }
}
