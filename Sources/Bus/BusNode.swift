import FHIR
public import Logging
import MLLP
public import NIOCore
public import ServiceLifecycle
public import Store

/// One running bus: a channel's listener feeds intake, the router routes what intake stored, and
/// each destination's workers deliver what the router enqueued.
///
/// ``services(onListening:)`` gives the services to run in one swift-service-lifecycle
/// `ServiceGroup`, in an order whose reverse is the right order to stop: on graceful shutdown the
/// listeners stop first (no new message is accepted; every message already read is stored and
/// acknowledged), then the router, then the workers (each finishes and records the batch it has
/// leased).
///
/// ```swift
/// let node = BusNode(configuration: configuration, store: store, logger: logger)
/// let group = ServiceGroup(services: try node.services(), gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
public struct BusNode: Sendable {
    /// What the node runs.
    public let configuration: BusConfiguration
    /// Where it keeps messages and queues.
    public let store: any MessageStore
    let logger: Logger
    /// How long idle workers and the router wait before looking at the store again.
    public var pollInterval: Duration = .seconds(1)
    /// Rung by every intake that stored a message: wakes the router.
    let incoming = Doorbell()
    /// Validates what FHIR channels receive (the R4 definitions, read once).
    let validator: Validator
    /// The mappings routes name (loaded by the caller, see ``BusConfiguration/validate(mappings:file:)``).
    public let mappings: MappingCatalog?
    /// Whether SIGHUP reloads the mappings (one handler per process).
    public var reloadsMappingsOnHangUp = true

    /// Creates a node; nothing runs until its services do.
    ///
    /// - Parameter mappings: the mappings folder, loaded; required when a route names a mapping
    ///   (without it such routes dead-letter every message).
    public init(configuration: BusConfiguration, store: any MessageStore, mappings: MappingCatalog? = nil, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.mappings = mappings
        self.logger = logger
        self.validator = Validator.standard(definitions: .r4)
    }

    /// The FHIR channels' endpoints, for the HTTP listener (the `Server` module) to serve:
    /// what they store wakes this node's router.
    public func fhirEndpoints() -> [FHIREndpoint] {
        configuration.channels.compactMap { channel in
            guard let source = channel.fhir else { return nil }
            var logger = self.logger
            logger[metadataKey: "hl7.channel"] = "\(channel.name)"
            let validator = source.definitions === Definitions.r4 ? self.validator : Validator.standard(definitions: source.definitions)
            let intake = FHIRIntake(store: store, configuration: source.intake, validator: validator, logger: logger)
            let incoming = self.incoming
            return FHIREndpoint(channel: channel.name, path: source.path, intake: intake, onStored: { incoming.ring() })
        }
    }

    /// The services of the node: destinations' workers, the router, the MLLP channels' listeners.
    /// (FHIR channels are served by the HTTP listener, from ``fhirEndpoints()``; run it after
    /// these services so that it stops first.)
    ///
    /// - Parameter onListening: called with the channel's name and address once a listener is
    ///   bound (useful with port 0).
    /// - Throws: ``MLLP/MLLPError`` when a destination's TLS set-up cannot be used.
    public func services(
        onListening: @escaping @Sendable (_ channel: String, _ address: SocketAddress) async -> Void = { _, _ in }
    ) throws -> [any Service] {
        var services: [any Service] = []
        var doorbells: [String: Doorbell] = [:]
        for destination in configuration.destinations {
            let doorbell = Doorbell()
            doorbells[destination.name] = doorbell
            var logger = self.logger
            logger[metadataKey: "bus.destination"] = "\(destination.name)"
            guard !destination.isPaused else {
                logger.notice("destination paused; its queue is kept")
                continue
            }
            var workers: [DestinationWorker] = []
            // The workers of a gateway destination share one client, and so its token.
            var shared: (any Destination)?
            if case .insuranceGateway = destination.endpoint { shared = try Self.makeDestination(destination.endpoint, logger: logger) }
            for _ in 0..<max(1, destination.concurrency) {
                let endpoint = try shared ?? Self.makeDestination(destination.endpoint, logger: logger)
                workers.append(
                    DestinationWorker(
                        name: destination.name, store: store, destination: endpoint, configuration: destination.worker, mappings: mappings,
                        logger: logger))
            }
            services.append(DeliveryService(workers: workers, doorbell: doorbell, pollInterval: pollInterval, logger: logger))
        }

        let incoming = self.incoming
        if let source = store as? any WakeUpSource {
            // Work stored by other processes wakes this node's router and workers too.
            services.append(WakeUpService(source: source, incoming: incoming, destinations: doorbells))
        }
        let routes = Dictionary(configuration.channels.map { ($0.name, $0.routes) }, uniquingKeysWith: { first, _ in first })
        let router = Router(store: store, routes: routes, mappings: mappings, logger: logger)
        services.append(RouterService(router: router, incoming: incoming, destinations: doorbells, pollInterval: pollInterval, logger: logger))
        if let mappings {
            services.append(
                MappingWatcher(
                    catalog: mappings, interval: configuration.mappings.watchInterval, reloadsOnHangUp: reloadsMappingsOnHangUp, logger: logger))
        }

        for channel in configuration.channels {
            guard let listener = channel.listener else { continue }
            var logger = self.logger
            logger[metadataKey: "hl7.channel"] = "\(channel.name)"
            let intake = Intake(store: store, configuration: channel.intake, logger: logger)
            let name = channel.name
            let server = MLLPServer(
                configuration: listener,
                logger: logger,
                onListening: { address in await onListening(name, address) },
                handler: { request in
                    let acknowledgment = await intake.handle(request, channel: name)
                    incoming.ring()
                    return acknowledgment
                }
            )
            services.append(server)
        }
        // Watched folders stop with the listeners, before the router.
        services += folderSources()
        return services
    }

    static func makeDestination(_ endpoint: DestinationConfiguration.Endpoint, logger: Logger) throws -> any Destination {
        switch endpoint {
        case .mllp(let configuration):
            return MLLPDestination(client: try MLLPClient(configuration: configuration, logger: logger))
        case .http(let configuration):
            return HTTPDestination(configuration: configuration)
        case .file(let directory):
            return FileDestination(directory: directory)
        case .insuranceGateway(let configuration):
            return InsuranceGatewayDestination(configuration: configuration, logger: logger)
        }
    }
}
