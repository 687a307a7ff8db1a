import Bus
import Foundation
import HL7v2
import MLLP
import ProcessTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The web dashboard in a real browser: `lienthong serve` with an MLLP channel, a file
/// destination and the HTTP listener; an admin made with `lienthong admin user add`; a message
/// sent over MLLP. The driver (`Tests/DashboardBrowser/dashboard-driver.mjs`, Node without
/// packages) runs headless Chromium over the DevTools protocol: it logs in through the form, sees
/// the overview, finds the message by its control ID, opens it (HL7 fields named), replays it
/// from the page after the confirmation, switches to Vietnamese and logs out, with no console
/// error. The test then checks through the API that the replay was delivered. Screenshots go to
/// `.build/dashboard-screenshots/`. Skipped when Chromium or Node is missing.
@Suite struct DashboardBrowserTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Chromium's path, when installed. (Not started to probe it: a blocking start here would
    /// hold one of the test run's two cooperative threads for as long as Chromium takes under
    /// load; a Chromium that cannot start fails the test instead.)
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Node's path, from PATH.
    static let node: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin")
        .split(separator: ":").map { "\($0)/node" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(
        "headless Chromium logs in, finds a message, shows its HL7 fields and replays it",
        .enabled(
            if: chromium != nil && node != nil,
            "needs Chromium (apt-get install chromium) and Node (apt-get install nodejs); the dashboard is not checked in a browser"))
    func theDashboardFindsAndReplaysAMessage() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-dashboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let token = APIToken.generate()
        let config = folder.appendingPathComponent("bus.yaml")
        try """
            store: {sqlite: {path: bus.sqlite}}
            http: {host: 127.0.0.1, port: 0}
            channels:
              his: {mllp: {port: 0}, routes: [{destination: out}]}
            destinations:
              out: {file: {directory: out}}
            security:
              tokens:
                - {name: test, role: viewer, sha256: \(APIToken(name: "test", role: .viewer, digest: APIToken.digest(of: token)).hexDigest)}
            """.write(to: config, atomically: true, encoding: .utf8)
        let password = "pw-\(UUID().uuidString)"
        let added = try await ChildProcess.run(
            try CrashTests.executable(), ["admin", "user", "add", "ops", "--role", "admin", "--config", config.path],
            environment: ["LIENTHONG_PASSWORD": password])
        try #require(added.status == 0, "lienthong admin user add: \(added.errors)")

        let serve = try Serve.start(config: config, logLevel: "info")
        defer { serve.signal(SIGKILL) }
        let port = try await Serve.port("listening: channel his on mllp://", of: serve)
        let base = try await Serve.address("listening: admin on http://", of: serve).replacingOccurrences(of: "/admin/reload", with: "")
        let controlID = "DASH\(Int.random(in: 100_000...999_999))"
        let client = try Serve.client(port: port)
        #expect(try await client.send(try Serve.admission(controlID)).code == .aa)
        await client.close()

        let screenshots = Self.repository.appendingPathComponent(".build/dashboard-screenshots")
        try? FileManager.default.removeItem(at: screenshots)
        let driver = Self.repository.appendingPathComponent("Tests/DashboardBrowser/dashboard-driver.mjs")
        let run = try await ChildProcess.run(
            URL(fileURLWithPath: try #require(Self.node)), [driver.path],
            environment: [
                "DASHBOARD_URL": base, "DASHBOARD_USER": "ops", "DASHBOARD_PASSWORD": password, "DASHBOARD_CONTROL_ID": controlID,
                "DASHBOARD_SCREENSHOTS": screenshots.path, "CHROMIUM": try #require(Self.chromium),
            ])
        let line = try #require(run.output.split(separator: "\n").last, "the driver printed nothing: \(run.errors)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        #expect(run.status == 0 && result["ok"] as? Bool == true, "the driver failed: \(result["failure"] ?? "?") after \(result["steps"] ?? [])")
        #expect((result["consoleErrors"] as? [String]) == [], "console errors: \(result["consoleErrors"] ?? "?")")
        for name in ["1-login", "2-overview", "4-message", "6-message-vi"] {
            #expect(FileManager.default.fileExists(atPath: screenshots.appendingPathComponent("\(name).png").path), "screenshot \(name)")
        }

        // The replay made from the page: a new entry of the message, delivered by the bus.
        let replayed = try #require(result["replayedEntries"] as? [Int], "\(result)")
        try #require(replayed.count == 1, "one entry replayed: \(replayed)")
        func message() async throws -> [String: Any] {
            var search = URLRequest(url: try #require(URL(string: "\(base)/api/messages?controlID=\(controlID)")))
            search.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            let page = try #require(try JSONSerialization.jsonObject(with: try await URLSession.shared.data(for: search).0) as? [String: Any])
            let id = try #require((page["messages"] as? [[String: Any]])?.first?["id"] as? Int, "\(page)")
            var detail = URLRequest(url: try #require(URL(string: "\(base)/api/messages/\(id)")))
            detail.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            return try #require(try JSONSerialization.jsonObject(with: try await URLSession.shared.data(for: detail).0) as? [String: Any])
        }
        var states: [Int: String] = [:]
        for _ in 0..<600 {
            let entries = try await message()["entries"] as? [[String: Any]] ?? []
            states = Dictionary(entries.compactMap { entry in (entry["id"] as? Int).map { ($0, entry["state"] as? String ?? "?") } }) { a, _ in a }
            if states[replayed[0]] == "delivered" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(states.count == 2 && states[replayed[0]] == "delivered", "the replayed entry is delivered: \(states)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).filter { !$0.hasPrefix(".") }
        #expect(files.count == 2, "the file destination got the message twice: \(files)")

        #expect(await Serve.stop(serve) == 0)
        #expect(!serve.errors.contains(password) && !serve.output.contains(password), "the password is never logged")
    }
}
