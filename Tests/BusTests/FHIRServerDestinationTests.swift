import Crypto
import FHIR
import Foundation
import Logging
import NIOHTTP1
import NationalPlatform
import Store
import Synchronization
import Testing
@testable import Bus

@Suite struct FHIRServerDestinationTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let vnCorePatient = "http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-patient"
    /// R4 and the VN Core profiles, read once.
    static let definitions: Definitions = {
        let (resources, _) = (try? Definitions.resources(inFolder: ConfigurationTests.vnCore)) ?? ([], [])
        return Definitions.r4.adding(resources: resources)
    }()
    static let narrative = #""text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}"#
    static let citizen = #""identifier":[{"system":"http://fhir.ehealth.gov.vn/core/sid/citizen_id","value":"079123456789"}]"#

    /// A Patient VN Core accepts; without `name.text` (`nameText: false`) it does not (R4 would).
    static func patient(nameText: Bool = true) -> String {
        #"{"resourceType":"Patient",\#(narrative),\#(citizen),"name":[{\#(nameText ? #""text":"Nguyễn Văn A""# : #""family":"Nguyễn""#)}],"gender":"male"}"#
    }

    static let tokenAnswer = ScriptedHTTPServer.Response(status: .ok, headers: [("Content-Type", "application/json")], body: #"{"access_token":"t1","expires_in":3600}"#)

    func lease(_ payload: String, format: MessageFormat = .fhirJSON) -> Lease {
        let now = Date()
        let entry = QueueEntry(
            id: EntryID(rawValue: 7), messageID: MessageID(rawValue: 1), destination: "platform", orderingKey: nil, state: .leased,
            enqueuedAt: now, availableAt: now, attemptCount: 0, lastError: nil, isReplay: false, replayOf: nil, replacedBy: nil)
        return Lease(entry: entry, token: 1, expiresAt: now.addingTimeInterval(60), payload: Array(payload.utf8), format: format, header: MessageHeader(controlID: "F1"))
    }

    func destination(port: Int, profiles: [String] = [vnCorePatient]) throws -> FHIRServerDestination {
        let base = try #require(URL(string: "http://127.0.0.1:\(port)"))
        let client = NationalPlatformClient.Configuration(
            url: base.appendingPathComponent("fhir"), tokenURL: base.appendingPathComponent("oauth/token"),
            credentials: PlatformCredentials(clientID: "79001", method: .secret("s")), timeout: .seconds(60))
        return FHIRServerDestination(configuration: .init(client: client, definitions: Self.definitions, profiles: profiles), logger: Self.quiet)
    }

    static func header(_ name: String, _ request: ScriptedHTTPServer.Received) -> String? {
        request.headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    @Test func validContentIsSentAsAConditionalCreateAndTheAnswerKept() async throws {
        let created = #"{"resourceType":"Patient","id":"p1"}"#
        let server = ScriptedHTTPServer(script: [Self.tokenAnswer, .init(status: .created, headers: [("Location", "Patient/p1/_history/1")], body: created)])
        try await server.run { port in
            let result = try await destination(port: port).deliver(lease(Self.patient()))
            #expect(result.verdict == .delivered, "\(result.error ?? "")")
            #expect(result.responseCode == "HTTP 201")
            #expect(result.response == Array(created.utf8))
        }
        let received = server.requests.withLock { $0 }
        #expect(received.map(\.uri) == ["/oauth/token", "/fhir/Patient"])
        #expect(Self.header("Authorization", received[1]) == "Bearer t1")
        #expect(Self.header("If-None-Exist", received[1]) == "identifier=http://fhir.ehealth.gov.vn/core/sid/citizen_id|079123456789")
    }

    @Test func theBussOwnExtensionsAreNotSent() async throws {
        let server = ScriptedHTTPServer(script: [Self.tokenAnswer, .init(status: .created, headers: [], body: #"{"resourceType":"Patient","id":"p1"}"#)])
        let patient = Self.patient().replacingOccurrences(
            of: #""gender":"male""#, with: #""gender":"male","extension":[{"url":"urn:lienthong:claims:ket-qua-dtri","valueString":"1"}]"#)
        try await server.run { port in
            let result = try await destination(port: port).deliver(lease(patient))
            #expect(result.verdict == .delivered, "\(result.error ?? "")")
        }
        let sent = try #require(server.requests.withLock { $0 }.last)
        #expect(sent.uri == "/fhir/Patient")
        let body = String(decoding: sent.body, as: UTF8.self)
        #expect(!body.contains("urn:lienthong:") && body.contains("079123456789"), "\(body)")
    }

    @Test func invalidContentIsNotSentAndBecomesADeadLetterWithTheOperationOutcome() async throws {
        let server = ScriptedHTTPServer(script: [])
        try await server.run { port in
            // R4 alone accepts it: the profile is what refuses it.
            let plain = try destination(port: port, profiles: [])
            guard case .success = plain.validated(Array(Self.patient(nameText: false).utf8), format: .fhirJSON) else {
                Issue.record("R4 should accept a name without text")
                return
            }
            let result = try await destination(port: port).deliver(lease(Self.patient(nameText: false)))
            guard case .reject(let reason) = result.verdict else {
                Issue.record("expected a dead letter, got \(result.verdict)")
                return
            }
            #expect(reason.hasPrefix("not sent, invalid FHIR content: "))
            #expect(reason.contains("Patient.name"), "\(reason)")
            let outcome = String(decoding: try #require(result.response), as: UTF8.self)
            #expect(outcome.contains(#""resourceType":"OperationOutcome""#) && outcome.contains("Patient.name"))

            // In a transaction, each entry's resource is checked against its type's profiles.
            let bundle = #"{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:0c4f5a63-7d4c-4b8e-9a53-2f2c1c0b6d11","resource":\#(Self.patient(nameText: false)),"request":{"method":"POST","url":"Patient"}}]}"#
            let inBundle = try await destination(port: port).deliver(lease(bundle))
            guard case .reject(let bundleReason) = inBundle.verdict else {
                Issue.record("expected a dead letter, got \(inBundle.verdict)")
                return
            }
            #expect(bundleReason.contains("Bundle.entry[0].resource.name"), "\(bundleReason)")

            let wrongFormat = try await destination(port: port).deliver(lease("MSH|^~\\&|", format: .hl7v2))
            #expect(wrongFormat.verdict == .reject(reason: "a FHIR server takes FHIR resources (fhir+json or fhir+xml), not hl7v2"))
        }
        #expect(server.requests.withLock { $0 }.isEmpty)
    }

    @Test func theServersAnswerDecides() async throws {
        let outcome = #"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"business-rule","diagnostics":"duplicate citizen ID"}]}"#
        let server = ScriptedHTTPServer(script: [
            Self.tokenAnswer,
            .init(status: .serviceUnavailable, headers: [("Retry-After", "9")], body: "busy"),
            .init(status: .unprocessableEntity, headers: [("Content-Type", "application/fhir+json")], body: outcome),
            .init(status: .ok, body: #"{"resourceType":"Bundle","type":"transaction-response"}"#),
        ])
        try await server.run { port in
            let destination = try destination(port: port)
            let busy = await destination.deliver(lease(Self.patient()))
            #expect(busy.verdict == .retry(reason: "HTTP 503", retryAfter: .seconds(9)))
            let rejected = await destination.deliver(lease(Self.patient()))
            #expect(rejected.verdict == .reject(reason: "rejected by the FHIR server: HTTP 422: error business-rule: duplicate citizen ID"))
            #expect(rejected.response == Array(outcome.utf8))
            let bundle = #"{"resourceType":"Bundle","type":"transaction","entry":[{"resource":\#(Self.patient())}]}"#
            let delivered = await destination.deliver(lease(bundle))
            #expect(delivered.verdict == .delivered)
            #expect(delivered.responseCode == "HTTP 200")
        }
        let received = server.requests.withLock { $0 }
        #expect(received.map(\.uri) == ["/oauth/token", "/fhir/Patient", "/fhir/Patient", "/fhir"])
        try #require(received.count == 4)
        let sent = try #require(try JSONSerialization.jsonObject(with: Data(received[3].body)) as? [String: Any])
        let request = (sent["entry"] as? [[String: Any]])?.first?["request"] as? [String: String]
        #expect(request == ["method": "POST", "url": "Patient", "ifNoneExist": "identifier=http://fhir.ehealth.gov.vn/core/sid/citizen_id|079123456789"])
    }

    // MARK: Configuration

    func load(_ yaml: String, environment: [String: String] = [:]) throws -> BusConfiguration {
        try BusConfiguration(yaml: yaml, file: "bus.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"), environment: environment)
    }

    @Test func readsTheDestinationAndMasksTheSecret() throws {
        let configuration = try load(
            """
            channels: {}
            destinations:
              platform:
                fhir-server:
                  url: https://fhir.example.vn/fhir
                  token-url: https://auth.example.vn/token
                  client-id: "79001"
                  client-secret-env: PLATFORM_SECRET
                  scope: system/*.write
                  timeout: 20s
                  ig: \(ConfigurationTests.vnCore)
                  profiles: [\(Self.vnCorePatient)]
            """, environment: ["PLATFORM_SECRET": "pf-Secret-9"])
        guard case .fhirServer(let server) = configuration.destinations.first?.endpoint else {
            Issue.record("not a fhir-server destination")
            return
        }
        #expect(server.client.url.absoluteString == "https://fhir.example.vn/fhir")
        #expect(server.client.tokenURL.absoluteString == "https://auth.example.vn/token")
        #expect(server.client.credentials.clientID == "79001")
        guard case .secret(let secret) = server.client.credentials.method else {
            Issue.record("not a secret")
            return
        }
        #expect(secret == "pf-Secret-9")
        #expect(server.client.timeout == .seconds(20))
        #expect(server.profiles == [Self.vnCorePatient])
        #expect(server.implementationGuide == ConfigurationTests.vnCore)
        let shown = configuration.effectiveYAML()
        #expect(!shown.contains("pf-Secret-9"))
        #expect(shown.contains("client-secret: \(BusConfiguration.maskedSecret)") || shown.contains("client-secret: \"\(BusConfiguration.maskedSecret)\""), "\(shown)")
        #expect(shown.contains(#"token-url: "https://auth.example.vn/token""#))
        #expect(configuration.effectiveYAML(maskingSecrets: false).contains("pf-Secret-9"))
    }

    @Test func readsAPrivateKeyAndNamesMistakes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-fhir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyFile = folder.appendingPathComponent("facility.pem")
        try P256.Signing.PrivateKey().pemRepresentation.write(to: keyFile, atomically: true, encoding: .utf8)
        let configuration = try load(
            """
            channels: {}
            destinations:
              platform:
                fhir-server: {url: "http://127.0.0.1:9/fhir", token-url: "http://127.0.0.1:9/token", client-id: c, private-key: \(keyFile.path), key-id: k1}
            """)
        guard case .fhirServer(let server) = configuration.destinations.first?.endpoint, case .privateKey(let key) = server.client.credentials.method else {
            Issue.record("not a private key")
            return
        }
        #expect(key.algorithm == "ES256" && key.keyID == "k1")
        #expect(configuration.effectiveYAML().contains("private-key: \(keyFile.path)"))
        #expect(!configuration.effectiveYAML().contains("PRIVATE KEY"))

        func failure(_ fields: String) -> ConfigurationError? {
            do {
                _ = try load("channels: {}\ndestinations:\n  p:\n    fhir-server: {\(fields)}\n")
                return nil
            } catch { return error as? ConfigurationError }
        }
        let both = failure(#"url: "http://a/fhir", token-url: "http://a/t", client-id: c, client-secret: s, private-key: x.pem"#)
        #expect(both?.message.contains("only one of client-secret, client-secret-env or private-key") == true)
        let none = failure(#"url: "http://a/fhir", token-url: "http://a/t", client-id: c"#)
        #expect(none?.key == "destinations.p.fhir-server")
        let badURL = failure(#"url: "ftp://a", token-url: "http://a/t", client-id: c, client-secret: s"#)
        #expect(badURL?.key == "destinations.p.fhir-server.url")
        let badProfile = failure(#"url: "http://a/fhir", token-url: "http://a/t", client-id: c, client-secret: s, profiles: [http://x/none]"#)
        #expect(badProfile?.message.contains("no StructureDefinition with the URL http://x/none") == true)
        let badKey = failure(#"url: "http://a/fhir", token-url: "http://a/t", client-id: c, private-key: /nonexistent/k.pem"#)
        #expect(badKey?.key == "destinations.p.fhir-server.private-key")
    }
}
