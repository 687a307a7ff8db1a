import Foundation
import Testing
@testable import Bus

/// `lienthong config show`: the effective configuration with defaults and `${VARIABLE}`s filled
/// in, secrets masked, and readable again.
@Suite struct EffectiveYAMLTests {
    let base = URL(fileURLWithPath: "/srv/lienthong")
    let environment = [
        "DB_PASSWORD": "db-Secret-1", "ADT_TOKEN": "tok-Secret-2", "BHXH_PASSWORD": "gw-Secret-3", "HOOK_PASSWORD": "url-Secret-4",
        "LIS_HOST": "10.1.2.3",
    ]
    static let yaml = """
        store:
          postgres:
            url: postgres://bus:${DB_PASSWORD}@db.internal:5432/lienthong
        channels:
          his:
            mllp: {port: 2575}
            routes:
              - {destination: lis, message-types: [ORU^R01], ordering-key: PID-3.1, when: ["PV1-2 in (I, E)"]}
              - {destination: adt}
              - {destination: bhxh}
              - {destination: hook}
        destinations:
          lis: {mllp: {host: "${LIS_HOST}", port: 6661}}
          adt:
            http:
              url: http://127.0.0.1:8080/hl7/adt
              headers: {Authorization: "Bearer ${ADT_TOKEN}", X-Api-Key: "${ADT_TOKEN}", X-Tenant: hospital-a}
          bhxh:
            insurance-gateway: {url: "https://egw.example.vn", username: 79001_BV, password-env: BHXH_PASSWORD}
          hook:
            http: {url: "https://alerts:${HOOK_PASSWORD}@hooks.example.vn/in?channel=lab&token=${ADT_TOKEN}"}
        """

    func load(_ yaml: String) throws -> BusConfiguration {
        try BusConfiguration(yaml: yaml, file: "bus.yaml", baseDirectory: base, environment: environment)
    }

    @Test func secretsAreMaskedAndEverythingElseIsShown() throws {
        let shown = try load(Self.yaml).effectiveYAML()
        for secret in ["db-Secret-1", "tok-Secret-2", "gw-Secret-3", "url-Secret-4"] {
            #expect(!shown.contains(secret), "\(secret) is shown")
        }
        #expect(shown.contains("url: \"postgres://bus:<redacted>@db.internal:5432/lienthong?sslmode=prefer\""))
        #expect(shown.contains("Authorization: \"<redacted>\""))
        #expect(shown.contains("X-Api-Key: \"<redacted>\""))
        #expect(shown.contains("X-Tenant: hospital-a"), "not a credential header")
        #expect(shown.contains("password: \"<redacted>\""))
        #expect(shown.contains("url: \"https://alerts:<redacted>@hooks.example.vn/in?channel=lab&token=<redacted>\""))
        // Substituted, and defaults filled in.
        #expect(shown.contains("host: 10.1.2.3"))
        #expect(shown.contains("deduplication-window: 1d"))
        #expect(shown.contains("response-timeout: 30s"))
        #expect(shown.contains("maximum-attempts: 20"))
        #expect(shown.contains("folder: /srv/lienthong/mappings"))
        #expect(shown.contains("when: [\"PV1-2 in (I, E)\"]"))
    }

    @Test func unmaskedTheTextReadsBackAsTheSameConfiguration() throws {
        let configuration = try load(Self.yaml)
        let text = configuration.effectiveYAML(maskingSecrets: false)
        #expect(text.contains("gw-Secret-3"))
        let again = try BusConfiguration(yaml: text, file: "shown.yaml", baseDirectory: URL(fileURLWithPath: "/elsewhere"), environment: [:])
        // Equal but for the comments naming where each entry was read.
        func settings(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") } }
        #expect(settings(again.effectiveYAML(maskingSecrets: false)) == settings(text))
        #expect(settings(again.effectiveYAML()) == settings(configuration.effectiveYAML()))
        #expect(text.contains("  # bus.yaml:13\n  lis:\n"), "where the entry was read")
    }

    @Test func theEmbeddedDefaultIsShown() throws {
        let text = BusConfiguration.embeddedDefault(dataDirectory: URL(fileURLWithPath: "/data")).effectiveYAML()
        let again = try BusConfiguration(yaml: text, file: "shown.yaml", environment: [:])
        #expect(again.channels.map(\.name) == ["default", "fhir"])
        #expect(text.contains("path: /data/lienthong.sqlite"))
    }
}
