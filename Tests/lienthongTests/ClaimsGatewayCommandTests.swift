import Foundation
import InsuranceVN
import ProcessTesting
import Testing

struct SimulatorStartError: Error, CustomStringConvertible {
    var output: String
    var description: String { "the simulator did not start: \(output)" }
}

/// `lienthong sim insurance-gateway`, `claims submit` and `claims check-card`, run as the built executable.
@Suite struct ClaimsGatewayCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("InsuranceVNTests/Fixtures")
    static let password = "mật-khẩu-CLI"

    /// Runs `lienthong` with `arguments` and `environment` added to this process's.
    static func run(_ arguments: [String], environment: [String: String]) async throws -> CommandRun {
        try await CommandRun(arguments, environment: environment)
    }

    /// Starts `lienthong sim insurance-gateway` on a free port; returns the process and its URL.
    static func startSimulator(_ arguments: [String]) async throws -> (ChildProcess, String) {
        let simulator = try ChildProcess(
            try CrashTests.executable(), ["sim", "insurance-gateway", "--port", "0"] + arguments,
            environment: ["LIENTHONG_GATEWAY_PASSWORD": password])
        guard await simulator.eventually({ !$0.lines(prefixed: "listening: ").isEmpty }),
            let line = simulator.lines(prefixed: "listening: ").first
        else {
            simulator.signal(SIGKILL)
            throw SimulatorStartError(output: simulator.output + simulator.errors)
        }
        return (simulator, String(line.dropFirst("listening: ".count)))
    }

    @Test func submitsAndChecksCardsAgainstTheSimulator() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-claims-gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var documents = try [("outpatient-xml1.xml", "XML1"), ("outpatient-xml2.xml", "XML2"), ("outpatient-xml3.xml", "XML3")].map { file, table in
            try ClaimTableDocument(xml: try Data(contentsOf: Self.fixtures.appendingPathComponent(file)), table: try #require(ClaimDefinitions.standard[table]))
        }
        let date = try #require(ClaimDate("20240315"))
        let good = folder.appendingPathComponent("good.xml")
        try ClaimEnvelope(facilityCode: "79001", date: date, documents: documents).xml().write(to: good)
        try documents[1].records[0].setText("99", for: "SO_LUONG")
        let broken = folder.appendingPathComponent("broken.xml")
        try ClaimEnvelope(facilityCode: "79001", date: date, documents: documents).xml().write(to: broken)
        let received = folder.appendingPathComponent("received")

        let (simulator, url) = try await Self.startSimulator(["--username", "79001_BV", "--fail-next", "1", "--store", received.path])
        defer { simulator.signal(SIGKILL) }
        let environment = ["LIENTHONG_GATEWAY_PASSWORD": Self.password]
        let gateway = ["--gateway", url, "--username", "79001_BV"]

        let unavailable = try await Self.run(["claims", "submit"] + gateway + [good.path], environment: environment)
        #expect(unavailable.status == 1)
        #expect(unavailable.output.contains("good.xml: retry later: HTTP 503"), "\(unavailable.output)\(unavailable.errors)")

        let accepted = try await Self.run(["claims", "submit"] + gateway + [good.path, broken.path], environment: environment)
        #expect(accepted.status == 1, "the broken file is rejected")
        #expect(accepted.output.contains("good.xml: accepted  maKetQua 200  maGiaoDich SIM"), "\(accepted.output)\(accepted.errors)")
        #expect(accepted.output.contains("broken.xml: rejected: maKetQua 100"))
        #expect(accepted.output.contains("XML2.THANH_TIEN_BV.amount"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: received.path).count == 2)

        let valid = try await Self.run(
            ["claims", "check-card"] + gateway + ["HT3797912345678", "--name", "Trần Thị Hồng Nhung", "--birth", "19650812"], environment: environment)
        #expect(valid.status == 0, "\(valid.output)\(valid.errors)")
        #expect(valid.output.hasPrefix("000 valid card"))
        #expect(valid.output.contains("valid from 20240101 to 20991231"))
        let wrongName = try await Self.run(
            ["claims", "check-card"] + gateway + ["HT3797912345678", "--name", "Người Khác", "--birth", "12/08/1965"], environment: environment)
        #expect(wrongName.status == 1)
        #expect(wrongName.output.hasPrefix("060 wrong name"))

        let wrongPassword = try await Self.run(["claims", "submit"] + gateway + [good.path], environment: ["LIENTHONG_GATEWAY_PASSWORD": "sai"])
        #expect(wrongPassword.status == 1)
        #expect(wrongPassword.output.contains("retry later: authenticationFailed"), "\(wrongPassword.output)")
        let noPassword = try await Self.run(["claims", "submit"] + gateway + ["--password-env", "LIENTHONG_UNSET_VARIABLE", good.path], environment: [:])
        #expect(noPassword.status != 0)
        #expect(noPassword.errors.contains("LIENTHONG_UNSET_VARIABLE"))
        for run in [unavailable, accepted, valid, wrongName, wrongPassword] {
            #expect(!run.output.contains(Self.password) && !run.errors.contains(Self.password))
        }
        _ = await Serve.stop(simulator)
    }
}
