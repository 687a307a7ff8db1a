/// The keys a store encrypts with: the ``current`` key seals every new body; ``previous`` keys
/// only open rows sealed before a rotation, until ``KeyRotatingStore/reencrypt(batchSize:)`` has
/// moved them to the current key.
///
/// ```swift
/// let ring = try KeyRing(current: try .load(id: "2026-11", file: "/etc/lienthong/2026-11.key"),
///                        previous: [try .load(id: "2026-05", environment: "LIENTHONG_OLD_KEY")])
/// ```
public struct KeyRing: Sendable, CustomStringConvertible {
    /// The key new rows are sealed with.
    public let current: EncryptionKey
    /// Older keys, to open rows not yet re-encrypted.
    public let previous: [EncryptionKey]

    /// A ring; every identifier must be distinct.
    ///
    /// - Throws: ``EncryptionKeyError`` with code ``EncryptionKeyError/Code/duplicateKeyID``.
    public init(current: EncryptionKey, previous: [EncryptionKey] = []) throws(EncryptionKeyError) {
        var seen: Set<String> = [current.id]
        for key in previous where !seen.insert(key.id).inserted {
            throw EncryptionKeyError(code: .duplicateKeyID, keyID: key.id, message: "two keys of the ring have this id")
        }
        self.current = current
        self.previous = previous
    }

    /// Every key, the current one first.
    public var keys: [EncryptionKey] { [current] + previous }

    /// The key with identifier `id`, if the ring has it.
    public func key(id: String) -> EncryptionKey? {
        keys.first { $0.id == id }
    }

    /// `KeyRing(current: <id>, previous: [<ids>])`.
    public var description: String {
        "KeyRing(current: \(current.id), previous: [\(previous.map(\.id).joined(separator: ", "))])"
    }
}
