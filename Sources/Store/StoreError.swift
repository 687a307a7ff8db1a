/// An error from a ``MessageStore``.
///
/// ``description`` names the code and the identifiers involved only — never message content
/// or patient data; the underlying database error is in ``debugDescription``.
public struct StoreError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong. A set of values that may grow.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public var rawValue: String

        /// Creates a code from its name.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// No message or entry has the given identifier.
        public static let notFound = Code(rawValue: "notFound")
        /// The operation does not apply in the current state (e.g. routing a message twice,
        /// replaying a rejected message, replaying an entry that is still queued).
        public static let invalidState = Code(rawValue: "invalidState")
        /// The lease expired and the entry was leased again, or finished by someone else.
        public static let leaseLost = Code(rawValue: "leaseLost")
        /// An argument is out of range (e.g. a non-positive limit).
        public static let invalidArgument = Code(rawValue: "invalidArgument")
        /// The database failed (I/O, corruption, a closed store).
        public static let database = Code(rawValue: "database")
        /// A row is encrypted under a key the store was not given (``StoreError/keyID`` names it),
        /// or a configured key is not the one the store knows under its identifier.
        public static let keyUnavailable = Code(rawValue: "keyUnavailable")
        /// An encrypted body failed authentication: tampered with, moved from another row, or
        /// sealed with another key under the same identifier.
        public static let undecryptable = Code(rawValue: "undecryptable")

        /// The code's name.
        public var description: String { rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The message concerned, if any.
    public var messageID: MessageID?
    /// The entry concerned, if any.
    public var entryID: EntryID?
    /// The audit record concerned, if any (its sequence number).
    public var auditSequence: Int64?
    /// The encryption key concerned, if any (its identifier).
    public var keyID: String?
    /// The underlying error, if any (only in ``debugDescription``).
    public var underlying: (any Error)?

    /// Creates an error.
    public init(code: Code, messageID: MessageID? = nil, entryID: EntryID? = nil, auditSequence: Int64? = nil, keyID: String? = nil,
                underlying: (any Error)? = nil) {
        self.code = code
        self.keyID = keyID
        self.messageID = messageID
        self.entryID = entryID
        self.auditSequence = auditSequence
        self.underlying = underlying
    }

    /// The code and identifiers, e.g. `StoreError(leaseLost, entry: 42)`.
    public var description: String {
        var text = "StoreError(\(code)"
        if let messageID { text += ", message: \(messageID)" }
        if let entryID { text += ", entry: \(entryID)" }
        if let auditSequence { text += ", audit record: \(auditSequence)" }
        if let keyID { text += ", key: \(keyID)" }
        return text + ")"
    }

    /// ``description`` plus the underlying error.
    public var debugDescription: String {
        guard let underlying else { return description }
        return description + ": \(String(reflecting: underlying))"
    }
}
