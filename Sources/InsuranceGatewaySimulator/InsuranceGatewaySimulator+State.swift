import Foundation
import Synchronization

extension InsuranceGatewaySimulator {
    /// What the simulator has issued, been told and received; shared by its request handlers.
    public final class State: Sendable {
        struct Issued {
            var idToken: String
            var expiresAt: Date
        }

        struct Storage {
            var tokens: [String: Issued] = [:]
            var failNext = 0
            var failStatus = 503
            var delayNext = 0
            var delaySeconds = 0.0
            var rejectNext = 0
            var tokenRequests = 0
            var received: [ReceivedFile] = []
            var cardChecks = 0
            var nextTransaction = 1
        }

        let storage = Mutex(Storage())

        init() {}

        /// Applies a control message.
        public func apply(_ control: SimulatorControl) {
            storage.withLock { storage in
                if control.reset == true { storage = Storage() }
                if let count = control.failNext { storage.failNext = max(0, count) }
                if let status = control.failStatus { storage.failStatus = status }
                if let count = control.delayNext { storage.delayNext = max(0, count) }
                if let seconds = control.delaySeconds { storage.delaySeconds = max(0, seconds) }
                if let count = control.rejectNext { storage.rejectNext = max(0, count) }
                if control.expireTokens == true {
                    for key in storage.tokens.keys { storage.tokens[key]?.expiresAt = .distantPast }
                }
            }
        }

        /// How many token requests arrived (granted or not).
        public var tokenRequests: Int { storage.withLock { $0.tokenRequests } }
        /// How many card checks were answered (after injected failures).
        public var cardChecks: Int { storage.withLock { $0.cardChecks } }
        /// Submissions and check-ins that got past injected failures and the token check, in order.
        public var received: [ReceivedFile] { storage.withLock { $0.received } }

        /// Counters as JSON members (`GET /sim/stats`).
        var statistics: [String: Int] {
            storage.withLock {
                [
                    "tokenRequests": $0.tokenRequests, "received": $0.received.count,
                    "accepted": $0.received.filter { $0.transactionID != nil }.count, "cardChecks": $0.cardChecks,
                    "failNext": $0.failNext, "delayNext": $0.delayNext, "rejectNext": $0.rejectNext,
                ]
            }
        }

        func issueToken(lifetime: Duration, now: Date) -> (access: String, id: String) {
            let access = UUID().uuidString
            let id = UUID().uuidString
            let seconds = Double(lifetime.components.seconds) + Double(lifetime.components.attoseconds) / 1e18
            storage.withLock {
                $0.tokens[access] = Issued(idToken: id, expiresAt: now.addingTimeInterval(seconds))
            }
            return (access, id)
        }

        func countTokenRequest() {
            storage.withLock { $0.tokenRequests += 1 }
        }

        func isValid(accessToken: String?, idToken: String?, now: Date) -> Bool {
            guard let accessToken, let idToken else { return false }
            return storage.withLock { storage in
                guard let issued = storage.tokens[accessToken] else { return false }
                return issued.idToken == idToken && issued.expiresAt > now
            }
        }

        /// The injected failure for the next request, if any: a delay, then a status.
        func takeInjection() -> (delay: Double?, status: Int?) {
            storage.withLock { storage in
                var delay: Double?
                var status: Int?
                if storage.delayNext > 0 {
                    storage.delayNext -= 1
                    delay = storage.delaySeconds
                }
                if storage.failNext > 0 {
                    storage.failNext -= 1
                    status = storage.failStatus
                }
                return (delay, status)
            }
        }

        func takeRejection() -> Bool {
            storage.withLock { storage in
                guard storage.rejectNext > 0 else { return false }
                storage.rejectNext -= 1
                return true
            }
        }

        func nextTransactionID() -> String {
            storage.withLock { storage in
                defer { storage.nextTransaction += 1 }
                return "SIM\(String(format: "%010d", storage.nextTransaction))"
            }
        }

        func record(_ file: ReceivedFile) {
            storage.withLock { $0.received.append(file) }
        }

        func countCardCheck() {
            storage.withLock { $0.cardChecks += 1 }
        }
    }
}
