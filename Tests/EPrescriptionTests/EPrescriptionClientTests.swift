import EPrescription
import EPrescriptionSimulator
import FHIR
import Foundation
import Logging
import Synchronization
import SimulatorSupport
import Testing

@Suite struct EPrescriptionClientTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func client(
        _ url: URL, password: String = "mật-khẩu", timeout: Duration = .seconds(60), now: @escaping @Sendable () -> Date = { Date() }
    ) -> EPrescriptionClient {
        EPrescriptionClient(
            configuration: .init(url: url, username: "79001_BV", password: password, facilityCode: "79001", timeout: timeout),
            logger: quiet, now: now)
    }

    static func simulator(storage: URL? = nil) -> EPrescriptionSimulator {
        EPrescriptionSimulator(configuration: .init(username: "79001_BV", password: "mật-khẩu", storageDirectory: storage), logger: quiet)
    }

    static func prescription(_ options: PrescriptionFixtures.Options = .init()) throws -> Prescription {
        try PrescriptionBuilder(facilityCode: "79001").build(from: try PrescriptionFixtures.bundle(options))
    }

    @Test func deliversWithOneCachedTokenAndKeepsTheChecksum() async throws {
        let simulator = Self.simulator()
        let prescription = try Self.prescription()
        var other = PrescriptionFixtures.Options()
        other.groupIdentifier = "DT-2026-000999"
        let second = try Self.prescription(other)
        try await simulator.withRunning { url in
            let client = Self.client(url)
            let first = await client.submit(prescription)
            #expect(first.outcome == .delivered, "\(first)")
            #expect(first.checksum?.count == 16)
            #expect(await client.submit(second).outcome == .delivered)
        }
        #expect(simulator.state.statistics.logins == 1)
        #expect(simulator.state.received.map(\.code) == [prescription.code, second.code])
    }

    @Test func refusedTokenIsRenewedOnce() async throws {
        let simulator = Self.simulator()
        let prescription = try Self.prescription()
        try await simulator.withRunning { url in
            let client = Self.client(url)
            #expect(await client.submit(prescription).outcome == .delivered)
            simulator.state.apply(EPrescriptionSimulatorControl(expireTokens: true))
            let again = await client.submit(prescription)
            #expect(again.outcome == .delivered, "\(again)")
        }
        let statistics = simulator.state.statistics
        #expect(statistics.logins == 2)
        #expect(statistics.unauthorized == 1)
        #expect(statistics.duplicates == 1)
        #expect(statistics.accepted == 1)
    }

    @Test func tokenIsRenewedWhenItsLifetimeRunsOut() async throws {
        let simulator = Self.simulator()
        let clock = Mutex(Date(timeIntervalSince1970: 1_750_000_000))
        try await simulator.withRunning { url in
            let client = Self.client(url, now: { clock.withLock { $0 } })
            let first = try await client.token()
            clock.withLock { $0 = $0.addingTimeInterval(3500) }
            #expect(try await client.token() == first)
            clock.withLock { $0 = $0.addingTimeInterval(60) }
            #expect(try await client.token() != first)
        }
        #expect(simulator.state.statistics.logins == 2)
    }

    @Test func refusedAccountIsRetriedLater() async throws {
        let simulator = Self.simulator()
        let prescription = try Self.prescription()
        try await simulator.withRunning { url in
            let result = await Self.client(url, password: "sai").submit(prescription)
            #expect(result.outcome == .retryLater(retryAfter: nil))
            #expect(result.reason?.contains("authenticationFailed") == true)
            #expect(result.reason?.contains("sai") == false)
        }
        #expect(simulator.state.received.isEmpty)
    }

    @Test func errorsAreMappedBackToFHIRElements() async throws {
        let simulator = Self.simulator()
        var prescription = try Self.prescription()
        prescription.drugs[1].quantity = 0
        prescription.drugs[0].instructions = " "
        prescription.sex = 4
        try await simulator.withRunning { url in
            let result = await Self.client(url).submit(prescription)
            #expect(result.outcome == .rejected)
            #expect(result.httpStatus == 422)
            let mapped = Dictionary(uniqueKeysWithValues: result.errors.compactMap { error in error.element.map { (error.field, $0) } })
            #expect(mapped["thong_tin_thuoc[1].so_luong"] == "MedicationRequest[1].dispenseRequest.quantity")
            #expect(mapped["thong_tin_thuoc[0].cach_dung"] == "MedicationRequest[0].dosageInstruction[0].text")
            #expect(mapped["gioi_tinh"] == "Patient.gender")
            #expect(result.errors.count == 3)
            #expect(result.reason?.contains("MedicationRequest[1].dispenseRequest.quantity (thong_tin_thuoc[1].so_luong)") == true)
        }
        #expect(simulator.state.statistics.rejected == 1)
    }

    @Test func injectedFailuresAreRetriedThenDelivered() async throws {
        let simulator = Self.simulator()
        let prescription = try Self.prescription()
        try await simulator.withRunning { url in
            let client = Self.client(url)
            simulator.state.apply(EPrescriptionSimulatorControl(failNext: 2, status: 503))
            #expect(await client.submit(prescription).outcome == .retryLater(retryAfter: nil))
            #expect(await client.submit(prescription).outcome == .retryLater(retryAfter: nil))
            #expect(await client.submit(prescription).outcome == .delivered)
        }
        #expect(simulator.state.statistics.failed == 2)
        #expect(simulator.state.statistics.accepted == 1)
    }

    @Test func noAnswerIsRetriedLater() async throws {
        // A port nothing listens on: take one from a simulator that has stopped.
        let url = try await Self.simulator().withRunning { $0 }
        // The HTTP client keeps trying to connect until the timeout: either way, no answer.
        let result = await Self.client(url, timeout: .seconds(3)).submit(try Self.prescription())
        #expect(result.outcome == .retryLater(retryAfter: nil))
        #expect(result.httpStatus == nil)
    }

    @Test(arguments: [
        (200, #"{"checksum": "ab12"}"#, "delivered"),
        (200, #"{"thong_bao": "ok"}"#, "retry"),
        (429, "", "retry"),
        (502, "", "retry"),
        (400, "", "rejected"),
        (422, #"{"danh_sach_cac_loi": ["gioi_tinh: sai"]}"#, "rejected"),
    ])
    func classifiesAnswers(status: Int, body: String, expected: String) throws {
        let result = PrescriptionSubmission(httpStatus: status, retryAfter: nil, body: Array(body.utf8), prescription: try Self.prescription())
        switch result.outcome {
        case .delivered: #expect(expected == "delivered")
        case .retryLater: #expect(expected == "retry")
        case .rejected: #expect(expected == "rejected")
        }
        if status == 422 {
            #expect(result.errors == [PrescriptionFieldError(field: "gioi_tinh", message: "sai", element: "Patient.gender")])
        }
    }

    @Test func retryAfterIsKept() {
        let result = PrescriptionSubmission(httpStatus: 429, retryAfter: "30", body: [], prescription: nil)
        #expect(result.outcome == .retryLater(retryAfter: .seconds(30)))
    }
}
