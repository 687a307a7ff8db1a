/// One destination the router enqueues a message for, in ``MessageStore/route(_:entries:now:)``.
public struct RouteEntry: Hashable, Sendable, CustomStringConvertible {
    /// The destination's name.
    public var destination: String
    /// Entries of one destination with the same key are delivered one at a time, in enqueue
    /// order (e.g. the patient ID); `nil` means independent of every other entry.
    public var orderingKey: String?
    /// The bytes to deliver when a transformer changed the message; `nil` delivers the raw message.
    public var payload: [UInt8]?

    /// Creates a route entry.
    public init(destination: String, orderingKey: String? = nil, payload: [UInt8]? = nil) {
        self.destination = destination
        self.orderingKey = orderingKey
        self.payload = payload
    }

    /// The destination and whether a key and payload are set (their values may be patient data).
    public var description: String {
        "RouteEntry(destination: \(destination), keyed: \(orderingKey != nil), payload: \(payload != nil))"
    }
}
