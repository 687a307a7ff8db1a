import EPrescription
import Foundation
import Logging
import ProcessTesting
import Testing

/// `lienthong sim e-prescription`, run as the built executable, with the client talking to it.
@Suite struct SimEPrescriptionCommandTests {
    static let prescriptionJSON = #"""
        {"ma_don_thuoc": "79001K3T9Q2B-c", "loai_don_thuoc": "c", "ma_co_so": "79001", "ngay_gio_ke_don": "2026-11-20 09:15:30",
         "ho_ten_benh_nhan": "Nguyễn Thị Lan", "ngay_sinh_benh_nhan": "1978-04-12", "gioi_tinh": 3, "ho_ten_bac_si": "BS. Phạm Minh Đức",
         "chan_doan": [{"ma_chan_doan": "J02.9", "ten_chan_doan": "Viêm họng cấp, không đặc hiệu"}],
         "thong_tin_thuoc": [{"ma_thuoc": "VD-12345-10", "ten_thuoc": "Amoxicillin 500mg", "don_vi_tinh": "viên", "so_luong": 20,
                              "cach_dung": "Uống 1 viên/lần, ngày 2 lần"}]}
        """#

    @Test func acceptsChecksFailsOnRequestAndStores() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-sim-eprescription-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let simulator = try ChildProcess(
            try CrashTests.executable(), ["sim", "e-prescription", "--port", "0", "--username", "79001_BV", "--fail-next", "1", "--store", folder.path],
            environment: ["LIENTHONG_EPRESCRIPTION_PASSWORD": "mật-khẩu-CLI"])
        defer { simulator.signal(SIGKILL) }
        guard await simulator.eventually({ !$0.lines(prefixed: "listening: ").isEmpty }),
            let line = simulator.lines(prefixed: "listening: ").first, let url = URL(string: String(line.dropFirst("listening: ".count)))
        else {
            throw SimulatorStartError(output: simulator.output + simulator.errors)
        }
        let client = EPrescriptionClient(
            configuration: .init(url: url, username: "79001_BV", password: "mật-khẩu-CLI", facilityCode: "79001"),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let prescription = try JSONDecoder().decode(Prescription.self, from: Data(Self.prescriptionJSON.utf8))

        let failed = await client.submit(prescription)
        #expect(failed.outcome == .retryLater(retryAfter: nil))
        #expect(failed.httpStatus == 503)
        let delivered = await client.submit(prescription)
        #expect(delivered.outcome == .delivered, "\(delivered)")
        var wrong = prescription
        wrong.sex = 4
        wrong.code = "79001K3T9Q2C-c"
        let rejected = await client.submit(wrong)
        #expect(rejected.outcome == .rejected)
        #expect(rejected.errors.map(\.field) == ["gioi_tinh"])

        let stored = try Data(contentsOf: folder.appendingPathComponent("79001K3T9Q2B-c.json"))
        #expect(try JSONDecoder().decode(Prescription.self, from: stored) == prescription)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["79001K3T9Q2B-c.json"])
        simulator.signal(SIGTERM)
        #expect(await simulator.exit() == 0)
    }
}
