/// A batch of messages: BHS, messages, BTS. Messages sent without a batch header belong to an
/// implicit batch whose header and trailer are `nil`.
public struct Batch: Sendable {
    /// The BHS segment, when present.
    public var header: Segment?
    /// The messages in order.
    public var messages: [Message]
    /// The BTS segment, when present.
    public var trailer: Segment?

    /// Creates a batch.
    public init(header: Segment? = nil, messages: [Message] = [], trailer: Segment? = nil) {
        self.header = header
        self.messages = messages
        self.trailer = trailer
    }
}
