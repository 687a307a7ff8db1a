/// A key that cannot be read or used (a bad file, a missing environment variable, a wrong length).
///
/// ``description`` names the key's identifier and where it came from, never key material.
public struct EncryptionKeyError: Error, Sendable, CustomStringConvertible {
    /// What went wrong. A set of values that may grow.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public var rawValue: String
        /// Creates a code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The key id is empty, too long or has characters outside letters, digits, `-`, `_`, `.`.
        public static let invalidKeyID = Code(rawValue: "invalidKeyID")
        /// The key is not 32 bytes (raw, or base64).
        public static let invalidKey = Code(rawValue: "invalidKey")
        /// The key file or environment variable cannot be read.
        public static let unreadable = Code(rawValue: "unreadable")
        /// Two keys of one ring have the same identifier.
        public static let duplicateKeyID = Code(rawValue: "duplicateKeyID")

        /// The code's name.
        public var description: String { rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The key concerned.
    public var keyID: String
    /// Where the key came from (`file /etc/lienthong/k1.key`, `environment LIENTHONG_KEY`), if known.
    public var source: String?
    /// A short explanation.
    public var message: String

    /// Creates an error.
    public init(code: Code, keyID: String, source: String? = nil, message: String) {
        self.code = code
        self.keyID = keyID
        self.source = source
        self.message = message
    }

    /// The key id, the source and the explanation.
    public var description: String {
        "key \(keyID)\(source.map { " (\($0))" } ?? ""): \(message)"
    }
}
