/// What a configuration reload did: applied (with the changes made), or refused (with the
/// errors, each naming file, line and key; the previous configuration keeps running).
///
/// `POST /admin/reload` answers it as JSON: `{"applied":false,"errors":["bus.yaml:7:11: channels.his.mllp.port: …"],"changes":[]}`.
public struct ConfigurationReload: Sendable, Codable, Hashable {
    /// Whether the new configuration is in use.
    public var applied: Bool
    /// Why it was refused; or, when applied, what failed afterwards (a listener that could not bind).
    public var errors: [String]
    /// What changed, one line each (`channel his: routes replaced`, `destination lis: restarted`).
    public var changes: [String]

    /// Creates a result.
    public init(applied: Bool, errors: [String] = [], changes: [String] = []) {
        self.applied = applied
        self.errors = errors
        self.changes = changes
    }

    /// A refused reload.
    public static func refused(_ errors: [String]) -> ConfigurationReload {
        ConfigurationReload(applied: false, errors: errors)
    }
}
