public import Foundation
import HL7v2
public import Logging
public import Store

/// The second step of the bus: takes stored messages in arrival order, applies each channel's
/// routes (filters, ordering keys, mappings) and enqueues one entry per destination — the
/// hand-off is one store transaction per message, so a crash re-routes a message at most once
/// more and never enqueues it twice.
///
/// A route with a mapping enqueues the mapped message (e.g. a FHIR Bundle made from HL7 v2).
/// When the mapping fails, the entry is enqueued as a dead letter with the reason (mapping rule
/// file:line and input place, never a value): the message is kept and shown, and replaying the
/// entry once the mapping is fixed maps it again.
public struct Router: Sendable {
    let store: any MessageStore
    /// The routes of each channel, by channel name.
    public var routes: [String: [Route]]
    /// The mappings routes name (required when a route has a mapping).
    let mappings: MappingCatalog?
    /// Where store latencies and dead letters of failed mappings are recorded.
    let metrics: BusMetrics
    let logger: Logger

    /// Creates a router.
    public init(
        store: any MessageStore, routes: [String: [Route]], mappings: MappingCatalog? = nil, metrics: BusMetrics = .disabled, logger: Logger
    ) {
        self.store = store
        self.routes = routes
        self.mappings = mappings
        self.metrics = metrics
        self.logger = logger
    }

    /// What one round of routing did.
    public struct Round: Sendable {
        /// How many messages were routed (or filtered out).
        public var count: Int
        /// The destinations that got entries.
        public var destinations: Set<String>
    }

    /// Routes up to `limit` waiting messages, in arrival order.
    @discardableResult
    public func routePending(limit: Int = 256, now: Date = Date()) async throws -> Round {
        let pending = try await store.pendingRouting(limit: limit)
        var decisions: [RoutingDecision] = []
        decisions.reserveCapacity(pending.count)
        for stored in pending {
            // A claims route builds on the visit's earlier messages too: read them first.
            if stored.format == .hl7v2, routes[stored.channel]?.contains(where: { VisitLookup.buildsClaims($0.mapping) }) == true {
                let visit = try await VisitLookup(store: store).messages(before: stored, parsed: try? Message(stored.raw))
                decisions.append(RoutingDecision(message: stored.id, entries: entries(for: stored, visit: visit)))
            } else {
                decisions.append(RoutingDecision(message: stored.id, entries: entries(for: stored)))
            }
        }
        var routed = decisions
        do {
            // An empty batch is no store operation (the stores return at once): not timed.
            if !decisions.isEmpty {
                try await metrics.timing(.route) { try await store.route(decisions, now: now) }
            }
        } catch {
            routed = []
            // One bad message (routed meanwhile by another node, say) must not stop the others:
            // route them one at a time, in order, skipping only what fails. Each step waits for
            // a router of another node that holds the message, so a message is never enqueued
            // before an earlier one another router is enqueuing (per-key order across nodes).
            // With several nodes the routers race for every batch: losing is normal, not a warning.
            let raced = (error as? StoreError).map { $0.code == .invalidState || $0.code == .notFound } ?? false
            logger.log(
                level: raced ? .debug : .warning, "routing a batch failed; routing its messages one by one",
                metadata: ["error": "\(String(describing: error))"])
            for decision in decisions {
                do {
                    try await metrics.timing(.route) { try await store.route(decision.message, entries: decision.entries, now: now) }
                    routed.append(decision)
                } catch let error as StoreError where error.code == .invalidState || error.code == .notFound {
                    continue
                }
            }
        }
        // Counted once routed (what another node routed meanwhile is its to count).
        for decision in routed {
            for entry in decision.entries where entry.deadLetterReason != nil {
                metrics.deadLetteredWhenRouted(destination: entry.destination)
            }
        }
        let destinations = Set(decisions.flatMap { $0.entries.map(\.destination) })
        return Round(count: pending.count, destinations: destinations)
    }

    /// The queue entries for one stored message; `visit` holds the earlier messages of its visit
    /// a claims route builds on (``VisitLookup``).
    func entries(for stored: StoredMessage, visit: [Message] = []) -> [RouteEntry] {
        guard let channelRoutes = routes[stored.channel], !channelRoutes.isEmpty else { return [] }
        // HL7 v2 is routed on its fields; FHIR and other formats by their stored header (type,
        // event, sender).
        var message: Message?
        if stored.format == .hl7v2 {
            guard let parsed = try? Message(stored.raw) else {
                // Intake stores unparsable input as rejected; this cannot route anywhere.
                logger.error("a stored message no longer parses; not routed", metadata: ["store.message_id": "\(stored.id)"])
                return []
            }
            message = parsed
        }
        // At most one entry per destination: two routes to one destination (with different
        // filters) must not deliver a message twice. The first matching route decides the key.
        var destinations = Set<String>()
        // Two routes with one mapping map the message once.
        var mapped: [String: Result<MappingCatalog.Output, MappingCatalog.Failure>] = [:]
        return channelRoutes.compactMap { route in
            let matches = message.map(route.filter.matches) ?? route.filter.matches(header: stored.header)
            guard matches, destinations.insert(route.destination).inserted else { return nil }
            let key = message.flatMap { message in route.orderingKey.flatMap { message.value(at: $0) } }.flatMap { $0.isEmpty ? nil : $0 }
            var entry = RouteEntry(destination: route.destination, orderingKey: key)
            if let name = route.mapping {
                let result = mapped[name] ?? map(stored, message: message, visit: visit, with: name)
                mapped[name] = result
                entry.mapping = name
                switch result {
                case .success(let output):
                    entry.payload = output.payload
                    entry.payloadFormat = output.format
                case .failure(let failure):
                    entry.deadLetterReason = failure.description
                    logger.error(
                        "mapping failed; the entry is a dead letter",
                        metadata: ["store.message_id": "\(stored.id)", "bus.destination": "\(route.destination)", "bus.mapping": "\(name)",
                                   "hl7.control_id": "\(stored.header.controlID ?? "")", "error": "\(failure)"])
                }
            }
            return entry
        }
    }

    /// Maps a stored message for a route (a failure when the router has no mappings).
    func map(_ stored: StoredMessage, message: Message?, visit: [Message] = [], with name: String) -> Result<MappingCatalog.Output, MappingCatalog.Failure> {
        guard let mappings else {
            return .failure(MappingCatalog.Failure.noMappings(name))
        }
        return mappings.map(stored.raw, format: stored.format, message: message, visit: visit, with: name)
    }
}
