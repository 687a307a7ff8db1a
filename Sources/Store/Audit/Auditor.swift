public import Foundation

/// The one-line way for the bus, the CLI and the admin API to audit what they do: an
/// ``AuditLog`` and a clock.
///
/// ```swift
/// if let auditor = Auditor(store: store) {
///     try await auditor.record(.replay, by: .cli, target: "entry 7", detail: "new entry 12")
/// }
/// ```
public struct Auditor: Sendable {
    /// Where records go.
    public let log: any AuditLog
    /// The time of each record (tests pass a fixed one).
    public var clock: @Sendable () -> Date

    /// An auditor writing to `log`.
    public init(log: any AuditLog, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.log = log
        self.clock = clock
    }

    /// An auditor writing to `store`'s audit log, or `nil` when the store keeps none.
    public init?(store: any MessageStore, clock: @escaping @Sendable () -> Date = { Date() }) {
        guard let log = store as? any AuditLog else { return nil }
        self.init(log: log, clock: clock)
    }

    /// Appends one record now.
    ///
    /// - Parameters:
    ///   - action: what was done.
    ///   - actor: who did it.
    ///   - target: what it was done to, by identifier (`message 42`, `destination lab`) — never patient data.
    ///   - detail: a short outcome.
    ///   - client: the client's address, for actions that came over the network.
    @discardableResult
    public func record(_ action: AuditAction, by actor: AuditActor, target: String, detail: String = "", client: String? = nil) async throws
        -> AuditRecord
    {
        try await log.appendAudit(
            AuditEvent(time: clock(), actor: actor, action: action, target: target, detail: detail, clientAddress: client))
    }
}
