import Foundation

/// When a failed delivery is tried again, and when it is given up and moved to the dead letters.
///
/// The default is exponential backoff with full jitter: before attempt *n + 1* the worker waits a
/// random time between zero and `min(maximumDelay, initialDelay × multiplierⁿ⁻¹)`, which spreads
/// retries of many messages out instead of sending them in waves.
///
/// ```swift
/// let policy = RetryPolicy.exponentialJitter(initialDelay: .seconds(1), maximumDelay: .seconds(300))
/// ```
public struct RetryPolicy: Hashable, Sendable {
    /// How a computed delay is randomised.
    public struct Jitter: Hashable, Sendable, CustomStringConvertible {
        let kind: Int
        /// The computed delay as is.
        public static let none = Jitter(kind: 0)
        /// A uniform random delay between zero and the computed delay ("full jitter").
        public static let full = Jitter(kind: 1)
        public var description: String { kind == 0 ? "none" : "full" }
    }

    /// The delay ceiling before the second attempt.
    public var initialDelay: Duration
    /// No delay is longer than this.
    public var maximumDelay: Duration
    /// Each further attempt multiplies the ceiling by this.
    public var multiplier: Double
    /// How the delay is randomised.
    public var jitter: Jitter
    /// After this many failed attempts the entry is dead-lettered; `nil` means no limit.
    public var maximumAttempts: Int?
    /// An entry older than this (since it was enqueued) is dead-lettered at its next failure;
    /// `nil` means no limit.
    public var maximumAge: Duration?

    /// Creates a policy.
    public init(
        initialDelay: Duration = .seconds(1),
        maximumDelay: Duration = .seconds(300),
        multiplier: Double = 2,
        jitter: Jitter = .full,
        maximumAttempts: Int? = 20,
        maximumAge: Duration? = .seconds(24 * 3600)
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
        self.jitter = jitter
        self.maximumAttempts = maximumAttempts
        self.maximumAge = maximumAge
    }

    /// Exponential backoff with full jitter.
    public static func exponentialJitter(
        initialDelay: Duration = .seconds(1),
        maximumDelay: Duration = .seconds(300),
        multiplier: Double = 2,
        maximumAttempts: Int? = 20,
        maximumAge: Duration? = .seconds(24 * 3600)
    ) -> RetryPolicy {
        RetryPolicy(initialDelay: initialDelay, maximumDelay: maximumDelay, multiplier: multiplier, jitter: .full, maximumAttempts: maximumAttempts, maximumAge: maximumAge)
    }

    /// The same delay every time.
    public static func fixed(_ delay: Duration, maximumAttempts: Int? = 20, maximumAge: Duration? = nil) -> RetryPolicy {
        RetryPolicy(initialDelay: delay, maximumDelay: delay, multiplier: 1, jitter: .none, maximumAttempts: maximumAttempts, maximumAge: maximumAge)
    }

    /// The upper bound of the delay after `failedAttempts` failures (≥ 1), before jitter.
    public func ceiling(afterFailedAttempts failedAttempts: Int) -> Duration {
        let exponent = Double(max(failedAttempts, 1) - 1)
        let seconds = initialDelay.seconds * pow(max(multiplier, 1), exponent)
        return .seconds(min(seconds, maximumDelay.seconds))
    }

    /// The delay after `failedAttempts` failures, jitter applied.
    public func delay(afterFailedAttempts failedAttempts: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(afterFailedAttempts: failedAttempts)
        guard jitter == .full, ceiling > .zero else { return ceiling }
        return .seconds(Double.random(in: 0...ceiling.seconds, using: &generator))
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
