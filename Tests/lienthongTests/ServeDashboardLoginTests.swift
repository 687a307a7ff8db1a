import Foundation
import HL7v2
import MLLP
import ProcessTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The dashboard's accounts end to end: `lienthong admin user` makes them in the store, a
/// running `lienthong serve` logs them in (session cookie), the audit log names who did what
/// from where, and serve's log (at debug level) holds neither the password nor the patient.
@Suite struct ServeDashboardLoginTests {
    static let password = "Mật khẩu của Lan 2026"

    @Test func anAccountMadeWithTheCLILogsInToARunningBus() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-serve-login-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("bus.yaml")
        try """
            store: {sqlite: {path: bus.sqlite}}
            http: {host: 127.0.0.1, port: 0}
            channels:
              his: {mllp: {port: 0}, routes: [{destination: out}]}
            destinations:
              out: {file: {directory: out}}
            """.write(to: config, atomically: true, encoding: .utf8)

        // Accounts before the bus ever ran: the store is created.
        let add = try await CommandRun(["admin", "user", "add", "lan", "--role", "operator", "--config", config.path], environment: ["LIENTHONG_PASSWORD": Self.password])
        #expect(add.status == 0, "\(add.errors)")
        let again = try await CommandRun(["admin", "user", "add", "lan", "--role", "admin", "--config", config.path], environment: ["LIENTHONG_PASSWORD": Self.password])
        #expect(again.status != 0 && again.errors.contains("exists"), "\(again.errors)")
        let short = try await CommandRun(["admin", "user", "add", "an", "--role", "viewer", "--config", config.path], environment: ["LIENTHONG_PASSWORD": "ngắn"])
        #expect(short.status != 0 && short.errors.contains("at least 10 characters"), "\(short.errors)")
        let list = try await CommandRun(["admin", "user", "list", "--config", config.path])
        #expect(list.status == 0 && list.output.hasPrefix("lan\toperator\t"), "\(list.output)")

        let serve = try Serve.start(config: config, logLevel: "debug")
        defer { serve.signal(SIGKILL) }
        let port = try await Serve.port("listening: channel his on mllp://", of: serve)
        let base = try #require(URL(string: try await Serve.address("listening: admin on http://", of: serve).replacingOccurrences(of: "/admin/reload", with: "")))
        let client = try Serve.client(port: port)
        #expect(try await client.send(try Serve.admission("LOGIN001")).code == .aa)
        await client.close()

        // The session's cookie is sent by hand: no cookie jar.
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        let session = URLSession(configuration: configuration)
        func call(_ method: String, _ path: String, cookie: String? = nil, csrf: Bool = false, body: String? = nil) async throws -> (Int, String, HTTPURLResponse?) {
            var request = URLRequest(url: try #require(URL(string: base.absoluteString + "/" + path)))
            request.httpMethod = method
            if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
            if csrf { request.setValue("1", forHTTPHeaderField: "X-LienThong-CSRF") }
            if let body {
                request.httpBody = Data(body.utf8)
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            let (data, response) = try await session.data(for: request)
            let http = response as? HTTPURLResponse
            return (http?.statusCode ?? 0, String(decoding: data, as: UTF8.self), http)
        }
        let login = #"{"username": "lan", "password": "\#(Self.password)"}"#
        #expect(try await call("POST", "api/session", body: #"{"username": "lan", "password": "not it at all"}"#).0 == 401)
        let (status, body, response) = try await call("POST", "api/session", body: login)
        #expect(status == 200 && body.contains(#""role":"operator""#), "\(body)")
        let header = try #require(response?.value(forHTTPHeaderField: "Set-Cookie"))
        let cookie = String(header.prefix { $0 != ";" })
        #expect(cookie.hasPrefix("lienthong_session=") && cookie.count > 40)

        let (found, page, _) = try await call("GET", "api/messages?controlID=LOGIN001", cookie: cookie)
        #expect(found == 200 && page.contains("LOGIN001"), "\(page)")
        #expect(try await call("GET", "api/messages/1", cookie: cookie).1.contains("NGUYEN^AN"), "an operator sees content")
        #expect(try await call("POST", "api/messages/1/replay", cookie: cookie).0 == 403, "no CSRF header")
        #expect(try await call("POST", "api/messages/1/replay", cookie: cookie, csrf: true).0 == 200)
        #expect(try await call("DELETE", "api/session", cookie: cookie, csrf: true).0 == 204)
        #expect(try await call("GET", "api/messages", cookie: cookie).0 == 401, "logged out")
        #expect(await Serve.stop(serve) == 0)

        // Who did what, from where.
        let audit = try await CommandRun(["audit", "show", "--config", config.path])
        #expect(audit.status == 0, "\(audit.errors)")
        let lines = audit.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains(" cli ") && $0.contains(" user-change ") && $0.contains("user lan") }, "\(audit.output)")
        for action in ["login-failed", "login", "view-message", "replay", "logout"] {
            #expect(lines.contains { $0.contains(" \(action) ") && $0.contains("127.0.0.1") }, "\(action) from the client's address in \(audit.output)")
        }
        #expect(try await CommandRun(["audit", "verify", "--config", config.path]).status == 0)

        // serve's log, at debug level: no password, cookie, patient name, identifier or birth date.
        let log = serve.errors
        #expect(!log.isEmpty)
        for secret in [Self.password, String(cookie.dropFirst("lienthong_session=".count)), "NGUYEN", "P1^^^BV_A", "19800101"] {
            #expect(!log.contains(secret), "\(secret) in serve's log")
        }
    }
}
