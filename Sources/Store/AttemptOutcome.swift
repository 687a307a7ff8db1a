public import Foundation

/// What a worker decided after an attempt; the retry policy that decides it lives in the bus.
public enum AttemptOutcome: Hashable, Sendable {
    /// Delivered: the entry is final and releases its ordering key.
    case delivered
    /// Try again, not before the given time. The entry stays pending and keeps blocking its key.
    case retry(notBefore: Date)
    /// Give up: the entry becomes a dead letter and releases its ordering key.
    case deadLetter(reason: String)

    /// The stored text of the outcome kind: `delivered`, `retry` or `dead_letter`.
    public var kind: String {
        switch self {
        case .delivered: "delivered"
        case .retry: "retry"
        case .deadLetter: "dead_letter"
        }
    }
}
