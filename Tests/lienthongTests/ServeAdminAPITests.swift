import Bus
import Foundation
import HL7v2
import MLLP
import ProcessTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `lienthong serve` with a `security` section: the admin API on the HTTP listener answers the
/// configured tokens by role, and a reload admits a token added to the file.
@Suite struct ServeAdminAPITests {
    @Test func theAdminAPIAnswersConfiguredTokensByRole() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-serve-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let viewer = APIToken.generate()
        let admin = APIToken.generate()
        let later = APIToken.generate()
        func item(_ name: String, _ role: AdminRole, _ token: String) -> String {
            "    - {name: \(name), role: \(role.rawValue), sha256: \(APIToken(name: name, role: role, digest: APIToken.digest(of: token)).hexDigest)}"
        }
        let config = folder.appendingPathComponent("bus.yaml")
        func write(_ items: [String]) throws {
            try """
                store: {sqlite: {path: bus.sqlite}}
                http: {host: 127.0.0.1, port: 0}
                channels:
                  his: {mllp: {port: 0}, routes: [{destination: out}]}
                destinations:
                  out: {file: {directory: out}}
                security:
                  tokens:
                \(items.joined(separator: "\n"))
                """.write(to: config, atomically: true, encoding: .utf8)
        }
        try write([item("dashboard", .viewer, viewer), item("root", .admin, admin)])

        let serve = try Serve.start(config: config, logLevel: "info")
        defer { serve.signal(SIGKILL) }
        let port = try await Serve.port("listening: channel his on mllp://", of: serve)
        let base = try #require(URL(string: try await Serve.address("listening: admin on http://", of: serve).replacingOccurrences(of: "/admin/reload", with: "")))
        let client = try Serve.client(port: port)
        #expect(try await client.send(try Serve.admission("API0001")).code == .aa)
        await client.close()

        func get(_ path: String, _ token: String?) async throws -> (Int, String) {
            var request = URLRequest(url: base.appendingPathComponent(path))
            if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        func post(_ path: String, _ token: String) async throws -> Int {
            var request = URLRequest(url: base.appendingPathComponent(path))
            request.httpMethod = "POST"
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            return ((try await URLSession.shared.data(for: request)).1 as? HTTPURLResponse)?.statusCode ?? 0
        }
        #expect(try await get("api/messages", nil).0 == 401)
        let (status, page) = try await get("api/messages", viewer)
        #expect(status == 200 && page.contains("API0001") && !page.contains("NGUYEN"), "\(page)")
        #expect(try await get("api/messages/1", viewer).1.contains(#""raw""#) == false, "a viewer gets no content")
        #expect(try await get("api/messages/1", admin).1.contains("NGUYEN^AN"), "an admin does")
        #expect(try await post("api/config/reload", viewer) == 403)
        #expect(try await get("api/channels", later).0 == 401, "not configured yet")
        try write([item("dashboard", .viewer, viewer), item("root", .admin, admin), item("later", .viewer, later)])
        #expect(try await post("api/config/reload", admin) == 200)
        #expect(try await get("api/channels", later).0 == 200, "admitted by the reload")
        #expect(await Serve.stop(serve) == 0)
        #expect(!serve.errors.contains(viewer) && !serve.errors.contains(admin), "tokens are never logged")
    }
}
