import Foundation
import InsuranceGateway
import InsuranceGatewaySimulator
import InsuranceVN
import Logging
import Store
import Synchronization
import SimulatorSupport
import Testing
@testable import Bus

@Suite struct InsuranceGatewayDestinationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("InsuranceVNTests/Fixtures")
    static let credentials = GatewayCredentials(username: "79001_BV", password: "bí-mật")
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The outpatient fixture as an envelope; `broken` makes a drug's amounts disagree.
    static func envelope(broken: Bool = false) throws -> [UInt8] {
        var documents = try [("outpatient-xml1.xml", "XML1"), ("outpatient-xml2.xml", "XML2"), ("outpatient-xml3.xml", "XML3")].map { file, table in
            try ClaimTableDocument(xml: try Data(contentsOf: fixtures.appendingPathComponent(file)), table: try #require(ClaimDefinitions.standard[table]))
        }
        if broken { try documents[1].records[0].setText("99", for: "SO_LUONG") }
        return Array(try ClaimEnvelope(facilityCode: "79001", date: try #require(ClaimDate("20240315")), documents: documents).xml())
    }

    /// A clock the test moves.
    final class TestClock: Sendable {
        let date = Mutex(Date(timeIntervalSince1970: 1_750_000_000))
        var now: @Sendable () -> Date { { self.date.withLock { $0 } } }
        func advance(_ seconds: TimeInterval) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// Stores `payloads` as messages routed to destination `gateway`, then delivers until nothing
    /// is due any more (moving the clock past each retry), at most `rounds` rounds.
    func deliver(
        _ payloads: [(bytes: [UInt8], format: MessageFormat)], to url: URL, rounds: Int = 6
    ) async throws -> (store: SQLiteStore, entries: [EntryID]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-gateway-\(UUID().uuidString)")
        let store = try SQLiteStore(configuration: .init(path: folder.appendingPathComponent("bus.sqlite").path), logger: Self.quiet)
        let clock = TestClock()
        var entries: [EntryID] = []
        for (number, payload) in payloads.enumerated() {
            let message = IncomingMessage(
                channel: "claims", raw: payload.bytes, format: payload.format, header: MessageHeader(controlID: "CLAIM\(number)"), receivedAt: clock.now())
            let id = try await store.receive(message, deduplicationWindow: .zero).messageID
            entries += try await store.route(id, entries: [RouteEntry(destination: "gateway")], now: clock.now())
        }
        let destination = InsuranceGatewayDestination(
            configuration: .init(client: .init(url: url, credentials: Self.credentials, timeout: .seconds(60))), logger: Self.quiet)
        let worker = DestinationWorker(
            name: "gateway", store: store, destination: destination,
            configuration: .init(retry: RetryPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(10), jitter: .none, maximumAttempts: 10)),
            logger: Self.quiet)
        for _ in 0..<rounds {
            try await worker.deliverDue(now: clock.now)
            clock.advance(60)
        }
        return (store, entries)
    }

    @Test func deliversAClaimAfterTwoFailuresAndKeepsTheGatewaysReply() async throws {
        let simulator = InsuranceGatewaySimulator(configuration: .init(credentials: Self.credentials), logger: Self.quiet)
        simulator.state.apply(SimulatorControl(failNext: 2))
        let (store, entries) = try await simulator.withRunning { url in
            try await deliver([(try Self.envelope(), .claimsXML)], to: url)
        }
        let id = try #require(entries.first)
        let entry = try #require(try await store.entry(id))
        #expect(entry.state == .delivered)
        let attempts = try await store.attempts(of: entry.id)
        #expect(attempts.map(\.outcome) == ["retry", "retry", "delivered"])
        #expect(attempts.prefix(2).map(\.report.responseCode) == ["HTTP 503", "HTTP 503"])
        let transaction = try #require(simulator.state.received.first?.transactionID)
        #expect(attempts.last?.report.responseCode == "maKetQua 200 maGiaoDich \(transaction)")
        #expect(attempts.last?.report.response.map { String(decoding: $0, as: UTF8.self).contains(transaction) } == true)
        // Delivered once: the failures never reached the rules.
        #expect(simulator.state.received.count == 1)
    }

    @Test func rejectedClaimsAndOtherFormatsBecomeDeadLettersWithTheReason() async throws {
        let simulator = InsuranceGatewaySimulator(configuration: .init(credentials: Self.credentials), logger: Self.quiet)
        let (store, entries) = try await simulator.withRunning { url in
            try await deliver(
                [(try Self.envelope(broken: true), .claimsXML), (Array("MSH|^~\\&|HIS".utf8), .hl7v2), (Array("<x/>".utf8), .claimsXML)], to: url)
        }
        #expect(entries.count == 3)
        let broken = try #require(try await store.entry(entries[0]))
        #expect(broken.state == .deadLettered)
        #expect(broken.lastError?.contains("rejected by the gateway") == true)
        #expect(broken.lastError?.contains("XML2.THANH_TIEN_BV.amount") == true, "\(broken.lastError ?? "")")
        #expect(try await store.attempts(of: entries[0]).map(\.report.responseCode) == ["maKetQua 100"])

        let hl7 = try #require(try await store.entry(entries[1]))
        #expect(hl7.state == .deadLettered)
        #expect(hl7.lastError?.contains("claims+xml") == true)
        let notEnvelope = try #require(try await store.entry(entries[2]))
        #expect(notEnvelope.state == .deadLettered)
        #expect(notEnvelope.lastError?.contains("not a claim envelope") == true)
        // Only the claim reached the gateway.
        #expect(simulator.state.received.count == 1)
    }

    /// An XML0 document (the outpatient visit's check-in) goes to the check-in endpoint.
    @Test func sendsAnXML0DocumentAsACheckIn() async throws {
        let summary = try ClaimTableDocument(
            xml: try Data(contentsOf: Self.fixtures.appendingPathComponent("outpatient-xml1.xml")), table: try #require(ClaimDefinitions.standard["XML1"]))
        let service = try ClaimTableDocument(
            xml: try Data(contentsOf: Self.fixtures.appendingPathComponent("outpatient-xml3.xml")), table: try #require(ClaimDefinitions.standard["XML3"]))
        let table = try #require(ClaimDefinitions.standard["XML0"])
        var record = ClaimRecord(table: table)
        for field in table.fields where !field.isRemoved {
            if let text = summary.records[0][field.name] { try record.setText(text, for: field.name) }
        }
        try record.setText("1", for: "STT")
        try record.setText(summary.records[0]["NGAY_VAO"], for: "NGAY_YL")
        try record.setText(service.records[0]["MA_DICH_VU"], for: "MA_DICH_VU")
        try record.setText(service.records[0]["TEN_DICH_VU"], for: "TEN_DICH_VU")
        let document = Array(try ClaimTableDocument(table: table, records: [record]).xml())
        guard case .checkIn(let facility) = InsuranceGatewayDestination.kind(of: Data(document)) else {
            Issue.record("an XML0 document is a check-in")
            return
        }
        #expect(facility == "79001")

        let simulator = InsuranceGatewaySimulator(configuration: .init(credentials: Self.credentials), logger: Self.quiet)
        let (store, entries) = try await simulator.withRunning { url in
            try await deliver([(document, .claimsXML)], to: url, rounds: 1)
        }
        #expect(try await store.entry(try #require(entries.first))?.state == .delivered)
        #expect(simulator.state.received.map(\.kind) == ["check-in"])
    }

    @Test func readsItsConfiguration() throws {
        let yaml = """
            channels:
              his:
                mllp: {port: 2575}
                routes: [{destination: bhxh}]
            destinations:
              bhxh:
                insurance-gateway:
                  url: https://egw.example.vn
                  username: 79001_BV
                  password-env: GATEWAY_PASSWORD
                  facility: "79001"
                  variant: "3176"
                  timeout: 20s
                retry: {maximum-attempts: unlimited}
            """
        let configuration = try BusConfiguration(yaml: yaml, file: "test.yaml", environment: ["GATEWAY_PASSWORD": "bí-mật"])
        guard case .insuranceGateway(let gateway) = configuration.destinations.first?.endpoint else {
            Issue.record("expected an insurance-gateway destination")
            return
        }
        #expect(gateway.client.url.absoluteString == "https://egw.example.vn")
        #expect(gateway.client.credentials == Self.credentials)
        #expect(gateway.client.variant == .qd3176)
        #expect(gateway.client.timeout == .seconds(20))
        #expect(gateway.facilityCode == "79001")
        #expect(!"\(gateway)".contains("bí-mật"))

        let unset = #expect(throws: ConfigurationError.self) {
            try BusConfiguration(yaml: yaml, file: "test.yaml", environment: [:])
        }
        #expect(unset?.description.contains("GATEWAY_PASSWORD") == true)
        #expect(unset?.description.contains("bí-mật") == false)
        #expect(throws: ConfigurationError.self) {
            try BusConfiguration(yaml: yaml.replacingOccurrences(of: "\"3176\"", with: "\"1234\""), file: "test.yaml", environment: ["GATEWAY_PASSWORD": "x"])
        }
        #expect(throws: ConfigurationError.self) {
            try BusConfiguration(
                yaml: yaml.replacingOccurrences(of: "password-env: GATEWAY_PASSWORD", with: "password-env: GATEWAY_PASSWORD\n      password: p"),
                file: "test.yaml", environment: ["GATEWAY_PASSWORD": "x"])
        }
    }
}
