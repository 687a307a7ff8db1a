import EPrescription
import EPrescriptionSimulator
import Foundation
import SimulatorSupport
import Testing

@Suite struct EPrescriptionSimulatorTests {
    /// The simulator checks what it receives, whatever the client: a hand-written prescription
    /// with each rule broken.
    @Test func checksWhatItReceives() async throws {
        let simulator = EPrescriptionClientTests.simulator()
        let good = try EPrescriptionClientTests.prescription()
        try await simulator.withRunning { url in
            let client = EPrescriptionClientTests.client(url)
            func fields(_ change: (inout Prescription) -> Void) async -> [String] {
                var prescription = good
                change(&prescription)
                return await client.submit(prescription).errors.map(\.field)
            }
            #expect(await fields { $0.code = "79001AB12C34-x" } == ["ma_don_thuoc"])
            #expect(await fields { $0.code = "79001AB12C3-c" } == ["ma_don_thuoc"])
            #expect(await fields { $0.kind = "n" } == ["loai_don_thuoc"])
            #expect(await fields { $0.prescribedAt = "20/11/2026 09:15" } == ["ngay_gio_ke_don"])
            #expect(await fields { $0.sex = 0 } == ["gioi_tinh"])
            #expect(await fields { $0.diagnoses = [] } == ["chan_doan"])
            #expect(await fields { $0.drugs[0].code = "" } == ["thong_tin_thuoc[0].ma_thuoc"])
            #expect(await fields { $0.birthDate = "2023-01-01" } == ["thong_tin_nguoi_giam_ho"])
            #expect(await fields { $0.birthDate = "2023-01-01"; $0.guardian = .init(name: "Trần Thị Mai") } == [])
        }
        #expect(simulator.state.statistics.rejected == 8)
        #expect(simulator.state.statistics.accepted == 1)
    }

    @Test func storesWhatItAccepts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eprescription-sim-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let simulator = EPrescriptionClientTests.simulator(storage: directory)
        let prescription = try EPrescriptionClientTests.prescription()
        try await simulator.withRunning { url in
            #expect(await EPrescriptionClientTests.client(url).submit(prescription).outcome == .delivered)
        }
        let stored = try Data(contentsOf: directory.appendingPathComponent(prescription.code + ".json"))
        #expect(stored == (try prescription.json()))
    }
}
