import Foundation
import Synchronization

extension EPrescriptionSimulator {
    /// Issued tokens, injected failures, accepted prescriptions and counters, behind a lock.
    public final class State: Sendable {
        struct Values {
            var tokens: [String: Date] = [:]
            var failNext = 0
            var failureStatus = 503
            var accepted: [String: String] = [:]  // ma_don_thuoc → checksum
            var order: [String] = []
            var statistics = EPrescriptionSimulatorStatistics()
        }

        private let values = Mutex(Values())

        init() {}

        /// The counters.
        public var statistics: EPrescriptionSimulatorStatistics {
            values.withLock { values in
                var statistics = values.statistics
                statistics.pendingFailures = values.failNext
                return statistics
            }
        }

        /// The accepted codes, in order, with their checksums.
        public var received: [(code: String, checksum: String)] {
            values.withLock { values in values.order.map { (code: $0, checksum: values.accepted[$0] ?? "") } }
        }

        /// Applies a control message.
        public func apply(_ control: EPrescriptionSimulatorControl) {
            values.withLock { values in
                if let failNext = control.failNext { values.failNext = max(0, failNext) }
                if let status = control.status { values.failureStatus = status }
                if control.expireTokens == true { values.tokens.removeAll() }
            }
        }

        func issueToken(lifetime: Duration, now: Date) -> String {
            let token = UUID().uuidString
            values.withLock { values in
                values.statistics.logins += 1
                values.tokens[token] = now.addingTimeInterval(Double(lifetime.components.seconds))
            }
            return token
        }

        func countLogin() { values.withLock { $0.statistics.logins += 1 } }

        func isValid(token: String, now: Date) -> Bool {
            values.withLock { values in (values.tokens[token]).map { $0 > now } ?? false }
        }

        /// Counts a submission; returns the injected failure's status, if one is due.
        func takeFailure() -> Int? {
            values.withLock { values in
                values.statistics.submissions += 1
                guard values.failNext > 0 else { return nil }
                values.failNext -= 1
                values.statistics.failed += 1
                return values.failureStatus
            }
        }

        func countUnauthorized() { values.withLock { $0.statistics.unauthorized += 1 } }
        func countRejected() { values.withLock { $0.statistics.rejected += 1 } }

        /// Records an accepted code; returns the checksum to answer and whether it is new.
        func accept(code: String, checksum: String) -> (checksum: String, isNew: Bool) {
            values.withLock { values in
                if let earlier = values.accepted[code] {
                    values.statistics.duplicates += 1
                    return (earlier, false)
                }
                values.accepted[code] = checksum
                values.order.append(code)
                values.statistics.accepted += 1
                return (checksum, true)
            }
        }
    }
}
