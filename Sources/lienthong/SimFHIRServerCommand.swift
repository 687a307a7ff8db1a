import ArgumentParser
import FHIR
import FHIRServerSimulator
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `lienthong sim fhir-server [--host H] [--port P] [--store FILE.sqlite] [--ig FOLDER]`
struct SimFHIRServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fhir-server",
        abstract: "A simulated FHIR server (the national health data platform): OAuth2 tokens, conditional creates, validation, failures on request.",
        discussion: """
            POST /oauth/token (client credentials: --client-id and the secret in \
            --client-secret-env, as HTTP Basic or form fields, or a client_assertion JWT whose iss \
            is the client id; its signature is not checked). POST /fhir takes transaction or batch \
            Bundles and answers a transaction-response Bundle (201 and a location per entry; 200 \
            and the stored resource when the entry's request.ifNoneExist matches one: no \
            duplicate); POST /fhir/TYPE takes one resource (If-None-Exist); GET /fhir/TYPE/ID. \
            Content is validated against R4, --ig and each --profile of its type: errors are \
            answered 422 with an OperationOutcome and nothing is stored. POST /sim/control takes \
            JSON such as {"failNext": 2, "failStatus": 503, "retryAfter": 1} or \
            {"expireTokens": true}; GET /sim/stats gives the counters. Prints \
            'listening: http://HOST:PORT' when ready; stops on SIGTERM or SIGINT.
            """
    )

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port (0 picks a free one).") var port = 8180
    @Option(help: "The SQLite file received resources are stored in (default: in memory).") var store: String?
    @Option(help: "An implementation guide folder (conformance resources, e.g. specs/vn-core-ig/resources).") var ig: String?
    @Option(help: "A profile URL resources of its type are validated against (repeatable).") var profile: [String] = []
    @Option(help: "The client id the simulator accepts.") var clientID = "demo"
    @Option(help: "The environment variable holding the client secret (default secret: demo).")
    var clientSecretEnv = "LIENTHONG_FHIR_CLIENT_SECRET"
    @Option(help: "Seconds a token lasts.") var tokenLifetime = 3600
    @Option(help: "Answer the first N FHIR requests with --fail-status.") var failNext = 0
    @Option(help: "The HTTP status of injected failures.") var failStatus = 503

    func run() async throws {
        var configuration = FHIRServerSimulator.Configuration(
            clientID: clientID, clientSecret: ProcessInfo.processInfo.environment[clientSecretEnv] ?? "demo",
            tokenLifetime: .seconds(max(1, tokenLifetime)))
        if let ig {
            let read = try Definitions.resources(inFolder: ig)
            if let (file, error) = read.unreadable.first { throw CLIError("\(file): \(error.message)") }
            configuration.definitions = Definitions.r4.adding(resources: read.resources)
        }
        for url in profile where configuration.definitions.structure(url: url) == nil {
            throw CLIError("no StructureDefinition with the URL \(url) is known (R4 core and --ig)")
        }
        configuration.profiles = profile
        let logger = Logger(label: "lienthong.sim", factory: { _ in SwiftLogNoOpLogHandler() })
        let simulator = FHIRServerSimulator(configuration: configuration, store: try StoredResources(path: store), logger: logger)
        simulator.state.apply(FHIRSimulatorControl(failNext: failNext, failStatus: failStatus))
        let host = self.host
        let application = simulator.application(host: host, port: port) { port in
            FileHandle.standardOutput.write(Data("listening: http://\(host):\(port)\n".utf8))
        }
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: application)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
