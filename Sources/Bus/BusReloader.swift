import Foundation
import Logging
import Mapping
import MLLP
import NIOCore
import Store
import Synchronization

/// Applies a new configuration to a running ``BusNode`` as a diff, or refuses it and keeps the
/// one running.
///
/// A reload reads the configuration (``BusNode/configurationLoader``), reloads the mappings
/// (the same folder) or loads them (a new folder), and checks the routes against them; any
/// error refuses it. So do changes that cannot apply live: the `store` section, the HTTP
/// listener's address and the watched-folder channels (all need a restart). Otherwise, in this
/// order:
///
/// 1. MLLP listeners whose channel settings (all but `routes` and `mapping`) changed, and those of
///    removed channels, stop gracefully: every frame already read is stored and acknowledged,
///    then their connections close. Unchanged listeners keep running, their connections untouched.
/// 2. Changed destinations stop after their current batch and start again with the new
///    settings; new destinations start. Queue entries stay in the store throughout.
/// 3. The router's routes, filters and mappings, and the FHIR paths of the HTTP listener, are
///    replaced at once (the router between two rounds).
/// 4. Removed (and newly paused) destinations stop; their queue entries are kept (`lienthong
///    queue` shows them) and are delivered if the destination comes back.
/// 5. New and changed listeners start; one that cannot bind is reported in the result's errors
///    (the rest of the reload stays applied).
///
/// Reloads run one at a time, in the order asked.
actor BusReloader {
    /// A running MLLP listener.
    struct Listener: Sendable {
        var fingerprint: String?
        var server: MLLPServer
        var child: ServiceSupervisor.Child?
        /// Set once the listener is bound.
        var ready: ListenerReady
    }

    static let watcherName = "mappings watcher"

    let node: BusNode
    let onListening: @Sendable (_ channel: String, _ address: SocketAddress) async -> Void
    let routing: RoutingTable
    let doorbells: DoorbellRegistry
    let deliveries: ServiceSupervisor
    let front: ServiceSupervisor
    /// Whether this reloader (not the mappings watcher) handles SIGHUP.
    let trapsHangUp: Bool
    var logger: Logger { node.logger }

    /// What runs now.
    var configuration: BusConfiguration
    var mappings: MappingCatalog?
    var listeners: [String: Listener]
    var deliveryChildren: [String: ServiceSupervisor.Child]
    var watcher: ServiceSupervisor.Child?
    /// The FHIR endpoints by channel, with the fingerprint they were made from.
    var endpoints: [String: (fingerprint: String?, endpoint: FHIREndpoint)]
    /// Reloads waiting for the one in progress.
    var isReloading = false
    var waiting: [CheckedContinuation<Void, Never>] = []

    init(
        node: BusNode, onListening: @escaping @Sendable (_ channel: String, _ address: SocketAddress) async -> Void, routing: RoutingTable,
        doorbells: DoorbellRegistry, deliveries: ServiceSupervisor, front: ServiceSupervisor, listeners: [String: Listener],
        deliveryChildren: [String: ServiceSupervisor.Child], watcher: ServiceSupervisor.Child?, trapsHangUp: Bool
    ) {
        self.node = node
        self.onListening = onListening
        self.routing = routing
        self.doorbells = doorbells
        self.deliveries = deliveries
        self.front = front
        self.trapsHangUp = trapsHangUp
        self.configuration = node.configuration
        self.mappings = node.mappings
        self.listeners = listeners
        self.deliveryChildren = deliveryChildren
        self.watcher = watcher
        let fingerprints = Dictionary(node.configuration.channels.map { ($0.name, $0.fingerprint) }, uniquingKeysWith: { a, _ in a })
        self.endpoints = Dictionary(
            node.fhirEndpointTable.endpoints.map { ($0.channel, (fingerprints[$0.channel] ?? nil, $0)) }, uniquingKeysWith: { a, _ in a })
    }

    /// Reads the configuration again and applies it, or refuses it.
    /// Every reload, applied or refused, is appended to the store's audit log (when it keeps one)
    /// as `config-reload` by `actor`, with the trigger and the outcome as its detail.
    func reload(trigger: String = "admin", actor: AuditActor = .system, client: String? = nil) async -> ConfigurationReload {
        await acquire()
        defer { release() }
        let result: ConfigurationReload
        if let loader = node.configurationLoader {
            let new: BusConfiguration?
            var loadError: String?
            do {
                new = try loader()
            } catch {
                new = nil
                loadError = "\(error)"
            }
            if let new {
                result = await apply(new, trigger: trigger)
            } else {
                result = .refused([loadError ?? "the configuration did not load"])
            }
        } else {
            result = .refused(["the bus was started without a configuration file: there is nothing to reload"])
        }
        if result.applied {
            logger.notice(
                "configuration reloaded",
                metadata: ["bus.reload.trigger": "\(trigger)", "bus.reload.changes": .array(result.changes.map { .string($0) }),
                           "bus.reload.errors": .array(result.errors.map { .string($0) })])
        } else {
            logger.error(
                "configuration not reloaded; the previous configuration keeps running",
                metadata: ["bus.reload.trigger": "\(trigger)", "bus.reload.errors": .array(result.errors.map { .string($0) })])
        }
        await audit(result, trigger: trigger, actor: actor, client: client)
        return result
    }

    /// Appends the reload to the audit log; a failure is logged (the reload stands).
    private func audit(_ result: ConfigurationReload, trigger: String, actor: AuditActor, client: String?) async {
        guard let auditor = Auditor(store: node.store) else { return }
        let detail = result.applied
            ? "\(trigger): applied, \(result.changes.count) changes\(result.errors.isEmpty ? "" : ", \(result.errors.count) errors")"
            : "\(trigger): refused, \(result.errors.count) errors"
        do {
            try await auditor.record(.configReload, by: actor, target: node.configurationFile ?? "configuration", detail: detail, client: client)
        } catch {
            logger.error("cannot append the reload to the audit log", metadata: ["store.error": "\(error)"])
        }
    }

    private func acquire() async {
        if !isReloading {
            isReloading = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            isReloading = false
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// The watched-folder channels of a configuration, by name, with their settings as read
    /// (a folder source is not restarted by a reload).
    static func folderChannels(of configuration: BusConfiguration) -> [String: String] {
        configuration.channels.reduce(into: [:]) { folders, channel in
            if channel.folder != nil { folders[channel.name] = channel.fingerprint ?? "\(channel.name) made in code" }
        }
    }

    /// Applies `new` (see the type's description).
    func apply(_ new: BusConfiguration, trigger: String) async -> ConfigurationReload {
        // 1. What cannot change live, and the mappings.
        var errors: [String] = []
        if new.storeFingerprint != configuration.storeFingerprint {
            errors.append("store: the store cannot change while the bus runs; this change needs a restart")
        }
        if configuration.needsHTTPListener, new.needsHTTPListener, (new.http.host, new.http.port) != (configuration.http.host, configuration.http.port) {
            errors.append("http: the HTTP listener's address cannot change while the bus runs; this change needs a restart")
        }
        if configuration.needsHTTPListener, new.needsHTTPListener, new.http.tlsFiles != configuration.http.tlsFiles || (new.http.tls == nil) != (configuration.http.tls == nil) {
            errors.append("http.tls: the HTTP listener's TLS cannot change while the bus runs; this change needs a restart")
        }
        if Self.folderChannels(of: new) != Self.folderChannels(of: configuration) {
            errors.append("channels: watched-folder channels cannot be added, removed or changed while the bus runs; this change needs a restart")
        }
        if !configuration.needsHTTPListener, new.needsHTTPListener {
            errors.append("http: the HTTP listener is not running (the bus started without FHIR channels or an http section); starting it needs a restart")
        }
        var catalog: MappingCatalog?
        if new.needsMappings {
            if let current = mappings, current.folder == new.mappings.folder.standardizedFileURL, current.claimsFacility == new.mappings.claimsFacility {
                let reloaded = current.reload()
                MappingWatcher.report(reloaded, trigger: trigger, logger: logger)
                if case .failed(let failure) = reloaded { errors += failure.errors.map(\.description) }
                catalog = current
            } else {
                do {
                    catalog = try MappingCatalog(folder: new.mappings.folder, claimsFacility: new.mappings.claimsFacility)
                } catch {
                    errors.append("the mappings in \(new.mappings.folder.path) do not load:")
                    errors += error.errors.map(\.description)
                }
            }
            if let catalog, errors.isEmpty {
                do {
                    try new.validate(mappings: catalog)
                } catch {
                    errors.append("\(error)")
                }
            }
        }
        guard errors.isEmpty else { return .refused(errors) }
        let mappingsChanged = catalog !== mappings

        // 2. The plan; what can fail is made before anything stops.
        var changes: [String] = []
        let oldDestinations = Dictionary(configuration.destinations.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newDestinationNames = Set(new.destinations.map(\.name))
        var replacements: [(name: String, delivery: DeliveryService?)] = []
        for destination in new.destinations {
            let old = oldDestinations[destination.name]
            // Workers hold the mappings (to map replayed entries): new mappings, new workers.
            let unchanged = old != nil && destination.fingerprint != nil && destination.fingerprint == old?.fingerprint && !mappingsChanged
            if unchanged { continue }
            do {
                replacements.append(
                    (destination.name, try node.makeDelivery(destination, doorbell: doorbells[destination.name], mappings: catalog)))
            } catch {
                return .refused(["destinations.\(destination.name): \(error)"])
            }
            changes.append(old == nil ? "destination \(destination.name): added" : "destination \(destination.name): restarted with new settings")
        }
        let oldChannels = Dictionary(configuration.channels.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newChannelNames = Set(new.channels.map(\.name))
        var stopping: [(name: String, child: ServiceSupervisor.Child?)] = []
        var starting: [(channel: ChannelConfiguration, server: MLLPServer, ready: ListenerReady)] = []
        for (name, listener) in listeners {
            guard let channel = new.channels.first(where: { $0.name == name }), channel.listener != nil,
                channel.fingerprint != nil, channel.fingerprint == listener.fingerprint
            else {
                stopping.append((name, listener.child))
                continue
            }
        }
        for channel in new.channels where channel.listener != nil {
            if listeners[channel.name] != nil, !stopping.contains(where: { $0.name == channel.name }) { continue }
            let ready = ListenerReady()
            let onListening = self.onListening
            let server = node.makeListener(channel) { name, address in
                await onListening(name, address)
                ready.set()
            }
            if let server { starting.append((channel, server, ready)) }
        }
        var newEndpoints: [FHIREndpoint] = []
        var endpointTable: [String: (fingerprint: String?, endpoint: FHIREndpoint)] = [:]
        for channel in new.channels where channel.fhir != nil {
            if let (fingerprint, kept) = endpoints[channel.name], fingerprint != nil, fingerprint == channel.fingerprint {
                var endpoint = kept
                endpoint.allow = channel.allow
                newEndpoints.append(endpoint)
                endpointTable[channel.name] = (fingerprint, endpoint)
            } else if let endpoint = BusNode.makeEndpoint(
                channel, store: node.store, validator: node.validator, incoming: node.incoming, metrics: node.metrics, logger: logger)
            {
                newEndpoints.append(endpoint)
                endpointTable[channel.name] = (channel.fingerprint, endpoint)
                changes.append(endpoints[channel.name] == nil ? "channel \(channel.name): FHIR path \(endpoint.path) added" : "channel \(channel.name): FHIR endpoint replaced")
            }
        }
        for name in endpoints.keys where endpointTable[name] == nil { changes.append("channel \(name): FHIR path removed") }
        for channel in new.channels where channel.folder == nil {
            guard let old = oldChannels[channel.name], old.allow != channel.allow else { continue }
            changes.append("channel \(channel.name): allow-list replaced (for new connections and requests)")
        }
        if new.http.allow != configuration.http.allow { changes.append("http: allow-list replaced (for new requests)") }

        // 3. Apply. Changed and removed listeners stop first (their frames stored and acknowledged).
        await withDiscardingTaskGroup { group in
            for (_, child) in stopping {
                guard let child else { continue }
                group.addTask { await self.front.stop(child) }
            }
        }
        for (name, _) in stopping {
            listeners[name] = nil
            changes.append(newChannelNames.contains(name) ? "channel \(name): listener restarted with new settings" : "channel \(name): removed")
        }
        // Changed destinations stop after their batch; replacements and new ones start.
        await withDiscardingTaskGroup { group in
            for (name, _) in replacements {
                guard let child = deliveryChildren[name] else { continue }
                group.addTask { await self.deliveries.stop(child) }
            }
        }
        for (name, delivery) in replacements {
            deliveryChildren[name] = delivery.map { deliveries.start(name: name, services: [$0]) }
        }
        // Routes, filters, mappings and FHIR paths, at once.
        routing.replace(with: RoutingTable.Snapshot(routes: RoutingTable.routes(of: new), mappings: catalog))
        node.fhirEndpointTable.replace(with: newEndpoints)
        endpoints = endpointTable
        // What the router may have enqueued meanwhile.
        doorbells.ringAll()
        // Removed destinations stop; their entries stay queued.
        let removed = deliveryChildren.keys.filter { !newDestinationNames.contains($0) }
        await withDiscardingTaskGroup { group in
            for name in removed {
                guard let child = deliveryChildren[name] else { continue }
                group.addTask { await self.deliveries.stop(child) }
            }
        }
        for name in removed {
            deliveryChildren[name] = nil
            changes.append("destination \(name): removed (its queue entries are kept)")
        }
        for name in oldDestinations.keys where !newDestinationNames.contains(name) && !removed.contains(name) {
            changes.append("destination \(name): removed (its queue entries are kept)")
        }
        // The allow-lists in use (read per connection and per request) before new listeners start.
        node.applied.current = new
        // New and changed listeners start.
        var lateErrors: [String] = []
        for (channel, server, ready) in starting {
            let child = front.start(name: "channel \(channel.name)", services: [server])
            listeners[channel.name] = Listener(fingerprint: channel.fingerprint, server: server, child: child, ready: ready)
            if oldChannels[channel.name] == nil { changes.append("channel \(channel.name): added") }
            if let error = await Self.bound(ready, child: child) {
                lateErrors.append("channels.\(channel.name).mllp: the listener did not start: \(error)")
            }
        }
        // The mappings watcher follows the mappings and their watch interval.
        if mappingsChanged || new.mappings.watchInterval != configuration.mappings.watchInterval {
            if let watcher { await front.stop(watcher) }
            watcher = node.makeWatcher(new, mappings: catalog, trapsHangUp: !trapsHangUp).map { front.start(name: Self.watcherName, services: [$0]) }
            if mappingsChanged { changes.append(catalog == nil ? "mappings: no longer used" : "mappings: loaded from \(new.mappings.folder.path)") }
        }
        if changes.isEmpty { changes.append("routes replaced; nothing else changed") } else { changes.insert("routes replaced", at: 0) }
        configuration = new
        node.applied.current = new
        mappings = catalog
        return ConfigurationReload(applied: true, errors: lateErrors, changes: changes)
    }

    /// Set once a listener a reload started is bound and announced (`onListening` returned).
    final class ListenerReady: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    /// Waits (at most 5 s) until a listener a reload started is bound; its error when it failed.
    static func bound(_ ready: ListenerReady, child: ServiceSupervisor.Child) async -> String? {
        for _ in 0..<500 {
            if ready.isSet { return nil }
            let outcome = child.outcome
            if outcome.finished { return outcome.error ?? "it stopped" }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return "not bound after 5 s"
    }
}
