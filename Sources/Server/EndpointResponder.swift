import Bus
import Hummingbird
import HTTPTypes
import Logging
import Synchronization

/// Answers the HTTP listener's requests with the routes of the FHIR endpoints in use: when a
/// configuration reload replaces them (``Bus/FHIREndpointTable``), the next request gets routes
/// built from the new ones; requests in flight finish with the old. A sender the listener's
/// allow-list refuses gets 403 `{"error": …}` before any route.
final class EndpointResponder: HTTPResponder, Sendable {
    typealias Context = BusRequestContext

    let table: FHIREndpointTable
    let build: @Sendable ([FHIREndpoint]) -> RouterResponder<BusRequestContext>
    let allow: @Sendable () -> SenderAllowList?
    let onRefused: @Sendable (SenderRefusal) -> Void
    private let cache = Mutex<(generation: Int, responder: RouterResponder<BusRequestContext>)?>(nil)

    init(
        table: FHIREndpointTable, build: @escaping @Sendable ([FHIREndpoint]) -> RouterResponder<BusRequestContext>,
        allow: @escaping @Sendable () -> SenderAllowList? = { nil }, onRefused: @escaping @Sendable (SenderRefusal) -> Void = { _ in }
    ) {
        self.table = table
        self.build = build
        self.allow = allow
        self.onRefused = onRefused
    }

    /// The responder of the current endpoints, built once per generation.
    var responder: RouterResponder<BusRequestContext> {
        let (generation, endpoints) = table.current
        if let cached = cache.withLock({ $0 }), cached.generation == generation { return cached.responder }
        let responder = build(endpoints)
        cache.withLock { $0 = (generation, responder) }
        return responder
    }

    func respond(to request: Request, context: BusRequestContext) async throws -> Response {
        if let allow = allow() {
            let subject = allow.clientSubjects.isEmpty ? nil : await context.peerCertificateSubject()
            if let reason = allow.refusal(address: context.remoteAddress, subject: subject) {
                var metadata: Logger.Metadata = [
                    "http.remote_address": "\(context.remoteAddress.map { "\($0)" } ?? "unknown")", "http.refusal": "\(reason)",
                ]
                if let subject, reason == .clientSubject { metadata["tls.peer_subject"] = "\(subject)" }
                context.logger.notice("HTTP request refused by the listener's allow-list", metadata: metadata)
                onRefused(reason)
                return Response.json(["error": "this sender may not use this listener"], status: .forbidden)
            }
        }
        return try await responder.respond(to: request, context: context)
    }
}
