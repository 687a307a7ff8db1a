import FHIR
public import Logging
import MLLP
public import NIOCore
public import ServiceLifecycle
public import Store
import Synchronization

/// One running bus: a channel's listener feeds intake, the router routes what intake stored, and
/// each destination's workers deliver what the router enqueued.
///
/// ``services(onListening:)`` gives the services to run in one swift-service-lifecycle
/// `ServiceGroup`, in an order whose reverse is the right order to stop: on graceful shutdown the
/// listeners stop first (no new message is accepted; every message already read is stored and
/// acknowledged), then the router, then the workers (each finishes and records the batch it has
/// leased).
///
/// **Hot reload.** The listeners and the destinations' workers run under two supervisors
/// (``ServiceSupervisor``), and the router reads its routes from a ``RoutingTable``, so that
/// ``reload()`` (SIGHUP, `POST /admin/reload`) can apply a new configuration as a diff — see
/// ``BusReloader``. A node without ``configurationLoader`` refuses reloads.
///
/// ```swift
/// var node = BusNode(configuration: configuration, store: store, logger: logger)
/// node.configurationLoader = { try BusConfiguration(contentsOf: file) }
/// let group = ServiceGroup(services: try node.services(), gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
public struct BusNode: Sendable {
    /// What the node runs (at start; reloads change what runs, not this value).
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
    /// Whether SIGHUP reloads the mappings — and the configuration, when the node has a
    /// ``configurationLoader`` (one SIGHUP, both reloaded). One handler per process: off in tests
    /// that run several buses.
    public var reloadsMappingsOnHangUp = true
    /// Reads the configuration again for ``reload()`` (the file `serve --config` named); `nil`:
    /// reloads are refused.
    public var configurationLoader: (@Sendable () throws -> BusConfiguration)?
    /// The configuration file's path, as the audit log's target of a reload.
    public var configurationFile: String?
    /// The FHIR channels' endpoints, for the HTTP listener (the `Server` module) to serve; a
    /// reload replaces them.
    public let fhirEndpointTable: FHIREndpointTable
    /// The reloader, once ``services(onListening:)`` made it.
    let reloader = ReloaderSlot()
    /// Where the node records what it does.
    public let metrics: BusMetrics
    /// How often the queue gauges (``BusMetrics/Name/queueDepth`` and the others) are refreshed
    /// from the store; `nil`: never (no metrics, no queries).
    public var queueMetricsInterval: Duration? = nil
    /// The configuration in use: ``configuration`` until a reload applies another.
    let applied: AppliedConfiguration

    /// Holds the configuration in use (the node is a value; its copies share it).
    final class AppliedConfiguration: Sendable {
        private let value: Mutex<BusConfiguration>
        init(_ configuration: BusConfiguration) { value = Mutex(configuration) }
        var current: BusConfiguration {
            get { value.withLock { $0 } }
            set { value.withLock { $0 = newValue } }
        }
    }

    /// The configuration in use now: the one the node started with, or the last one a reload
    /// applied (the admin API reads its destinations and tokens).
    public var currentConfiguration: BusConfiguration { applied.current }

    /// Holds the reloader ``services(onListening:)`` makes (the node is a value; its copies share it).
    final class ReloaderSlot: Sendable {
        private let value = Mutex<BusReloader?>(nil)
        func withLock<T>(_ body: (inout BusReloader?) -> T) -> T { value.withLock { body(&$0) } }
    }

    /// Creates a node; nothing runs until its services do.
    ///
    /// - Parameters:
    ///   - mappings: the mappings folder, loaded; required when a route names a mapping
    ///     (without it such routes dead-letter every message).
    ///   - metrics: where the node records what it does (nothing by default).
    public init(
        configuration: BusConfiguration, store: any MessageStore, mappings: MappingCatalog? = nil, metrics: BusMetrics = .disabled, logger: Logger
    ) {
        self.configuration = configuration
        self.applied = AppliedConfiguration(configuration)
        self.store = store
        self.mappings = mappings
        self.metrics = metrics
        self.logger = logger
        let validator = Validator.standard(definitions: .r4)
        self.validator = validator
        let incoming = self.incoming
        self.fhirEndpointTable = FHIREndpointTable(
            configuration.channels.compactMap { Self.makeEndpoint($0, store: store, validator: validator, incoming: incoming, metrics: metrics, logger: logger) })
    }

    /// The FHIR channels' endpoints in use: what they store wakes this node's router.
    public func fhirEndpoints() -> [FHIREndpoint] {
        fhirEndpointTable.endpoints
    }

    /// Reads the configuration again (``configurationLoader``) and applies it while the node
    /// runs; see ``BusReloader``. Refused before ``services(onListening:)`` runs.
    public func reload() async -> ConfigurationReload {
        await reload(by: .system, client: nil)
    }

    /// ``reload()`` on behalf of `actor` (a user of the admin API), who is named in the audit log
    /// with the client's address.
    public func reload(by actor: AuditActor, client: String?) async -> ConfigurationReload {
        guard let reloader = reloader.withLock({ $0 }) else { return .refused(["the bus is not running"]) }
        return await reloader.reload(actor: actor, client: client)
    }

    /// The services of the node: destinations' workers (under a supervisor), the router, the
    /// MLLP channels' listeners and the mappings watcher (under another).
    /// (FHIR channels are served by the HTTP listener, from ``fhirEndpointTable``; run it after
    /// these services so that it stops first.)
    ///
    /// - Parameter onListening: called with the channel's name and address once a listener is
    ///   bound (useful with port 0), also for listeners a reload starts.
    /// - Throws: ``MLLP/MLLPError`` when a destination's TLS set-up cannot be used.
    public func services(
        onListening: @escaping @Sendable (_ channel: String, _ address: SocketAddress) async -> Void = { _, _ in }
    ) throws -> [any Service] {
        var services: [any Service] = []
        let doorbells = DoorbellRegistry()
        var deliveries: [(name: String, services: [any Service])] = []
        for destination in configuration.destinations {
            guard let delivery = try makeDelivery(destination, doorbell: doorbells[destination.name], mappings: mappings) else { continue }
            deliveries.append((destination.name, [delivery]))
        }
        let deliverySupervisor = ServiceSupervisor(name: "destinations", initial: deliveries, logger: logger)
        services.append(deliverySupervisor)

        if let source = store as? any WakeUpSource {
            // Work stored by other processes wakes this node's router and workers too.
            services.append(WakeUpService(source: source, incoming: incoming, destinations: doorbells))
        }
        let routing = RoutingTable(configuration, mappings: mappings)
        services.append(
            RouterService(
                store: store, routing: routing, incoming: incoming, destinations: doorbells, pollInterval: pollInterval, metrics: metrics,
                logger: logger))
        if let queueMetricsInterval {
            services.append(QueueMetricsService(store: store, routing: routing, metrics: metrics, interval: queueMetricsInterval, logger: logger))
        }

        // One SIGHUP reloads the configuration and the mappings: the reloader traps it when the
        // node can reload its configuration, the mappings watcher otherwise.
        let reloadsOnHangUp = reloadsMappingsOnHangUp && configurationLoader != nil
        var front: [(name: String, services: [any Service])] = []
        var listeners: [String: BusReloader.Listener] = [:]
        if let watcher = makeWatcher(configuration, mappings: mappings, trapsHangUp: !reloadsOnHangUp) {
            front.append((BusReloader.watcherName, [watcher]))
        }
        for channel in configuration.channels {
            let ready = BusReloader.ListenerReady()
            let server = makeListener(channel) { name, address in
                ready.set()
                await onListening(name, address)
            }
            guard let server else { continue }
            front.append(("channel \(channel.name)", [server]))
            listeners[channel.name] = BusReloader.Listener(fingerprint: channel.fingerprint, server: server, child: nil, ready: ready)
        }
        // Watched folders stop with the listeners, before the router; a reload does not change them
        // (see ``BusReloader``: a changed folder channel needs a restart).
        for source in folderSources() {
            front.append(("folder \(source.channel)", [source]))
        }
        let frontSupervisor = ServiceSupervisor(name: "listeners", initial: front, logger: logger)

        // The children given at start, by name, for the reloader's first diff.
        let children = Dictionary((deliverySupervisor.initialChildren + frontSupervisor.initialChildren).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in Array(listeners.keys) { listeners[name]?.child = children["channel \(name)"] }
        let reloader = BusReloader(
            node: self, onListening: onListening, routing: routing, doorbells: doorbells, deliveries: deliverySupervisor, front: frontSupervisor,
            listeners: listeners, deliveryChildren: deliveries.reduce(into: [:]) { $0[$1.name] = children[$1.name] },
            watcher: children[BusReloader.watcherName], trapsHangUp: !reloadsOnHangUp)
        self.reloader.withLock { $0 = reloader }
        if reloadsOnHangUp { services.append(ReloadOnHangUpService(reloader: reloader, logger: logger)) }
        services.append(frontSupervisor)
        return services
    }

    // MARK: Building blocks (at start and by reloads)

    /// The delivery service of a destination; `nil` when it is paused.
    func makeDelivery(_ destination: DestinationConfiguration, doorbell: Doorbell, mappings: MappingCatalog?) throws -> DeliveryService? {
        var logger = self.logger
        logger[metadataKey: "bus.destination"] = "\(destination.name)"
        guard !destination.isPaused else {
            logger.notice("destination paused; its queue is kept")
            return nil
        }
        var workers: [DestinationWorker] = []
        // The workers of a gateway destination share one client, and so its token.
        var shared: (any Destination)?
        if case .insuranceGateway = destination.endpoint { shared = try Self.makeDestination(destination.endpoint, logger: logger) }
        if case .fhirServer = destination.endpoint { shared = try Self.makeDestination(destination.endpoint, logger: logger) }
        if case .ePrescription = destination.endpoint { shared = try Self.makeDestination(destination.endpoint, logger: logger) }
        for _ in 0..<max(1, destination.concurrency) {
            let endpoint = try shared ?? Self.makeDestination(destination.endpoint, logger: logger)
            workers.append(
                DestinationWorker(
                    name: destination.name, store: store, destination: endpoint, configuration: destination.worker, mappings: mappings,
                    metrics: metrics, logger: logger))
        }
        return DeliveryService(workers: workers, doorbell: doorbell, pollInterval: pollInterval, logger: logger)
    }

    /// The MLLP listener of a channel; `nil` for a FHIR channel.
    func makeListener(
        _ channel: ChannelConfiguration, onListening: @escaping @Sendable (_ channel: String, _ address: SocketAddress) async -> Void
    ) -> MLLPServer? {
        guard var listener = channel.listener else { return nil }
        var logger = self.logger
        logger[metadataKey: "hl7.channel"] = "\(channel.name)"
        let metrics = self.metrics
        let intake = Intake(store: store, configuration: channel.intake, metrics: metrics, logger: logger)
        let name = channel.name
        let incoming = self.incoming
        // The channel's allow-list in use when a connection arrives: a reload replaces it (or
        // adds one) without restarting the listener.
        let applied = self.applied
        let allow: @Sendable () -> SenderAllowList? = { applied.current.channels.first { $0.name == name }?.allow }
        listener.admission = MLLPAdmission(
            address: { address in allow()?.refusal(address: address)?.rawValue },
            certificate: { _, subject in allow()?.refusal(subject: subject)?.rawValue },
            onRefused: { _, reason in metrics.refused(channel: name, reason: SenderRefusal(rawValue: reason)) })
        return MLLPServer(
            configuration: listener,
            logger: logger,
            onListening: { address in await onListening(name, address) },
            onAnswered: { _, duration in metrics.acknowledged(channel: name, after: duration) },
            handler: { request in
                let acknowledgment = await intake.handle(request, channel: name)
                incoming.ring()
                return acknowledgment
            }
        )
    }

    /// The endpoint of a FHIR channel; `nil` for an MLLP channel.
    static func makeEndpoint(
        _ channel: ChannelConfiguration, store: any MessageStore, validator: Validator, incoming: Doorbell, metrics: BusMetrics, logger: Logger
    ) -> FHIREndpoint? {
        guard let source = channel.fhir else { return nil }
        var logger = logger
        logger[metadataKey: "hl7.channel"] = "\(channel.name)"
        let validator = source.definitions === Definitions.r4 ? validator : Validator.standard(definitions: source.definitions)
        let intake = FHIRIntake(store: store, configuration: source.intake, validator: validator, metrics: metrics, logger: logger)
        var endpoint = FHIREndpoint(channel: channel.name, path: source.path, intake: intake, onStored: { incoming.ring() })
        endpoint.allow = channel.allow
        return endpoint
    }

    /// The watcher of the mappings folder, when there are mappings.
    func makeWatcher(_ configuration: BusConfiguration, mappings: MappingCatalog?, trapsHangUp: Bool) -> MappingWatcher? {
        guard let mappings else { return nil }
        return MappingWatcher(
            catalog: mappings, interval: configuration.mappings.watchInterval, reloadsOnHangUp: trapsHangUp && reloadsMappingsOnHangUp, logger: logger)
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
        case .fhirServer(let configuration):
            return FHIRServerDestination(configuration: configuration, logger: logger)
        case .ePrescription(let configuration):
            return EPrescriptionDestination(configuration: configuration, logger: logger)
        }
    }
}
