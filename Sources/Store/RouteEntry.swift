/// One destination the router enqueues a message for, in ``MessageStore/route(_:entries:now:)``.
public struct RouteEntry: Hashable, Sendable, CustomStringConvertible {
    /// The destination's name.
    public var destination: String
    /// Entries of one destination with the same key are delivered one at a time, in enqueue
    /// order (e.g. the patient ID); `nil` means independent of every other entry.
    public var orderingKey: String?
    /// The bytes to deliver when a transformer changed the message; `nil` delivers the raw message.
    public var payload: [UInt8]?
    /// What ``payload`` is (e.g. FHIR JSON made from HL7 v2); `nil` for the message's own format.
    public var payloadFormat: MessageFormat?
    /// The mapping (transformer) the route applies, by name, kept with the entry. When
    /// ``payload`` is `nil` (the mapping failed), a replay of the entry maps the message again
    /// before delivery.
    public var mapping: String?
    /// Enqueues the entry as a dead letter with this reason instead of for delivery (the route's
    /// mapping failed): it is kept, shown and can be replayed once the mapping is fixed.
    public var deadLetterReason: String?

    /// Creates a route entry.
    public init(
        destination: String, orderingKey: String? = nil, payload: [UInt8]? = nil, payloadFormat: MessageFormat? = nil,
        mapping: String? = nil, deadLetterReason: String? = nil
    ) {
        self.destination = destination
        self.orderingKey = orderingKey
        self.payload = payload
        self.payloadFormat = payloadFormat
        self.mapping = mapping
        self.deadLetterReason = deadLetterReason
    }

    /// The destination, the mapping and whether a key and payload are set (their values may be
    /// patient data).
    public var description: String {
        var text = "RouteEntry(destination: \(destination), keyed: \(orderingKey != nil), payload: \(payload != nil)"
        if let mapping { text += ", mapping: \(mapping)" }
        if deadLetterReason != nil { text += ", dead letter" }
        return text + ")"
    }
}
