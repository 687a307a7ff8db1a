public import Foundation

/// One auditable thing that happened, before it is appended to an ``AuditLog`` (which gives it
/// its sequence number and hashes).
///
/// The target names what was acted on by identifier only — `message 42`, `entry 7`,
/// `destination lab`, a configuration file's path — never a patient's name or identifier.
///
/// ```swift
/// try await log.appendAudit(AuditEvent(time: .now, actor: .cli, action: .replay, target: "entry 7", detail: "new entry 12"))
/// ```
public struct AuditEvent: Hashable, Sendable {
    /// When it happened (stored to the microsecond).
    public var time: Date
    /// Who did it.
    public var actor: AuditActor
    /// What was done.
    public var action: AuditAction
    /// What it was done to, by identifier (`message 42`, `entry 7`, `destination lab`, a path).
    public var target: String
    /// A short free text (an outcome, a count, a new identifier); no patient data.
    public var detail: String
    /// The client's address (`203.0.113.7`), when the action came over the network.
    public var clientAddress: String?

    /// Creates an event.
    public init(time: Date, actor: AuditActor, action: AuditAction, target: String, detail: String = "", clientAddress: String? = nil) {
        self.time = time
        self.actor = actor
        self.action = action
        self.target = target
        self.detail = detail
        self.clientAddress = clientAddress
    }
}
