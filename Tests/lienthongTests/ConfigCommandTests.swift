import Foundation
import Testing

/// `lienthong config check`, run as the built executable.
@Suite struct ConfigCommandTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/examples/lienthong.yaml")

    /// Runs `body` with a fresh folder, removed afterwards.
    static func withFolder(_ body: (URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(folder)
    }

    @Test func theShippedExampleIsValid() async throws {
        let result = try await CommandRun(["config", "check", Self.example.path])
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.output.contains("lienthong.yaml: valid — 2 channels, 4 routes, 3 destinations"), "\(result.output)")
    }

    /// Every configuration shipped under `docs/examples/` and `docker/`, with the secrets they
    /// read from the environment set.
    @Test func everyShippedConfigurationIsValid() async throws {
        let root = Self.example.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var files: [String] = []
        for folder in ["docs/examples", "docker"] {
            let url = root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where name.hasSuffix(".yaml") && name != "compose.yaml" {
                files.append(url.appendingPathComponent(name).path)
            }
        }
        #expect(files.count >= 4, "\(files)")
        let result = try await CommandRun(
            ["config", "check"] + files,
            environment: ["LIENTHONG_GATEWAY_PASSWORD": "test", "LIENTHONG_DB_PASSWORD": "test", "NATIONAL_PLATFORM_TOKEN": "test"])
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        for file in files {
            #expect(result.output.contains("\(file): valid"), "\(result.output)")
        }
    }

    @Test func anInvalidFileIsNamedWithLineAndKeyAndTheStatusIsOne() async throws {
        try await Self.withFolder { folder in
            let bad = folder.appendingPathComponent("bad.yaml")
            try """
                channels:
                  his:
                    mllp:
                      port: not-a-port
                    routes:
                      - destination: nowhere
                destinations:
                  archive:
                    file: {directory: out}
                """.write(to: bad, atomically: true, encoding: .utf8)
            let result = try await CommandRun(["config", "check", Self.example.path, bad.path])
            #expect(result.status == 1)
            #expect(result.output.contains("lienthong.yaml: valid"))
            #expect(result.output.contains("bad.yaml: invalid — \(bad.path):4:"), "\(result.output)")
            #expect(result.output.contains("channels.his.mllp.port"), "\(result.output)")
        }
    }

    @Test func secretsFromTheEnvironmentAreSubstitutedButNeverPrinted() async throws {
        try await Self.withFolder { folder in
            let file = folder.appendingPathComponent("gateway.yaml")
            try """
                channels:
                  his:
                    mllp: {port: 0}
                    routes: [{destination: gateway}]
                destinations:
                  gateway:
                    insurance-gateway:
                      url: http://127.0.0.1:1
                      username: ${LIENTHONG_TEST_GATEWAY_USER}
                      password: ${LIENTHONG_TEST_GATEWAY_PASSWORD}
                      facility: "79001"
                """.write(to: file, atomically: true, encoding: .utf8)
            let missing = try await CommandRun(["config", "check", file.path])
            #expect(missing.status == 1)
            #expect(missing.output.contains("LIENTHONG_TEST_GATEWAY_USER"), "\(missing.output)")
            let secret = "bí-mật-\(UUID().uuidString)"
            let result = try await CommandRun(
                ["config", "check", file.path],
                environment: ["LIENTHONG_TEST_GATEWAY_USER": "bv79001", "LIENTHONG_TEST_GATEWAY_PASSWORD": secret])
            #expect(result.status == 0, "\(result.output)\(result.errors)")
            #expect(!result.output.contains(secret) && !result.errors.contains(secret))
        }
    }

    @Test func showPrintsTheEffectiveConfigurationWithSecretsMasked() async throws {
        try await Self.withFolder { folder in
            let file = folder.appendingPathComponent("bus.yaml")
            try """
                include: channels/*.yaml
                destinations:
                  gateway:
                    insurance-gateway: {url: "http://127.0.0.1:1", username: bv79001, password: "${LIENTHONG_TEST_GATEWAY_PASSWORD}"}
                  adt:
                    http: {url: "http://127.0.0.1:2/adt", headers: {Authorization: "Bearer ${LIENTHONG_TEST_GATEWAY_PASSWORD}"}}
                """.write(to: file, atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("channels"), withIntermediateDirectories: true)
            try "channels:\n  his: {mllp: {port: 0}, routes: [{destination: gateway}, {destination: adt}]}\n"
                .write(to: folder.appendingPathComponent("channels/his.yaml"), atomically: true, encoding: .utf8)
            let secret = "bí-mật-\(UUID().uuidString)"
            let result = try await CommandRun(["config", "show", file.path], environment: ["LIENTHONG_TEST_GATEWAY_PASSWORD": secret])
            #expect(result.status == 0, "\(result.output)\(result.errors)")
            #expect(!result.output.contains(secret) && !result.errors.contains(secret))
            #expect(result.output.contains("password: \"<redacted>\""), "\(result.output)")
            #expect(result.output.contains("Authorization: \"<redacted>\""), "\(result.output)")
            #expect(result.output.contains("# \(folder.path)/channels/his.yaml:2\n  his:\n"), "\(result.output)")
            #expect(result.output.contains("idle-timeout: 5m"), "defaults filled in")

            let invalid = try await CommandRun(["config", "show", file.path])
            #expect(invalid.status == 1)
            #expect(invalid.errors.contains("LIENTHONG_TEST_GATEWAY_PASSWORD"), "\(invalid.errors)")
        }
    }
}
