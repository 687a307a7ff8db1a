import ArgumentParser
import Bus
import Foundation
import Logging
import NIOCore
import Server
import ServiceLifecycle
import Store
import UnixSignals

/// `lienthong serve [--config FILE]`
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the bus: take HL7 v2 over MLLP and FHIR over HTTP, store, acknowledge, route and deliver.",
        discussion: """
            Without --config: the store is SQLite in ./data/lienthong.sqlite, the channel \
            'default' listens for MLLP on 127.0.0.1:2575, the channel 'fhir' takes FHIR at \
            http://127.0.0.1:8080/fhir, and every message they store is written to ./data/outbox/. The configuration format is described in \
            docs/CONFIGURATION.md. SIGTERM or SIGINT (Ctrl-C) stops the bus gracefully: the \
            listeners stop, every message already read is stored and acknowledged, then \
            routing and delivery stop. SIGHUP (or `lienthong config reload`) reloads the \
            configuration file and the mappings: a valid file replaces the running configuration \
            without dropping connections or queued messages, an invalid one is refused and logged.
            """
    )

    @OptionGroup var options: BusOptions

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "lienthong")
        let configuration = try options.load()
        let mappings = try options.loadMappings(configuration)
        let opened = try options.openStore(configuration, logger: logger)
        // Metrics: one Prometheus registry, scraped at GET /metrics on the HTTP listener.
        let metrics = MetricsExport()
        metrics.bootstrap()
        var node = BusNode(configuration: configuration, store: opened.store, mappings: mappings, metrics: metrics.busMetrics, logger: logger)
        // The queue gauges are read from the store every 10 s, when something can scrape them.
        if configuration.needsHTTPListener { node.queueMetricsInterval = .seconds(10) }
        if options.config != nil {
            // A reload (SIGHUP, POST /admin/reload) reads the same file again.
            let options = self.options
            node.configurationLoader = { try options.loadForReload() }
            node.configurationFile = options.config
        }
        var services = try node.services { channel, address in
            // One line per listener on standard output, for people and for scripts that start
            // the bus on port 0.
            let line = "listening: channel \(channel) on mllp://\(address.ipAddress ?? "?"):\(address.port ?? 0)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        if configuration.needsHTTPListener {
            // Last in the group, so it stops first: no request is taken once routing stops. Its
            // FHIR endpoints follow reloads; it also serves POST /admin/reload (loopback only),
            // GET /health, /ready and /metrics (docs/OPERATIONS.md).
            let node = node
            let admin = AdminRoutes(reload: { await node.reload() })
            let api = AdminAPI(
                store: node.store, configuration: { node.currentConfiguration }, reload: { actor, client in await node.reload(by: actor, client: client) })
            let operations = OperationsRoutes(readiness: { await node.readiness() }, metrics: { metrics.exposition() })
            let server = HTTPServer(
                configuration: configuration.http, endpointTable: node.fhirEndpointTable, admin: admin, api: api, operations: operations,
                allow: { node.currentConfiguration.http.allow }, metrics: node.metrics, logger: logger
            ) { host, port in
                let scheme = configuration.http.tls == nil ? "http" : "https"
                var lines = node.fhirEndpoints().map { "listening: channel \($0.channel) on \(scheme)://\(host):\(port)\($0.path)\n" }
                // Without FHIR channels, one line still gives the listener's address.
                if lines.isEmpty { lines.append("listening: admin on http://\(host):\(port)/admin/reload\n") }
                FileHandle.standardOutput.write(Data(lines.joined().utf8))
            }
            services.append(server)
        } else {
            logger.notice("no HTTP listener (no http section and no FHIR channel): /health, /ready and /metrics are not served")
        }
        // The store's own service (PostgreSQL's pool) first, so that it stops last.
        if let service = opened.service { services.insert(service, at: 0) }
        // Rows under a previous key are re-encrypted in the background (docs/SECURITY.md).
        if let rotation = opened.rotationService(logger: logger) { services.append(rotation) }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            try? opened.close()
            throw CLIError("serve: \(error)")
        }
        try opened.close()
        logger.info("stopped")
    }
}

/// `--config FILE`, shared by the commands that read the bus's configuration and store.
struct BusOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file (YAML); without it, the embedded default.")
    var config: String?

    /// The configuration, or the embedded default.
    func load() throws -> BusConfiguration {
        guard let config else { return .embeddedDefault() }
        do {
            return try BusConfiguration(contentsOf: URL(fileURLWithPath: config), name: config)
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// The configuration file read again for a reload (its errors as ``Bus/ConfigurationError``).
    func loadForReload() throws -> BusConfiguration {
        guard let config else { throw CLIError("the bus was started without --config") }
        return try BusConfiguration(contentsOf: URL(fileURLWithPath: config), name: config)
    }

    /// The mappings folder, loaded and checked against the routes, when a route names a mapping.
    func loadMappings(_ configuration: BusConfiguration) throws -> MappingCatalog? {
        guard configuration.needsMappings else { return nil }
        let catalog: MappingCatalog
        do {
            catalog = try MappingCatalog(folder: configuration.mappings.folder, claimsFacility: configuration.mappings.claimsFacility)
        } catch {
            throw CLIError("the mappings in \(configuration.mappings.folder.path) do not load:\n\(error)")
        }
        do {
            try configuration.validate(mappings: catalog, file: config ?? "the embedded configuration")
        } catch {
            throw CLIError("\(error)")
        }
        return catalog
    }

    /// Opens the configuration's store.
    func openStore(_ configuration: BusConfiguration, logger: Logger) throws -> OpenedStore {
        try OpenedStore(configuration, logger: logger)
    }
}
