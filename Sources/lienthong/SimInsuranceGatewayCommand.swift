import ArgumentParser
import Foundation
import Hummingbird
import InsuranceGateway
import InsuranceGatewaySimulator
import Logging
import ServiceLifecycle
import UnixSignals

/// `lienthong sim insurance-gateway [--port P]`
struct SimInsuranceGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insurance-gateway",
        abstract: "A simulated insurance claims gateway: tokens, claim submission, check-in and card checks, with failures on request.",
        discussion: """
            Speaks the gateway's protocol as public clients call it (docs/CLAIMS.md, "Gateway \
            simulator"): POST /api/token/take, /api/qd130/guiHoSoXmlQD4750 and …QD3176, \
            /api/qd130/checkInKcbQd4750 and …Qd3176, /api/egw/KQNhanLichSuKCB2024. Submissions are \
            read and checked with the claim validator; problems are answered with maKetQua 100 and \
            the problems in thongDiep. POST /sim/control takes JSON such as {"failNext": 2} \
            (answer 503), {"delayNext": 1, "delaySeconds": 30}, {"rejectNext": 1}, \
            {"expireTokens": true}; GET /sim/received lists what arrived, GET /sim/stats the counters. \
            Prints 'listening: http://HOST:PORT' when ready; stops on SIGTERM or SIGINT.
            """
    )

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port (0 picks a free one).") var port = 8130
    @Option(help: "The account the simulator accepts.") var username = "demo"
    @Option(help: "The environment variable holding the account's password (default password: demo).")
    var passwordEnv = "LIENTHONG_GATEWAY_PASSWORD"
    @Option(help: "Seconds a token lasts.") var tokenLifetime = 3600
    @Option(help: "A JSON file of cards for card checks (default: a few fictional cards).") var cards: String?
    @Option(help: "A folder where each received file is written.") var store: String?
    @Option(help: "Answer the first N submissions, check-ins and card checks with --fail-status.") var failNext = 0
    @Option(help: "The HTTP status of injected failures.") var failStatus = 503
    @Option(help: "Delay the first N submissions, check-ins and card checks by --delay-seconds (a timeout for a client that waits less).")
    var delayNext = 0
    @Option(help: "The injected delay, in seconds.") var delaySeconds = 0.0
    @Option(help: "Reject the first N valid submissions.") var rejectNext = 0
    @Option(help: "Answer a refused token with this HTTP status (401, or 200 with maKetQua 401).") var refusedTokenStatus = 401

    func run() async throws {
        var configuration = InsuranceGatewaySimulator.Configuration(
            credentials: GatewayCredentials(username: username, password: ProcessInfo.processInfo.environment[passwordEnv] ?? "demo"),
            tokenLifetime: .seconds(max(1, tokenLifetime)), refusedTokenStatus: refusedTokenStatus)
        if let cards {
            let input = try InputFile.read(cards)
            do {
                configuration.cards = try JSONDecoder().decode([SimulatedCard].self, from: Data(input.bytes))
            } catch {
                throw CLIError("\(input.name): not a JSON list of cards (maThe, hoTen, ngaySinh, gtTheTu, gtTheDen, maDKBD): \(error)")
            }
        }
        if let store { configuration.storageDirectory = URL(fileURLWithPath: store) }
        let logger = Logger(label: "lienthong.sim", factory: { _ in SwiftLogNoOpLogHandler() })
        let simulator = InsuranceGatewaySimulator(configuration: configuration, logger: logger)
        simulator.state.apply(
            SimulatorControl(failNext: failNext, failStatus: failStatus, delayNext: delayNext, delaySeconds: delaySeconds, rejectNext: rejectNext))
        let host = self.host
        let application = simulator.application(host: host, port: port) { port in
            FileHandle.standardOutput.write(Data("listening: http://\(host):\(port)\n".utf8))
        }
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: application)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
