import Foundation
import HL7v2
import InsuranceGateway
import InsuranceGatewaySimulator
import Logging
import MLLP
import Store
import ProcessTesting
import Synchronization
import SimulatorSupport
import Testing
@testable import lienthong

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `lienthong serve` with claims routes to an `insurance-gateway` destination, against the
/// simulated gateway failing twice: the HL7 v2 messages of a visit over MLLP (ADT^A01, RDE^O11,
/// ORU^R01, ADT^A03, then the DFT^P03 a claims route builds on, merged with the others by visit
/// number) make a complete claim, submitted 503, 503, accepted; a DFT^P03 of a visit the bus has
/// no other message of is incomplete and dead-lettered with the broken rules; a visit's FHIR
/// Bundle over HTTP is accepted at once. Nothing is lost and `queue show` tells each story.
@Suite struct ClaimsGatewayEndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/InsuranceVNTests/Fixtures")
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func claimsTravelFromTheChannelsToTheGatewayWithRetries() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-claims-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let credentials = GatewayCredentials(username: "79001_BV", password: "mật-khẩu-e2e")
        let simulator = InsuranceGatewaySimulator(configuration: .init(credentials: credentials), logger: Self.quiet)
        simulator.state.apply(SimulatorControl(failNext: 2))

        try await simulator.withRunning { gateway in
            let config = folder.appendingPathComponent("bus.yaml")
            try """
                store: {sqlite: {path: bus.sqlite}}
                http: {host: 127.0.0.1, port: 0}
                mappings: {folder: \(Self.root.appendingPathComponent("mappings").path), watch: off, claims: {facility: "79001"}}
                channels:
                  his:
                    mllp: {port: 0}
                    routes: [{destination: bhxh, mapping: claims with vn-core, message-types: [DFT^P03]}]
                  emr:
                    fhir: {path: /fhir}
                    routes: [{destination: bhxh, mapping: claims}]
                destinations:
                  bhxh:
                    insurance-gateway:
                      url: \(gateway.absoluteString)
                      username: 79001_BV
                      password-env: E2E_GATEWAY_PASSWORD
                      timeout: 5s
                    retry: {initial-delay: 100ms, maximum-delay: 200ms, jitter: none, maximum-attempts: 10}
                """.write(to: config, atomically: true, encoding: .utf8)

            let serve = try Serve.start(config: config, logLevel: "info", environment: ["E2E_GATEWAY_PASSWORD": credentials.password])
            defer { serve.signal(SIGKILL) }
            let port = try await Serve.port("listening: channel his on mllp://", of: serve)
            let base = try #require(URL(string: try await Serve.address("listening: channel emr on http://", of: serve)))

            // HL7 v2 over MLLP: every message acknowledged (stored); the DFT^P03 builds the claim of
            // its visit with the visit's earlier messages. Then the DFT^P03 of a visit the bus has
            // nothing else of (another visit number and control ID).
            let client = try Serve.client(port: port)
            for file in Self.visit {
                let message = try Message([UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("hl7v2/\(file)"))))
                #expect(try await client.send(message).code == .aa, "\(file)")
            }
            let lone = try String(contentsOf: Self.fixtures.appendingPathComponent("hl7v2/visit-dft-p03.hl7"), encoding: .utf8)
                .replacingOccurrences(of: "79001.240310.000456", with: "79001.240312.000789")
                .replacingOccurrences(of: "DFT24031500031", with: "DFT24031200044")
            #expect(try await client.send(try Message(lone)).code == .aa)
            await client.close()
            let visitAccepted = await Serve.eventually { simulator.state.received.contains { $0.transactionID != nil } }
            #expect(visitAccepted, "the visit's claim reached the gateway")

            // A FHIR Bundle over HTTP: built into a valid claim and submitted.
            var request = URLRequest(url: base.appendingPathComponent("Bundle"))
            request.httpMethod = "POST"
            request.setValue("application/fhir+json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try Data(contentsOf: Self.fixtures.appendingPathComponent("fhir/outpatient-visit.json"))
            let (answer, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 202, "\(String(decoding: answer, as: UTF8.self).prefix(2000))")

            let reached = await Serve.eventually { simulator.state.received.filter { $0.transactionID != nil }.count == 2 }
            #expect(reached, "the Bundle's claim reached the gateway")
            #expect(await Serve.stop(serve) == 0)
            let logged = serve.errors
            #expect(!logged.contains(credentials.password) && !logged.contains(credentials.passwordHash))
            #expect(!logged.contains("HT3797912345678") && !logged.contains("HT2797998765432") && !logged.contains("BN0078123"), "no patient data in the log")
        }

        // The gateway: two injected failures, then the visit's claim accepted, then the Bundle's;
        // nothing else reached it.
        let received = simulator.state.received
        #expect(received.count == 2)
        #expect(received.allSatisfy { $0.resultCode == "200" && $0.transactionID != nil })
        let fromV2 = try #require(received.first)
        #expect(fromV2.tables == ["XML1", "XML2", "XML3", "XML4"], "drugs, services and the CRP result of the stay")
        let transaction = try #require(fromV2.transactionID)

        // The store: every message is accounted for; queue show tells the attempts.
        let store = try SQLiteStore.openedAsTheBus(path: folder.appendingPathComponent("bus.sqlite").path, logger: Self.quiet)
        defer { try? store.close() }
        let stored = try await store.messages(matching: MessageQuery(channel: "his"), after: nil, limit: 20)
        #expect(stored.count == Self.visit.count + 1)
        #expect(stored.filter { $0.header.messageType != "DFT" }.allSatisfy { $0.state == .filtered }, "ADT, RDE, ORU: stored, no claim of their own")
        let entries = try await store.entries(destination: "bhxh", state: nil, after: nil, limit: 10)
        #expect(entries.count == 3)
        #expect(entries.filter { $0.state == .delivered }.count == 2)
        let inspector = QueueInspector(store: store)
        let visitDFT = try #require(stored.first { $0.header.controlID == "DFT24031500031" })
        let delivered = try #require(entries.first { $0.messageID == visitDFT.id })
        #expect(delivered.state == .delivered)
        let shown = try await inspector.show(entry: delivered.id, raw: false)
        let attempts = shown.filter { $0.hasPrefix("  #") }
        #expect(attempts.count == 3, "\(shown)")
        #expect(attempts.prefix(2).allSatisfy { $0.contains("retry HTTP 503") }, "\(shown)")
        #expect(attempts.last?.contains("delivered maKetQua 200 maGiaoDich \(transaction)") == true, "\(shown)")

        // The lone DFT^P03: a dead letter whose reason names the rules its claim breaks.
        let loneDFT = try #require(stored.first { $0.header.controlID == "DFT24031200044" })
        let dead = try #require(entries.first { $0.messageID == loneDFT.id })
        #expect(dead.state == .deadLettered)
        let reason = dead.lastError ?? ""
        #expect(reason.contains("mapping claims with vn-core failed") && reason.contains("[XML1.MA_QUOCTICH.required]"), "\(reason)")
        #expect(!reason.contains("HT2797998765432") && !reason.contains("Lê Văn Đức"), "reasons name rules, never values")
    }

    /// The messages of the visit, in the order the HIS sends them.
    static let visit = ["visit-adt-a01.hl7", "visit-rde-o11.hl7", "visit-oru-r01.hl7", "visit-adt-a03.hl7", "visit-dft-p03.hl7"]
}
