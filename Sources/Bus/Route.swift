public import HL7v2

/// One destination of a channel: which messages go there, how they are ordered and what they
/// are turned into on the way (a mapping).
public struct Route: Hashable, Sendable {
    /// The destination's name (its queue).
    public var destination: String
    /// Which messages of the channel go to it.
    public var filter: MessageFilter
    /// Entries with the same value at this path are delivered one at a time, in order
    /// (e.g. `PID-3.1`); `nil` delivers messages independently.
    public var orderingKey: Path?
    /// The mapping (a name from the mappings folder, see ``MappingCatalog``) the router applies
    /// before enqueueing; `nil` delivers the message as received.
    public var mapping: String?

    /// Creates a route.
    public init(destination: String, filter: MessageFilter = .all, orderingKey: Path? = nil, mapping: String? = nil) {
        self.destination = destination
        self.filter = filter
        self.orderingKey = orderingKey
        self.mapping = mapping
    }
}
