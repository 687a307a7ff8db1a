import ArgumentParser
import EPrescriptionSimulator
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `lienthong sim e-prescription [--host H] [--port P] [--store DIR]`
struct SimEPrescriptionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e-prescription",
        abstract: "A simulated national e-prescription system: facility login, prescription submission and checks, with failures on request.",
        discussion: """
            Speaks the protocol as docs/EPRESCRIPTION.md describes it: POST /api/v1/dang-nhap \
            (JSON username, password, ma_co_so) gives a bearer token; POST /api/v1/gui-don-thuoc \
            takes a prescription, checks it (ma_don_thuoc format and kind, required fields, date \
            formats, gioi_tinh 1-3, diagnoses, drugs, a guardian under 72 months) and answers 200 \
            with a checksum or 422 with danh_sach_cac_loi. POST /sim/control takes JSON such as \
            {"fail_next": 2, "status": 503} or {"expire_tokens": true}; GET /sim/received lists \
            the accepted codes, GET /sim/stats the counters. Prints 'listening: http://HOST:PORT' \
            when ready; stops on SIGTERM or SIGINT.
            """
    )

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port (0 picks a free one).") var port = 8140
    @Option(help: "The account the simulator accepts.") var username = "demo"
    @Option(help: "The environment variable holding the account's password (default password: demo).")
    var passwordEnv = "LIENTHONG_EPRESCRIPTION_PASSWORD"
    @Option(help: "Seconds a token lasts.") var tokenLifetime = 3600
    @Option(help: "A folder where each accepted prescription is written as <ma_don_thuoc>.json.") var store: String?
    @Option(help: "Answer the first N submissions with --fail-status.") var failNext = 0
    @Option(help: "The HTTP status of injected failures.") var failStatus = 503

    func run() async throws {
        var configuration = EPrescriptionSimulator.Configuration(
            username: username, password: ProcessInfo.processInfo.environment[passwordEnv] ?? "demo", tokenLifetime: .seconds(max(1, tokenLifetime)))
        if let store { configuration.storageDirectory = URL(fileURLWithPath: store) }
        let logger = Logger(label: "lienthong.sim", factory: { _ in SwiftLogNoOpLogHandler() })
        let simulator = EPrescriptionSimulator(configuration: configuration, logger: logger)
        simulator.state.apply(EPrescriptionSimulatorControl(failNext: failNext, status: failStatus))
        let host = self.host
        let application = simulator.application(host: host, port: port) { port in
            FileHandle.standardOutput.write(Data("listening: http://\(host):\(port)\n".utf8))
        }
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: application)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
