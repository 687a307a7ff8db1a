import Foundation
import Synchronization

/// Slows password guessing: after ``limit`` failed logins for one account name within
/// ``window``, that name's logins are refused (429) until the window has passed since the
/// first of them. Kept per node, in memory; every failure is also in the audit log.
final class LoginThrottle: Sendable {
    /// Failed logins allowed per name and window.
    static let limit = 5
    /// The window, in seconds.
    static let window: TimeInterval = 15 * 60

    private let failures = Mutex<[String: [Date]]>([:])

    /// Whether a login for `name` may be tried at `now`.
    func allows(_ name: String, now: Date) -> Bool {
        failures.withLock { failures in
            let recent = (failures[name] ?? []).filter { now.timeIntervalSince($0) < Self.window }
            failures[name] = recent.isEmpty ? nil : recent
            return recent.count < Self.limit
        }
    }

    /// Records a failed login for `name`.
    func fail(_ name: String, now: Date) {
        failures.withLock { failures in
            // Bounded: a flood of made-up names cannot grow the table without end.
            if failures.count > 10_000 { failures.removeAll() }
            failures[name, default: []].append(now)
        }
    }

    /// Forgets the failures of `name` (after a successful login).
    func succeed(_ name: String) {
        failures.withLock { _ = $0.removeValue(forKey: name) }
    }
}
