import Foundation
import GRDB

extension SQLiteStore: AuditLog {
    /// See ``AuditLog/appendAudit(_:)``: one write operation of the group commit, so appends
    /// from this process run one after the other; another process writing the same file waits
    /// for SQLite's write lock. The sequence is the table's primary key: a second writer that
    /// numbered the same record would fail, not fork the chain.
    @discardableResult
    public func appendAudit(_ event: AuditEvent) async throws -> AuditRecord {
        try await writing { db in
            let last = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1"))
            var sequence: Int64 = 0
            var previousHash = AuditRecord.genesisHash
            if let last {
                sequence = last["sequence"]
                previousHash = last["hash"]
            }
            let record = AuditRecord(chaining: event, sequence: sequence + 1, previousHash: previousHash)
            try db.cachedStatement(sql: """
                INSERT INTO audit_log (sequence, recorded_at, actor, action, target, detail, client, previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    record.sequence, record.time.storeMicroseconds, record.actor.rawValue, record.action.rawValue, record.target,
                    record.detail, record.clientAddress, record.previousHash, record.hash,
                ])
            return record
        }
    }

    /// See ``AuditLog/auditRecords(matching:after:limit:)``.
    public func auditRecords(matching query: AuditQuery, after: Int64?, limit: Int) async throws -> [AuditRecord] {
        try Self.check(limit: limit)
        var conditions = SQLiteConditions("sequence > ?", after ?? 0)
        conditions.add("recorded_at >= ?", query.from?.storeMicroseconds)
        conditions.add("recorded_at < ?", query.before?.storeMicroseconds)
        conditions.add("action = ?", query.action?.rawValue)
        conditions.add("actor = ?", query.actor?.rawValue)
        let sql = "SELECT * FROM audit_log WHERE \(conditions.sql) ORDER BY sequence LIMIT ?"
        let statementArguments = conditions.statementArguments(then: limit)
        return try await reading { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map(Self.auditRecord)
        }
    }

    static func auditRecord(_ row: Row) throws -> AuditRecord {
        let sequence: Int64 = row["sequence"]
        let actionName: String = row["action"]
        guard let action = AuditAction(rawValue: actionName) else {
            throw StoreError(code: .database, auditSequence: sequence)
        }
        return AuditRecord(
            sequence: sequence, time: Date(storeMicroseconds: row["recorded_at"]), actor: AuditActor(rawValue: row["actor"]),
            action: action, target: row["target"], detail: row["detail"], clientAddress: row["client"],
            previousHash: row["previous_hash"], hash: row["hash"])
    }

    /// Runs SQL on the database directly, past the store and its checks: for tests that tamper
    /// with a file (e.g. drop the audit log's triggers and edit a record). Never for the bus.
    package func execute(unsafeSQL sql: String) async throws {
        try await pool.write { db in try db.execute(sql: sql) }
    }
}
