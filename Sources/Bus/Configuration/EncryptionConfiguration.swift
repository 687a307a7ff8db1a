public import Foundation
public import Store

/// Where the keys that encrypt message bodies at rest come from (`security: {encryption: …}`,
/// see `docs/SECURITY.md`): the current key and, during a rotation, the previous ones.
///
/// ```yaml
/// security:
///   encryption:
///     key-id: "2026-11"
///     key-file: /etc/lienthong/2026-11.key     # or key-env: LIENTHONG_STORE_KEY
///     previous-keys:
///       - {key-id: "2026-05", key-file: /etc/lienthong/2026-05.key}
/// ```
public struct EncryptionConfiguration: Sendable, Hashable {
    /// One key: its id and where its 32 bytes are (a file, or an environment variable).
    public struct KeySource: Sendable, Hashable, CustomStringConvertible {
        /// The id stored beside every row the key seals.
        public var id: String
        /// A file holding the key (base64 of 32 bytes, or 32 raw bytes).
        public var file: String?
        /// An environment variable holding the key in base64.
        public var environment: String?

        /// Creates a source; exactly one of `file` and `environment` should be set.
        public init(id: String, file: String? = nil, environment: String? = nil) {
            self.id = id
            self.file = file
            self.environment = environment
        }

        /// Reads the key.
        ///
        /// - Throws: ``Store/EncryptionKeyError`` naming the key id and its file or variable.
        public func load(environment variables: [String: String] = ProcessInfo.processInfo.environment) throws(EncryptionKeyError)
            -> EncryptionKey
        {
            if let file { return try EncryptionKey.load(id: id, file: file) }
            return try EncryptionKey.load(id: id, environment: environment ?? "", from: variables)
        }

        /// `<id> (file <path>)` or `<id> (environment <NAME>)`: never the key.
        public var description: String {
            "\(id) (\(file.map { "file \($0)" } ?? "environment \(environment ?? "")"))"
        }
    }

    /// The key new rows are sealed with.
    public var current: KeySource
    /// Keys of rows not yet re-encrypted.
    public var previous: [KeySource]

    /// Creates a configuration.
    public init(current: KeySource, previous: [KeySource] = []) {
        self.current = current
        self.previous = previous
    }

    /// Reads every key into a ring.
    ///
    /// - Throws: ``Store/EncryptionKeyError`` naming the key that cannot be read.
    public func keyRing(environment: [String: String] = ProcessInfo.processInfo.environment) throws(EncryptionKeyError) -> KeyRing {
        var previousKeys: [EncryptionKey] = []
        for source in previous { previousKeys.append(try source.load(environment: environment)) }
        return try KeyRing(current: try current.load(environment: environment), previous: previousKeys)
    }
}
