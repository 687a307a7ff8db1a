public import Foundation

/// What happens to a queue entry after a delivery attempt: the pure decision the destination
/// worker records in the store in one transaction.
public enum DeliveryDecision: Hashable, Sendable {
    /// Done.
    case delivered
    /// Try again at (not before) this time.
    case retry(at: Date)
    /// Give up: the entry becomes a dead letter, with the reason.
    case deadLetter(reason: String)

    /// Decides the next step for an entry.
    ///
    /// - Parameters:
    ///   - verdict: what the destination's answer meant.
    ///   - failedAttempts: failed attempts so far, this one included.
    ///   - enqueuedAt: when the entry was enqueued (for the retry policy's maximum age).
    ///   - hasOrderingKey: whether entries behind this one may be waiting on its key.
    ///   - retry: the retry policy of the destination.
    ///   - keyPolicy: what a failing keyed entry does to its key.
    ///   - now: the current time.
    public init(
        after verdict: DeliveryVerdict,
        failedAttempts: Int,
        enqueuedAt: Date,
        hasOrderingKey: Bool,
        retry: RetryPolicy,
        keyPolicy: KeyFailurePolicy,
        now: Date,
        using generator: inout some RandomNumberGenerator
    ) {
        switch verdict {
        case .delivered:
            self = .delivered
        case .reject(let reason):
            self = .deadLetter(reason: reason)
        case .retry(let reason, let retryAfter):
            if let limit = retry.maximumAttempts, failedAttempts >= limit {
                self = .deadLetter(reason: "\(reason); gave up after \(failedAttempts) attempts")
                return
            }
            if let maximumAge = retry.maximumAge, now.timeIntervalSince(enqueuedAt) >= maximumAge.seconds {
                self = .deadLetter(reason: "\(reason); gave up after the maximum age")
                return
            }
            if hasOrderingKey, let moveAside = keyPolicy.moveAsideAfterAttempts, failedAttempts >= moveAside {
                self = .deadLetter(reason: "\(reason); moved aside after \(failedAttempts) attempts to release its key")
                return
            }
            var delay = retry.delay(afterFailedAttempts: failedAttempts, using: &generator)
            if let retryAfter, retryAfter > delay { delay = retryAfter }
            self = .retry(at: now.addingTimeInterval(delay.seconds))
        }
    }
}
