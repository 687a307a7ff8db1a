import EPrescription
import EPrescriptionSimulator
import Foundation
import Logging
import Store
import Synchronization
import SimulatorSupport
import Testing
@testable import Bus

@Suite struct EPrescriptionDestinationTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A clinic prescription: `quantity` nil leaves the second drug without a dispense quantity.
    static func bundle(group: String = "DT-2026-000123", quantity: String? = "20") -> [UInt8] {
        let dispense = quantity.map { #", "dispenseRequest": {"quantity": {"value": \#($0), "unit": "viên"}}"# } ?? ""
        return Array(#"""
            {"resourceType": "Bundle", "type": "collection", "entry": [
              {"resource": {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1969-02-03",
                "identifier": [{"system": "http://fhir.ehealth.gov.vn/core/sid/citizen_id", "value": "001069002222"}],
                "name": [{"family": "Võ", "given": ["Văn", "Tâm"]}]}},
              {"resource": {"resourceType": "Practitioner", "id": "dr1", "name": [{"text": "BS. Hoàng Thu Hà"}]}},
              {"resource": {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
                "code": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/icd10", "code": "I10", "display": "Bệnh lý tăng huyết áp vô căn (nguyên phát)"}]}}},
              {"resource": {"resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order",
                "groupIdentifier": {"value": "\#(group)"}, "subject": {"reference": "Patient/p1"}, "authoredOn": "2026-11-20T08:00:00+07:00",
                "medicationCodeableConcept": {"coding": [{"code": "VN-20418-17", "display": "Amlodipin 5mg"}]},
                "dosageInstruction": [{"text": "Uống 1 viên buổi sáng"}], "dispenseRequest": {"quantity": {"value": 30, "unit": "viên"}}}},
              {"resource": {"resourceType": "MedicationRequest", "id": "mr2", "status": "active", "intent": "order",
                "groupIdentifier": {"value": "\#(group)"}, "subject": {"reference": "Patient/p1"}, "authoredOn": "2026-11-20T08:00:00+07:00",
                "medicationCodeableConcept": {"coding": [{"code": "VD-30011-18", "display": "Losartan 50mg"}]},
                "dosageInstruction": [{"text": "Uống 1 viên buổi tối"}]\#(dispense)}}
            ]}
            """#.utf8)
    }

    final class TestClock: Sendable {
        let date = Mutex(Date(timeIntervalSince1970: 1_750_000_000))
        var now: @Sendable () -> Date { { self.date.withLock { $0 } } }
        func advance(_ seconds: TimeInterval) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    func deliver(_ payloads: [(bytes: [UInt8], format: MessageFormat)], to url: URL, rounds: Int = 6) async throws -> (store: SQLiteStore, entries: [EntryID]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-eprescription-\(UUID().uuidString)")
        let store = try SQLiteStore(configuration: .init(path: folder.appendingPathComponent("bus.sqlite").path), logger: Self.quiet)
        let clock = TestClock()
        var entries: [EntryID] = []
        for (number, payload) in payloads.enumerated() {
            let message = IncomingMessage(
                channel: "fhir", raw: payload.bytes, format: payload.format, header: MessageHeader(controlID: "RX\(number)"), receivedAt: clock.now())
            let id = try await store.receive(message, deduplicationWindow: .zero).messageID
            entries += try await store.route(id, entries: [RouteEntry(destination: "donthuoc")], now: clock.now())
        }
        let destination = EPrescriptionDestination(
            configuration: .init(url: url, username: "79001_BV", password: "bí-mật", facilityCode: "79001", timeout: .seconds(60)), logger: Self.quiet)
        let worker = DestinationWorker(
            name: "donthuoc", store: store, destination: destination,
            configuration: .init(retry: RetryPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(10), jitter: .none, maximumAttempts: 10)),
            logger: Self.quiet)
        for _ in 0..<rounds {
            try await worker.deliverDue(now: clock.now)
            clock.advance(60)
        }
        return (store, entries)
    }

    static func simulator() -> EPrescriptionSimulator {
        EPrescriptionSimulator(configuration: .init(username: "79001_BV", password: "bí-mật"), logger: quiet)
    }

    @Test func deliversAfterTwoFailuresAndKeepsTheChecksum() async throws {
        let simulator = Self.simulator()
        simulator.state.apply(EPrescriptionSimulatorControl(failNext: 2))
        let (store, entries) = try await simulator.withRunning { url in
            try await deliver([(Self.bundle(), .fhirJSON)], to: url)
        }
        let id = try #require(entries.first)
        let entry = try #require(try await store.entry(id))
        #expect(entry.state == .delivered)
        let attempts = try await store.attempts(of: entry.id)
        #expect(attempts.map(\.outcome) == ["retry", "retry", "delivered"])
        let checksum = try #require(simulator.state.received.first?.checksum)
        #expect(attempts.last?.report.responseCode == "HTTP 200 checksum \(checksum)")
        #expect(simulator.state.received.count == 1)
        #expect(simulator.state.received.first?.code.hasPrefix("79001") == true)
    }

    @Test func unbuildableRejectedAndOtherFormatsBecomeDeadLetters() async throws {
        let simulator = Self.simulator()
        let (store, entries) = try await simulator.withRunning { url in
            try await deliver(
                [(Self.bundle(quantity: nil), .fhirJSON), (Self.bundle(group: "DT-2", quantity: "0.0"), .fhirJSON), (Array("MSH|^~\\&|HIS".utf8), .hl7v2)],
                to: url)
        }
        let missing = try #require(try await store.entry(entries[0]))
        #expect(missing.state == .deadLettered)
        #expect(missing.lastError?.contains("MedicationRequest[1].dispenseRequest.quantity") == true, "\(missing.lastError ?? "")")
        let zero = try #require(try await store.entry(entries[1]))
        #expect(zero.state == .deadLettered)
        #expect(zero.lastError?.contains("MedicationRequest[1].dispenseRequest.quantity.value") == true, "\(zero.lastError ?? "")")
        let wrong = try #require(try await store.entry(entries[2]))
        #expect(wrong.state == .deadLettered)
        #expect(wrong.lastError?.contains("fhir+json") == true)
        #expect(simulator.state.statistics.submissions == 0)
    }

    @Test func answersAreRecorded() {
        let delivered = EPrescriptionDestination.deliveryResult(
            PrescriptionSubmission(httpStatus: 200, retryAfter: nil, body: Array(#"{"checksum": "c0ffee"}"#.utf8), prescription: nil))
        #expect(delivered.verdict == .delivered)
        #expect(delivered.responseCode == "HTTP 200 checksum c0ffee")
        let rejected = EPrescriptionDestination.deliveryResult(
            PrescriptionSubmission(
                httpStatus: 422, retryAfter: nil, body: Array(#"{"danh_sach_cac_loi": [{"truong": "gioi_tinh", "thong_bao": "sai"}]}"#.utf8),
                prescription: nil))
        guard case .reject(let reason) = rejected.verdict else {
            Issue.record("expected a rejection")
            return
        }
        #expect(reason == "rejected by the e-prescription system: gioi_tinh: sai")
        let retried = EPrescriptionDestination.deliveryResult(PrescriptionSubmission(httpStatus: 503, retryAfter: "7", body: [], prescription: nil))
        #expect(retried.verdict == .retry(reason: "HTTP 503", retryAfter: .seconds(7)))
    }

    @Test func readsItsConfigurationAndMasksThePassword() throws {
        let yaml = """
            channels:
              his:
                mllp: {port: 2575}
                routes: [{destination: donthuoc}]
            destinations:
              donthuoc:
                e-prescription:
                  url: https://donthuoc.example.vn
                  username: 79001_BV
                  password-env: DONTHUOC_PASSWORD
                  facility: "79001"
                  timeout: 20s
            """
        let configuration = try BusConfiguration(yaml: yaml, file: "test.yaml", environment: ["DONTHUOC_PASSWORD": "bí-mật-9"])
        guard case .ePrescription(let settings) = configuration.destinations.first?.endpoint else {
            Issue.record("expected an e-prescription destination")
            return
        }
        #expect(settings.url.absoluteString == "https://donthuoc.example.vn")
        #expect(settings.username == "79001_BV")
        #expect(settings.password == "bí-mật-9")
        #expect(settings.facilityCode == "79001")
        #expect(settings.timeout == .seconds(20))
        #expect(!"\(settings)".contains("bí-mật-9"))

        let shown = configuration.effectiveYAML()
        #expect(shown.contains("e-prescription:"))
        #expect(shown.contains("facility: \"79001\"") || shown.contains("facility: 79001"))
        #expect(!shown.contains("bí-mật-9"))
        #expect(shown.contains(BusConfiguration.maskedSecret))
        let unmasked = try BusConfiguration(yaml: configuration.effectiveYAML(maskingSecrets: false), file: "again.yaml", environment: [:])
        guard case .ePrescription(let again) = unmasked.destinations.first?.endpoint else {
            Issue.record("config show does not read back")
            return
        }
        #expect(again.password == "bí-mật-9")
        #expect(again.facilityCode == "79001")

        let unset = #expect(throws: ConfigurationError.self) { try BusConfiguration(yaml: yaml, file: "test.yaml", environment: [:]) }
        #expect(unset?.description.contains("DONTHUOC_PASSWORD") == true)
        let short = #expect(throws: ConfigurationError.self) {
            try BusConfiguration(yaml: yaml.replacingOccurrences(of: "\"79001\"", with: "\"7900\""), file: "test.yaml", environment: ["DONTHUOC_PASSWORD": "x"])
        }
        #expect(short?.description.contains("facility") == true, "\(short?.description ?? "")")
        #expect(throws: ConfigurationError.self) {
            try BusConfiguration(yaml: yaml.replacingOccurrences(of: "timeout: 20s", with: "variant: \"4750\""), file: "test.yaml", environment: ["DONTHUOC_PASSWORD": "x"])
        }
    }
}
