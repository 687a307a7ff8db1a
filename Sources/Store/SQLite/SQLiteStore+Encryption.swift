import Foundation
import GRDB

extension SQLiteStore: KeyRotatingStore {
    /// See ``KeyRotatingStore/currentKeyID``.
    public var currentKeyID: String? { cipher.currentKeyID }

    /// Checks the ring against the file at open: a ring key whose id the file knows with another
    /// fingerprint, or a newest message under a key the ring lacks, is refused with
    /// ``StoreError/Code/keyUnavailable`` naming the key; the current key's id is recorded.
    static func checkKeys(_ cipher: BodyCipher, _ pool: DatabasePool) throws {
        try pool.write { db in
            let known = try Dictionary(
                Row.fetchAll(db, sql: "SELECT key_id, fingerprint FROM store_key").map { ($0["key_id"] as String, $0["fingerprint"] as String) },
                uniquingKeysWith: { first, _ in first })
            for key in cipher.ring?.keys ?? [] {
                if let fingerprint = known[key.id], fingerprint != key.fingerprint {
                    throw StoreError(code: .keyUnavailable, keyID: key.id, underlying: KeyMismatch())
                }
            }
            if let newest = try String.fetchOne(db, sql: "SELECT key_id FROM message ORDER BY id DESC LIMIT 1"),
                cipher.ring?.key(id: newest) == nil
            {
                throw StoreError(code: .keyUnavailable, keyID: newest)
            }
            if let current = cipher.ring?.current, known[current.id] == nil {
                try db.execute(
                    sql: "INSERT INTO store_key (key_id, fingerprint, first_used_at) VALUES (?, ?, ?)",
                    arguments: [current.id, current.fingerprint, Date().storeMicroseconds])
            }
        }
    }

    /// See ``KeyRotatingStore/keyUsage()``.
    public func keyUsage() async throws -> [KeyUsage] {
        try await reading { db in
            try ["message", "entry", "attempt"].flatMap { table in
                try Row.fetchAll(db, sql: "SELECT key_id, count(*) AS rows FROM \(table) GROUP BY key_id ORDER BY key_id").map {
                    KeyUsage(table: table, keyID: $0["key_id"], rows: $0["rows"])
                }
            }
        }
    }

    /// See ``KeyRotatingStore/reencrypt(batchSize:)``: one write operation per table (group
    /// commit), each re-sealing at most `batchSize` rows.
    public func reencrypt(batchSize: Int) async throws -> ReencryptionBatch {
        try Self.check(limit: batchSize)
        guard let ring = cipher.ring else { return ReencryptionBatch() }
        let cipher = self.cipher
        let old = ring.previous.map(\.id)
        let selection = "(key_id IS NULL" + (old.isEmpty ? ")" : " OR key_id IN (\(old.map { _ in "?" }.joined(separator: ", "))))")
        var arguments = StatementArguments(old)
        arguments += [batchSize]
        let select = arguments
        var batch = ReencryptionBatch()
        batch.reencrypted["message"] = try await writing { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, channel, received_at, control_id, patient_id, raw, key_id FROM message WHERE \(selection) LIMIT ?",
                arguments: select)
            for row in rows {
                let keyID: String? = row["key_id"]
                let raw: Data = row["raw"]
                let sealed = try cipher.resealMessage(
                    raw: [UInt8](raw), patientID: row["patient_id"], keyID: keyID,
                    binding: BodyCipher.message(channel: row["channel"], receivedAt: row["received_at"], controlID: row["control_id"]))
                try db.execute(
                    sql: "UPDATE message SET raw = ?, patient_id = ?, key_id = ? WHERE id = ?",
                    arguments: [Data(sealed.raw), sealed.patientID, ring.current.id, row["id"] as Int64])
            }
            return rows.count
        }
        batch.reencrypted["entry"] = try await writing { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, message_id, destination, payload, key_id FROM entry WHERE \(selection) LIMIT ?", arguments: select)
            for row in rows {
                let stored: Data? = row["payload"]
                let payload = try cipher.reseal(
                    stored.map { [UInt8]($0) }, keyID: row["key_id"],
                    binding: BodyCipher.entry(message: row["message_id"], destination: row["destination"]))
                try db.execute(
                    sql: "UPDATE entry SET payload = ?, key_id = ? WHERE id = ?",
                    arguments: [payload.map { Data($0) }, ring.current.id, row["id"] as Int64])
            }
            return rows.count
        }
        batch.reencrypted["attempt"] = try await writing { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT entry_id, number, response, key_id FROM attempt WHERE \(selection) LIMIT ?", arguments: select)
            for row in rows {
                let stored: Data? = row["response"]
                let response = try cipher.reseal(
                    stored.map { [UInt8]($0) }, keyID: row["key_id"], binding: BodyCipher.attempt(entry: row["entry_id"], number: row["number"]))
                try db.execute(
                    sql: "UPDATE attempt SET response = ?, key_id = ? WHERE entry_id = ? AND number = ?",
                    arguments: [response.map { Data($0) }, ring.current.id, row["entry_id"] as Int64, row["number"] as Int])
            }
            return rows.count
        }
        return batch
    }
}

/// The configured key is not the key the store used under this id (another key file, a
/// regenerated one): only in ``StoreError/debugDescription``.
struct KeyMismatch: Error, CustomStringConvertible {
    var description: String { "the configured key is not the key this store used under this id" }
}
