/// What a user or API token of the admin API may do; each role may do what the ones before it
/// may.
public enum AdminRole: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    /// Sees what flows and what is stuck (channels, queues, message headers, errors): never
    /// message content.
    case viewer
    /// Also sees message content (raw input, outputs, responses) and acts on messages: replay,
    /// retry dead letters.
    case `operator`
    /// Also changes the configuration (reload) and manages users and tokens.
    case admin

    public static func < (left: AdminRole, right: AdminRole) -> Bool {
        allCases.firstIndex(of: left)! < allCases.firstIndex(of: right)!
    }
}
