/// Where ``MessageStore/replay(message:to:now:)`` enqueues a message again.
public enum ReplayTarget: Hashable, Sendable {
    /// Every destination the router originally enqueued the message for, with the original key and payload.
    case originalDestinations
    /// One destination, with an optional ordering key; the raw message is delivered.
    case destination(String, orderingKey: String? = nil)
}
