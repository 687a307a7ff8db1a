/// Who did an audited action: a user, an API token (by name, never its secret), the bus itself
/// (`system`) or the command line (`cli`).
///
/// Stored as its raw value: `system`, `cli`, `user:alice`, `token:deploy`.
public struct AuditActor: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The stored form, e.g. `user:alice`.
    public var rawValue: String

    /// Creates an actor from its stored form.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The bus itself (a SIGHUP reload, a background job).
    public static let system = AuditActor(rawValue: "system")
    /// A `lienthong` command run by an operator on the machine.
    public static let cli = AuditActor(rawValue: "cli")

    /// A dashboard user, by login name.
    public static func user(_ name: String) -> AuditActor {
        AuditActor(rawValue: "user:" + name)
    }

    /// An API token, by its name (never the token itself).
    public static func token(_ name: String) -> AuditActor {
        AuditActor(rawValue: "token:" + name)
    }

    /// The stored form.
    public var description: String { rawValue }
}
