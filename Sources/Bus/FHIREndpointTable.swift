import Synchronization

/// The FHIR channels' endpoints the HTTP listener serves; a configuration reload replaces them
/// (paths added, removed or changed) while the listener keeps running. The listener rebuilds
/// its routes when ``generation`` changes.
public final class FHIREndpointTable: Sendable {
    private let state: Mutex<(generation: Int, endpoints: [FHIREndpoint])>

    /// Creates a table serving `endpoints`.
    public init(_ endpoints: [FHIREndpoint]) {
        state = Mutex((0, endpoints))
    }

    /// The endpoints in use.
    public var endpoints: [FHIREndpoint] { state.withLock { $0.endpoints } }

    /// Increases with every replacement.
    public var generation: Int { state.withLock { $0.generation } }

    /// The endpoints in use and their generation, read together.
    public var current: (generation: Int, endpoints: [FHIREndpoint]) { state.withLock { $0 } }

    /// Serves `endpoints` from the next request on.
    public func replace(with endpoints: [FHIREndpoint]) {
        state.withLock { $0 = ($0.generation + 1, endpoints) }
    }
}
