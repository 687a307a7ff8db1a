public import Foundation

/// Which records ``AuditLog/auditRecords(matching:after:limit:)`` returns: every set field must
/// match (times: `from <= time < before`); unset fields match anything.
///
/// ```swift
/// let logins = try await log.auditRecords(matching: AuditQuery(action: .loginFailed), after: nil, limit: 100)
/// ```
public struct AuditQuery: Hashable, Sendable {
    /// The earliest time (inclusive).
    public var from: Date?
    /// The latest time (exclusive).
    public var before: Date?
    /// Only this action.
    public var action: AuditAction?
    /// Only this actor.
    public var actor: AuditActor?

    /// Creates a query; every field defaults to `nil` (match anything).
    public init(from: Date? = nil, before: Date? = nil, action: AuditAction? = nil, actor: AuditActor? = nil) {
        self.from = from
        self.before = before
        self.action = action
        self.actor = actor
    }

    /// Whether `record` matches (what the stores' `WHERE` clauses select).
    public func matches(_ record: AuditRecord) -> Bool {
        if let from, record.time < from { return false }
        if let before, record.time >= before { return false }
        if let action, record.action != action { return false }
        if let actor, record.actor != actor { return false }
        return true
    }
}
