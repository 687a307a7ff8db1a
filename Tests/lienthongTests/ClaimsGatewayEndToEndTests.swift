import Foundation
import HL7v2
import InsuranceGateway
import InsuranceGatewaySimulator
import Logging
import MLLP
import Store
import Synchronization
import Testing
@testable import lienthong

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `lienthong serve` with claims routes to an `insurance-gateway` destination, against the
/// simulated gateway failing twice: a visit's FHIR Bundle over HTTP is built into a claim and
/// submitted (503, 503, accepted), the HL7 v2 messages of a visit over MLLP are built and, as
/// the v2 maps cannot fill a complete claim, dead-lettered with the broken rules; nothing is lost
/// and `queue show` tells each story.
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
                    routes: [{destination: bhxh, mapping: claims}]
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

            let process = Process()
            process.executableURL = try CrashTests.executable()
            process.arguments = ["serve", "--config", config.path, "--log-level", "info"]
            process.environment = ProcessInfo.processInfo.environment.merging(["E2E_GATEWAY_PASSWORD": credentials.password]) { $1 }
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            let log = ServeMappingTests.Collector()
            errors.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                log.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
            try process.run()
            defer { if process.isRunning { process.terminate() } }
            var lines: [String] = []
            var text = ""
            while lines.count < 2 {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { throw CrashTestError("serve exited before listening: \(log.text.withLock { $0 })") }
                text += String(decoding: data, as: UTF8.self)
                lines = text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("listening:") }
            }
            let mllpLine = try #require(lines.first { $0.hasPrefix("listening: channel his on mllp://") })
            let port = try #require(Int(mllpLine.split(separator: ":").last ?? ""))
            let fhirLine = try #require(lines.first { $0.hasPrefix("listening: channel emr on http://") })
            let base = try #require(URL(string: String(fhirLine.split(separator: " ").last ?? "")))

            // HL7 v2 over MLLP: acknowledged (stored), then built and found incomplete.
            let client = try MLLPClient(
                configuration: .init(host: "127.0.0.1", port: port, connectTimeout: .seconds(5), responseTimeout: .seconds(10)), logger: Self.quiet)
            for file in ["visit-adt-a03.hl7", "visit-dft-p03.hl7"] {
                let message = try Message([UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("hl7v2/\(file)"))))
                #expect(try await client.send(message).code == .aa)
            }
            await client.close()

            // A FHIR Bundle over HTTP: built into a valid claim and submitted.
            var request = URLRequest(url: base.appendingPathComponent("Bundle"))
            request.httpMethod = "POST"
            request.setValue("application/fhir+json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try Data(contentsOf: Self.fixtures.appendingPathComponent("fhir/outpatient-visit.json"))
            let (answer, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 202, "\(String(decoding: answer, as: UTF8.self).prefix(2000))")

            let reached = try await ServeMappingTests().eventually { simulator.state.received.contains { $0.transactionID != nil } }
            #expect(reached, "the claim reached the gateway")
            process.terminate()
            process.waitUntilExit()
            errors.fileHandleForReading.readabilityHandler = nil
            #expect(process.terminationStatus == 0)
            let logged = log.text.withLock { $0 }
            #expect(!logged.contains(credentials.password) && !logged.contains(credentials.passwordHash))
            #expect(!logged.contains("HT3797912345678") && !logged.contains("BN0078123"), "no patient data in the log")
        }

        // The gateway: two injected failures, then the one claim accepted; nothing else reached it.
        let received = simulator.state.received
        #expect(received.count == 1)
        let accepted = try #require(received.first)
        #expect(accepted.resultCode == "200")
        #expect(accepted.tables.starts(with: ["XML1", "XML2", "XML3"]))
        let transaction = try #require(accepted.transactionID)

        // The store: every message is accounted for; queue show tells the attempts.
        let store = try SQLiteStore(configuration: .init(path: folder.appendingPathComponent("bus.sqlite").path), logger: Self.quiet)
        defer { try? store.close() }
        let entries = try await store.entries(destination: "bhxh", state: nil, after: nil, limit: 10)
        #expect(entries.count == 3)
        #expect(entries.filter { $0.state == .delivered }.count == 1)
        #expect(entries.filter { $0.state == .deadLettered }.count == 2)
        let inspector = QueueInspector(store: store)
        let delivered = try #require(entries.first { $0.state == .delivered })
        let shown = try await inspector.show(entry: delivered.id, raw: false)
        let attempts = shown.filter { $0.hasPrefix("  #") }
        #expect(attempts.count == 3, "\(shown)")
        #expect(attempts.prefix(2).allSatisfy { $0.contains("retry HTTP 503") }, "\(shown)")
        #expect(attempts.last?.contains("delivered maKetQua 200 maGiaoDich \(transaction)") == true, "\(shown)")
        for dead in entries where dead.state == .deadLettered {
            #expect(dead.lastError?.contains("mapping claims failed") == true, "\(dead.lastError ?? "")")
        }
    }
}
