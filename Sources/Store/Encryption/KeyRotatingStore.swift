/// A store whose bodies are encrypted under a ``KeyRing`` and can be moved to its current key.
///
/// Rotation: configure the new key as current and the old one among the previous keys, then
/// call ``reencrypt(batchSize:)`` until it returns an empty batch (the bus does so in the
/// background; `lienthong store rotate-key` runs it to completion). Each call is one short
/// transaction, safe beside a running bus — and, on PostgreSQL, beside other nodes doing the
/// same (rows are taken with `SKIP LOCKED`). ``keyUsage()`` tells when no row uses an old key
/// any more, so it can leave the configuration.
public protocol KeyRotatingStore: Sendable {
    /// The current key's id, `nil` when the store encrypts nothing.
    var currentKeyID: String? { get }

    /// How many rows of each table use each key id (`nil`: rows written without encryption).
    func keyUsage() async throws -> [KeyUsage]

    /// Re-encrypts up to `batchSize` rows of each table under a previous key of the ring (or
    /// stored without encryption), in one short transaction per table. Rows under a key the ring
    /// lacks are left alone (``keyUsage()`` shows them).
    ///
    /// - Throws: ``StoreError`` (``StoreError/Code/undecryptable`` for a row that does not open).
    func reencrypt(batchSize: Int) async throws -> ReencryptionBatch
}

/// Rows of one table under one key id.
public struct KeyUsage: Sendable, Hashable {
    /// `message`, `entry` or `attempt`.
    public var table: String
    /// The key id; `nil` for rows stored without encryption.
    public var keyID: String?
    /// How many rows.
    public var rows: Int

    /// Creates a count.
    public init(table: String, keyID: String?, rows: Int) {
        self.table = table
        self.keyID = keyID
        self.rows = rows
    }
}

/// What one ``KeyRotatingStore/reencrypt(batchSize:)`` call did.
public struct ReencryptionBatch: Sendable, Hashable {
    /// Rows moved to the current key, per table.
    public var reencrypted: [String: Int]

    /// Creates a result.
    public init(reencrypted: [String: Int] = [:]) {
        self.reencrypted = reencrypted
    }

    /// All rows re-encrypted.
    public var total: Int { reencrypted.values.reduce(0, +) }
}
