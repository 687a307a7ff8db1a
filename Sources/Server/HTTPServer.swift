public import Bus
public import FHIR
import Foundation
public import Hummingbird
import HTTPTypes
import HummingbirdCore
import HummingbirdTLS
public import Logging
import MLLP
import NIOSSL
public import ServiceLifecycle

/// The bus's HTTP listener (Hummingbird): serves the FHIR channels' endpoints, and
/// `POST /admin/reload` (``AdminRoutes``) when given a reload. A service of the bus's service
/// group; on graceful shutdown it stops taking requests and finishes those in flight (each is
/// stored before it is answered). A configuration reload replaces the endpoints it serves
/// (``Bus/FHIREndpointTable``) without a restart.
///
/// With ``Bus/HTTPListenerConfiguration/tls`` it serves HTTPS (mutual TLS with client
/// certificate authorities). A sender the listener's allow-list refuses gets 403 on every path;
/// a FHIR channel's own allow-list is checked by its routes (``FHIRRoutes``).
///
/// ```swift
/// let server = HTTPServer(configuration: configuration.http, endpoints: node.fhirEndpoints(), logger: logger)
/// let group = ServiceGroup(services: try node.services() + [server], gracefulShutdownSignals: [.sigterm], logger: logger)
/// ```
public struct HTTPServer: Service {
    /// Where it listens.
    public let configuration: HTTPListenerConfiguration
    /// The FHIR channels it serves, replaced by reloads.
    public let endpointTable: FHIREndpointTable
    /// The FHIR channels it serves now.
    public var endpoints: [FHIREndpoint] { endpointTable.endpoints }
    /// `POST /admin/reload`, when set.
    let admin: AdminRoutes?
    /// `GET /health`, `/ready` and `/metrics`, when set.
    let operations: OperationsRoutes?
    /// The admin API (`/api/…`), when set.
    let api: AdminAPI?
    /// The web dashboard's files (`/dashboard/…`), served with the admin API.
    let dashboard = DashboardRoutes()
    let definitions: Definitions
    let logger: Logger
    let onListening: @Sendable (_ host: String, _ port: Int) async -> Void
    /// The listener's allow-list in use (reloads change it); `nil`: anyone.
    let allow: @Sendable () -> SenderAllowList?
    /// Counts refused requests.
    let metrics: BusMetrics

    /// Creates the listener; nothing is bound until ``run()``.
    ///
    /// - Parameter onListening: called with the bound address (the real port when configured with 0).
    public init(
        configuration: HTTPListenerConfiguration, endpoints: [FHIREndpoint], definitions: Definitions = .r4, logger: Logger,
        onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
    ) {
        self.init(configuration: configuration, endpointTable: FHIREndpointTable(endpoints), allow: nil, definitions: definitions, logger: logger, onListening: onListening)
    }

    /// Creates the listener of a bus node: its FHIR endpoints follow reloads; with `admin` it
    /// serves `POST /admin/reload`, with `api` the admin API (``AdminAPI``), with `operations`
    /// `GET /health`, `/ready` and `/metrics`.
    ///
    /// - Parameters:
    ///   - allow: the listener's allow-list in use, read on every request (`{ node.currentConfiguration.http.allow }`
    ///     follows reloads); `nil`: the configuration's.
    ///   - metrics: counts refused requests.
    ///   - onListening: called with the bound address (the real port when configured with 0).
    public init(
        configuration: HTTPListenerConfiguration, endpointTable: FHIREndpointTable, admin: AdminRoutes? = nil, api: AdminAPI? = nil,
        operations: OperationsRoutes? = nil, allow: (@Sendable () -> SenderAllowList?)? = nil, metrics: BusMetrics = .disabled,
        definitions: Definitions = .r4, logger: Logger,
        onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
    ) {
        self.configuration = configuration
        self.endpointTable = endpointTable
        self.admin = admin
        self.api = api
        self.operations = operations
        self.definitions = definitions
        self.logger = logger
        self.onListening = onListening
        let fixed = configuration.allow
        self.allow = allow ?? { fixed }
        self.metrics = metrics
    }

    /// The router with every endpoint's routes (also used by tests without a socket).
    public func router() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router()
        for endpoint in endpoints {
            FHIRRoutes(endpoint: endpoint, definitions: definitions).add(to: router)
        }
        return router
    }

    /// The routes of `endpoints`, of the administration endpoint and of the operations
    /// endpoints, as the listener serves them.
    func router(_ endpoints: [FHIREndpoint]) -> Hummingbird.Router<BusRequestContext> {
        let router = Hummingbird.Router(context: BusRequestContext.self)
        for endpoint in endpoints {
            FHIRRoutes(endpoint: endpoint, definitions: definitions).add(to: router)
        }
        admin?.add(to: router)
        api?.add(to: router)
        if api != nil { dashboard.add(to: router) }
        operations?.add(to: router)
        return router
    }

    /// The Hummingbird application (also used by tests).
    ///
    /// - Throws: when the TLS configuration cannot be used.
    public func application() throws -> some ApplicationProtocol {
        let onListening = self.onListening
        let server = self
        let builder: HTTPServerBuilder
        if let tls = configuration.tls {
            builder = try .tls(.http1(), tlsConfiguration: tls.configuration)
        } else {
            builder = .http1()
        }
        return Application(
            responder: EndpointResponder(
                table: endpointTable, build: { server.router($0).buildResponder() }, allow: allow,
                onRefused: { [metrics] reason in metrics.refused(channel: HTTPServer.listenerLabel, reason: reason) }),
            server: builder,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "LienThong"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.ipAddress ?? "?", channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
    }

    public func run() async throws {
        try await application().run()
    }

    /// The `channel` label of requests refused by the listener's own allow-list.
    public static let listenerLabel = "(http)"
}
