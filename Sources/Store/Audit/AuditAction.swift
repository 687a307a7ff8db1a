/// What an audited person or process did: a closed set, stored as its raw value.
///
/// The set is closed on purpose: an audit trail is only useful when every writer names the same
/// action the same way. A new action is a new case (and a line in `docs/AUDIT.md`).
public enum AuditAction: String, Sendable, Hashable, CaseIterable, Codable {
    /// A successful login to the dashboard or the admin API.
    case login
    /// A refused login (wrong password, unknown user, bad token).
    case loginFailed = "login-failed"
    /// A logout.
    case logout
    /// Someone saw a message's content (raw input, a transformed output, a response).
    case viewMessage = "view-message"
    /// A message or a queue entry was enqueued again.
    case replay
    /// Dead letters were enqueued again.
    case retryDeadLetters = "retry-dead-letters"
    /// A queue entry or a message was discarded.
    case discard
    /// A destination was paused.
    case pauseDestination = "pause-destination"
    /// A destination was resumed.
    case resumeDestination = "resume-destination"
    /// The configuration file was read again (applied or refused: see the record's detail).
    case configReload = "config-reload"
    /// The configuration was changed (through the admin API).
    case configChange = "config-change"
    /// A user was created, changed (role, password) or removed.
    case userChange = "user-change"
    /// An API token was created or revoked.
    case tokenChange = "token-change"
    /// The key that encrypts message bodies at rest was rotated.
    case keyRotation = "key-rotation"
    /// Someone searched messages by a patient identifier (the record names the search, never the identifier).
    case searchMessages = "search-messages"
    /// A request was refused for lack of a role (the record names the endpoint).
    case accessDenied = "access-denied"
}
