import Foundation
import PostgresNIO
public import Store

extension PostgresStore: KeyRotatingStore {
    /// See ``Store/KeyRotatingStore/currentKeyID``.
    public var currentKeyID: String? { cipher.currentKeyID }

    /// Checks the ring against the database after the migrations (see `SQLiteStore.checkKeys`):
    /// a ring key known under its id with another fingerprint, or a newest message under a key
    /// the ring lacks, fails with ``Store/StoreError/Code/keyUnavailable``; records the current key's id.
    func checkKeys() async throws {
        let cipher = self.cipher
        try await unlockedTransaction { connection in
            var known: [String: String] = [:]
            for row in try await connection.query("SELECT key_id, fingerprint FROM store_key", logger: Self.quiet).collect() {
                let (id, fingerprint) = try row.decode((String, String).self)
                known[id] = fingerprint
            }
            for key in cipher.ring?.keys ?? [] {
                if let fingerprint = known[key.id], fingerprint != key.fingerprint {
                    throw StoreError(code: .keyUnavailable, keyID: key.id)
                }
            }
            let newest = try await connection.query("SELECT key_id FROM message ORDER BY id DESC LIMIT 1", logger: Self.quiet).collect()
            if let row = newest.first, let keyID = try row.decode(String?.self), cipher.ring?.key(id: keyID) == nil {
                throw StoreError(code: .keyUnavailable, keyID: keyID)
            }
            if let current = cipher.ring?.current, known[current.id] == nil {
                try await connection.query(
                    "INSERT INTO store_key (key_id, fingerprint) VALUES (\(current.id), \(current.fingerprint)) ON CONFLICT DO NOTHING",
                    logger: Self.quiet)
            }
        }
    }

    /// See ``Store/KeyRotatingStore/keyUsage()``.
    public func keyUsage() async throws -> [KeyUsage] {
        var usage: [KeyUsage] = []
        for table in ["message", "entry", "attempt"] {
            let rows = try await rows(PostgresQuery(unsafeSQL: "SELECT key_id, count(*) FROM \(table) GROUP BY key_id ORDER BY key_id"))
            for row in rows {
                let (keyID, count) = try row.decode((String?, Int64).self)
                usage.append(KeyUsage(table: table, keyID: keyID, rows: Int(count)))
            }
        }
        return usage
    }

    /// See ``Store/KeyRotatingStore/reencrypt(batchSize:)``: one transaction per table; the rows
    /// are taken `FOR UPDATE SKIP LOCKED`, so nodes rotating together never wait on (or redo)
    /// each other's rows, and a row being leased or finished is simply taken by a later batch.
    public func reencrypt(batchSize: Int) async throws -> ReencryptionBatch {
        try Self.check(limit: batchSize)
        guard let ring = cipher.ring else { return ReencryptionBatch() }
        let cipher = self.cipher
        let old = ring.previous.map(\.id)
        let current = ring.current.id
        var batch = ReencryptionBatch()
        batch.reencrypted["message"] = try await transaction { connection in
            let rows = try await connection.query(
                """
                SELECT id, channel, received_at, control_id, patient_id, raw, key_id FROM message
                WHERE key_id IS NULL OR key_id = ANY(\(old)) LIMIT \(batchSize) FOR UPDATE SKIP LOCKED
                """,
                logger: Self.quiet
            ).collect()
            for row in rows {
                let columns = row.makeRandomAccess()
                let id = try columns["id"].decode(Int64.self)
                let receivedAt = try columns["received_at"].decode(Timestamp.self)
                let sealed = try cipher.resealMessage(
                    raw: Self.bytes(try columns["raw"].decode(ByteBuffer.self)), patientID: try columns["patient_id"].decode(String?.self),
                    keyID: try columns["key_id"].decode(String?.self),
                    binding: BodyCipher.message(
                        channel: try columns["channel"].decode(String.self), receivedAt: receivedAt.microseconds,
                        controlID: try columns["control_id"].decode(String?.self)))
                try await connection.query(
                    """
                    UPDATE message SET raw = \(ByteBuffer(bytes: sealed.raw)), patient_id = \(sealed.patientID), key_id = \(current)
                    WHERE id = \(id) AND received_at = \(receivedAt)
                    """,
                    logger: Self.quiet)
            }
            return rows.count
        }
        batch.reencrypted["entry"] = try await transaction { connection in
            let rows = try await connection.query(
                """
                SELECT id, message_id, destination, payload, key_id FROM entry
                WHERE key_id IS NULL OR key_id = ANY(\(old)) LIMIT \(batchSize) FOR UPDATE SKIP LOCKED
                """,
                logger: Self.quiet
            ).collect()
            for row in rows {
                let (id, message, destination, stored, keyID) = try row.decode((Int64, Int64, String, ByteBuffer?, String?).self)
                let payload = try cipher.reseal(
                    stored.map(Self.bytes), keyID: keyID, binding: BodyCipher.entry(message: message, destination: destination))
                try await connection.query(
                    "UPDATE entry SET payload = \(payload.map { ByteBuffer(bytes: $0) }), key_id = \(current) WHERE id = \(id)",
                    logger: Self.quiet)
            }
            return rows.count
        }
        batch.reencrypted["attempt"] = try await transaction { connection in
            let rows = try await connection.query(
                """
                SELECT entry_id, number, started_at, response, key_id FROM attempt
                WHERE key_id IS NULL OR key_id = ANY(\(old)) LIMIT \(batchSize) FOR UPDATE SKIP LOCKED
                """,
                logger: Self.quiet
            ).collect()
            for row in rows {
                let (entry, number, startedAt, stored, keyID) = try row.decode((Int64, Int, Timestamp, ByteBuffer?, String?).self)
                let response = try cipher.reseal(
                    stored.map(Self.bytes), keyID: keyID, binding: BodyCipher.attempt(entry: entry, number: number))
                try await connection.query(
                    """
                    UPDATE attempt SET response = \(response.map { ByteBuffer(bytes: $0) }), key_id = \(current)
                    WHERE entry_id = \(entry) AND number = \(number) AND started_at = \(startedAt)
                    """,
                    logger: Self.quiet)
            }
            return rows.count
        }
        return batch
    }
}
