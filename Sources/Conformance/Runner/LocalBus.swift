import Bus
import Foundation
import HL7v2
import Hummingbird
import Logging
import MLLP
import NIOCore
import Server
import ServiceLifecycle
import Store

/// The `local` target of one suite: the suite's receivers, then a bus (``BusNode`` and the HTTP
/// listener) with the suite's configuration (or the built-in test configuration), SQLite in a
/// temporary folder, every listener on a free port. ``stop()`` shuts both down and deletes the
/// folder.
final class LocalBus: Sendable {
    /// The addresses the bus listens on, once started.
    struct Addresses: Sendable {
        var mllp: [String: ConformanceTarget.Address] = [:]
        /// The MLLP channels in configuration order (the first is the default for cases).
        var mllpOrder: [String] = []
        var http: (host: String, port: Int)?
        var fhirPaths: [String: String] = [:]
    }

    /// The test configuration used when a suite has no `bus:`: channel `default` (MLLP),
    /// channel `fhir` (FHIR at `/fhir`), every message to a folder.
    static let defaultConfiguration = """
        store:
          sqlite:
            path: ${CONFORMANCE_DATA}/bus.sqlite
        http:
          host: 127.0.0.1
          port: 0
        channels:
          default:
            mllp: {host: 127.0.0.1, port: 0}
            routes:
              - destination: outbox
          fhir:
            fhir: {path: /fhir}
            routes:
              - destination: outbox
        destinations:
          outbox:
            file: {directory: "${CONFORMANCE_DATA}/outbox"}
        """

    let addresses: Addresses
    let received: ReceivedLog
    private let data: URL
    private let receiverGroup: ServiceGroup
    private let busGroup: ServiceGroup
    private let tasks: [Task<Void, any Error>]
    private let store: SQLiteStore

    private init(
        addresses: Addresses, received: ReceivedLog, data: URL, receiverGroup: ServiceGroup, busGroup: ServiceGroup,
        tasks: [Task<Void, any Error>], store: SQLiteStore
    ) {
        self.addresses = addresses
        self.received = received
        self.data = data
        self.receiverGroup = receiverGroup
        self.busGroup = busGroup
        self.tasks = tasks
        self.store = store
    }

    /// Starts the suite's receivers and bus; returns once every listener is bound.
    static func start(_ suite: ConformanceSuite, logger: Logger) async throws(ConformanceError) -> LocalBus {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-conformance-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        } catch {
            throw ConformanceError(.localBusFailed, "cannot make a temporary folder: \(error.localizedDescription)")
        }
        let received = ReceivedLog()
        let bound = Locked<[String: Int]>([:])
        var receiverServices: [any Service] = []
        for receiver in suite.receivers {
            receiverServices.append(Self.receiverService(receiver, received: received, logger: logger) { port in
                bound.withLock { $0[receiver.name] = port }
            })
        }
        let receiverGroup = ServiceGroup(services: receiverServices, logger: logger)
        let receiverTask = Task { try await receiverGroup.run() }
        do {
            try await Self.wait("the receivers") { bound.withLock { $0.count } == suite.receivers.count }
        } catch {
            await receiverGroup.triggerGracefulShutdown()
            throw error
        }
        var environment = ProcessInfo.processInfo.environment
        environment["CONFORMANCE_DATA"] = data.path
        for (name, port) in bound.value {
            if let receiver = suite.receivers.first(where: { $0.name == name }) { environment[receiver.portVariable] = String(port) }
        }

        func fail(_ message: String) async -> ConformanceError {
            await receiverGroup.triggerGracefulShutdown()
            _ = try? await receiverTask.value
            try? FileManager.default.removeItem(at: data)
            return ConformanceError(.localBusFailed, file: suite.busConfiguration?.path, message)
        }
        let configuration: BusConfiguration
        do {
            if let file = suite.busConfiguration {
                configuration = try BusConfiguration(contentsOf: file, environment: environment)
            } else {
                configuration = try BusConfiguration(yaml: defaultConfiguration, file: "built-in test configuration", environment: environment)
            }
        } catch {
            throw await fail("\(error)")
        }
        guard case .sqlite(let sqlite) = configuration.store else {
            throw await fail("the local target keeps its store in SQLite; remove store: postgres")
        }
        let store: SQLiteStore
        let mappings: MappingCatalog?
        do {
            store = try SQLiteStore(configuration: sqlite, logger: logger)
            mappings = configuration.needsMappings
                ? try MappingCatalog(folder: configuration.mappings.folder, claimsFacility: configuration.mappings.claimsFacility) : nil
            if let mappings { try configuration.validate(mappings: mappings) }
        } catch {
            throw await fail("\(error)")
        }
        var node = BusNode(configuration: configuration, store: store, mappings: mappings, logger: logger)
        node.pollInterval = .milliseconds(200)
        node.reloadsMappingsOnHangUp = false
        let listening = Locked(Addresses())
        var services: [any Service]
        do {
            services = try node.services { channel, address in
                listening.withLock { $0.mllp[channel] = .init(host: address.ipAddress ?? "127.0.0.1", port: address.port ?? 0) }
            }
        } catch {
            throw await fail("\(error)")
        }
        let endpoints = node.fhirEndpoints()
        if configuration.needsHTTPListener {
            services.append(HTTPServer(configuration: configuration.http, endpoints: endpoints, logger: logger) { host, port in
                listening.withLock { $0.http = (host, port) }
            })
        }
        let busGroup = ServiceGroup(services: services, logger: logger)
        let busTask = Task { try await busGroup.run() }
        let mllpChannels = configuration.channels.filter { $0.listener != nil }.map(\.name)
        do {
            try await Self.wait("the bus's listeners") {
                listening.withLock { $0.mllp.count == mllpChannels.count && (!configuration.needsHTTPListener || $0.http != nil) }
            }
        } catch {
            await busGroup.triggerGracefulShutdown()
            _ = try? await busTask.value
            try? store.close()
            throw await fail("\(error)")
        }
        var addresses = listening.value
        addresses.mllpOrder = mllpChannels
        addresses.fhirPaths = Dictionary(endpoints.map { ($0.channel, $0.path) }, uniquingKeysWith: { first, _ in first })
        return LocalBus(
            addresses: addresses, received: received, data: data, receiverGroup: receiverGroup, busGroup: busGroup,
            tasks: [busTask, receiverTask], store: store)
    }

    /// Stops the bus, then the receivers; deletes the temporary folder.
    func stop() async {
        await busGroup.triggerGracefulShutdown()
        if let bus = tasks.first { _ = try? await bus.value }
        await receiverGroup.triggerGracefulShutdown()
        if let receivers = tasks.last { _ = try? await receivers.value }
        try? store.close()
        try? FileManager.default.removeItem(at: data)
    }

    /// How long the receivers and the bus may take to bind: generous, because a test process runs many
    /// suites at once on a small machine (binding itself takes milliseconds).
    static let startLimit: Duration = .seconds(120)

    private static func wait(_ what: String, until ready: @Sendable () -> Bool) async throws(ConformanceError) {
        let deadline = ContinuousClock.now + startLimit
        while !ready() {
            guard ContinuousClock.now < deadline else {
                throw ConformanceError(.localBusFailed, "\(what) did not start within \(startLimit.components.seconds) s")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private static func receiverService(
        _ receiver: ReceiverConfiguration, received: ReceivedLog, logger: Logger, onBound: @escaping @Sendable (Int) -> Void
    ) -> any Service {
        let name = receiver.name
        switch receiver.transport {
        case .mllp:
            let code = Acknowledgment.Code(rawValue: receiver.ack)
            return MLLPServer(
                configuration: .init(host: "127.0.0.1", port: 0), logger: logger,
                onListening: { address in onBound(address.port ?? 0) },
                handler: { request in
                    let bytes = Array(request.payload.readableBytesView)
                    received.record(String(decoding: bytes, as: UTF8.self), receiver: name)
                    guard let message = try? Message(bytes) else { return ByteBuffer() }
                    return ByteBuffer(bytes: message.encodedAcknowledgment(code: code))
                })
        case .http:
            let status = HTTPResponse.Status(code: receiver.status)
            let router = Hummingbird.Router(context: BasicRequestContext.self)
            let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
                let body = try await request.body.collect(upTo: 64 << 20)
                received.record(String(buffer: body), receiver: name)
                return Response(status: status)
            }
            router.post("**", use: handler)
            router.put("**", use: handler)
            return Application(
                router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in onBound(channel.localAddress?.port ?? 0) }, logger: logger)
        }
    }
}
