/// Who may use the admin API (`/api/…`): the API tokens and their roles.
public struct SecurityConfiguration: Sendable, Hashable {
    /// The configured tokens, in file order.
    public var tokens: [APIToken]
    /// The keys that encrypt message bodies at rest (`security.encryption`); `nil`: the default
    /// (SQLite: a key file generated beside the database; PostgreSQL: no encryption, with a warning).
    public var encryption: EncryptionConfiguration?

    /// Creates a configuration; without tokens the admin API answers nobody (401).
    public init(tokens: [APIToken] = []) {
        self.tokens = tokens
    }

    /// The token `text` is, if it is one of ``tokens``.
    public func token(matching text: String) -> APIToken? {
        // Every token is compared, so the time taken does not tell which one matched.
        var found: APIToken?
        for token in tokens where token.matches(text) && found == nil { found = token }
        return found
    }
}
