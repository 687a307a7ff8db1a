/// What a ``WakeUpSource`` store announces: work may be waiting.
public enum StoreWakeUp: Hashable, Sendable {
    /// Messages were stored for the router.
    case routing
    /// Entries of this destination became pending (enqueued, replayed, to be retried) or
    /// unblocked (an earlier entry of their key finished).
    case queue(destination: String)
    /// Anything may be waiting (e.g. after the store reconnected and may have missed wake-ups).
    case everything
}
