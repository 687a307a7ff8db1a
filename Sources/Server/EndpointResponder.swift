import Bus
import Hummingbird
import Synchronization

/// Answers the HTTP listener's requests with the routes of the FHIR endpoints in use: when a
/// configuration reload replaces them (``Bus/FHIREndpointTable``), the next request gets routes
/// built from the new ones; requests in flight finish with the old.
final class EndpointResponder: HTTPResponder, Sendable {
    typealias Context = BusRequestContext

    let table: FHIREndpointTable
    let build: @Sendable ([FHIREndpoint]) -> RouterResponder<BusRequestContext>
    private let cache = Mutex<(generation: Int, responder: RouterResponder<BusRequestContext>)?>(nil)

    init(table: FHIREndpointTable, build: @escaping @Sendable ([FHIREndpoint]) -> RouterResponder<BusRequestContext>) {
        self.table = table
        self.build = build
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
        try await responder.respond(to: request, context: context)
    }
}
