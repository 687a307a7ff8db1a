import Foundation
import Synchronization

extension FHIRServerSimulator {
    /// Issued tokens, injected failures and counters, shared by the simulator's requests.
    public final class State: Sendable {
        struct Values {
            var tokens: [String: Date] = [:]
            var issued = 0
            var failNext = 0
            var failStatus = 503
            var retryAfter: Int?
            var requests = 0
            var refusedTokens = 0
            var injectedFailures = 0
        }

        let values = Mutex(Values())

        /// The counters: `tokensIssued`, `requests`, `refusedTokens`, `injectedFailures`, `failNext`.
        public var statistics: [String: Int] {
            values.withLock {
                [
                    "tokensIssued": $0.issued, "requests": $0.requests, "refusedTokens": $0.refusedTokens,
                    "injectedFailures": $0.injectedFailures, "failNext": $0.failNext,
                ]
            }
        }

        /// Applies a control message.
        public func apply(_ control: FHIRSimulatorControl) {
            values.withLock { values in
                if let count = control.failNext { values.failNext = max(0, count) }
                if let status = control.failStatus { values.failStatus = status }
                if let seconds = control.retryAfter { values.retryAfter = seconds }
                if control.expireTokens == true { values.tokens.removeAll() }
            }
        }

        func issueToken(lifetime: Duration, now: Date) -> String {
            values.withLock { values in
                values.issued += 1
                let token = "sim-\(values.issued)-\(UUID().uuidString)"
                values.tokens[token] = now.addingTimeInterval(Double(lifetime.components.seconds))
                return token
            }
        }

        /// Counts a FHIR request; whether its bearer token is valid.
        func accepts(token: String?, now: Date) -> Bool {
            values.withLock { values in
                values.requests += 1
                guard let token, let expiry = values.tokens[token], expiry > now else {
                    values.refusedTokens += 1
                    return false
                }
                return true
            }
        }

        /// The status (and `Retry-After`) of an injected failure, when one is due.
        func takeFailure() -> (status: Int, retryAfter: Int?)? {
            values.withLock { values in
                guard values.failNext > 0 else { return nil }
                values.failNext -= 1
                values.injectedFailures += 1
                return (values.failStatus, values.retryAfter)
            }
        }
    }
}
