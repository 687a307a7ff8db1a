import Foundation
import PostgresNIO
public import Store

extension PostgresStore: AuditLog {
    /// See ``Store/AuditLog/appendAudit(_:)``: one transaction that first locks the table
    /// against other appends (`SHARE ROW EXCLUSIVE`, which conflicts with itself but not with
    /// readers), so appends from every process sharing the schema take turns and make one chain.
    @discardableResult
    public func appendAudit(_ event: AuditEvent) async throws -> AuditRecord {
        try await transaction { connection in
            try await connection.query("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE", logger: Self.quiet)
            let rows = try await connection.query(
                "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1", logger: Self.quiet
            ).collect()
            var sequence: Int64 = 0
            var previousHash = AuditRecord.genesisHash
            if let row = rows.first {
                (sequence, previousHash) = try row.decode((Int64, String).self)
            }
            let record = AuditRecord(chaining: event, sequence: sequence + 1, previousHash: previousHash)
            try await connection.query(
                """
                INSERT INTO audit_log (sequence, recorded_at, actor, action, target, detail, client, previous_hash, hash)
                VALUES (\(record.sequence), \(Timestamp(record.time)), \(record.actor.rawValue), \(record.action.rawValue),
                        \(record.target), \(record.detail), \(record.clientAddress), \(record.previousHash), \(record.hash))
                """,
                logger: Self.quiet
            )
            return record
        }
    }

    /// See ``Store/AuditLog/auditRecords(matching:after:limit:)``.
    public func auditRecords(matching query: AuditQuery, after: Int64?, limit: Int) async throws -> [AuditRecord] {
        try Self.check(limit: limit)
        var bindings = PostgresBindings()
        var conditions: [String] = []
        func condition(_ sql: String, _ value: some PostgresDynamicTypeEncodable) {
            bindings.append(value)
            conditions.append(sql.replacingOccurrences(of: "?", with: "$\(bindings.count)"))
        }
        condition("sequence > ?", after ?? 0)
        if let value = query.from { condition("recorded_at >= ?", Timestamp(value)) }
        if let value = query.before { condition("recorded_at < ?", Timestamp(value)) }
        if let value = query.action { condition("action = ?", value.rawValue) }
        if let value = query.actor { condition("actor = ?", value.rawValue) }
        bindings.append(limit)
        let sql = """
            SELECT sequence, recorded_at, actor, action, target, detail, client, previous_hash, hash FROM audit_log
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY sequence LIMIT $\(bindings.count)
            """
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: bindings)).map(Self.auditRecord)
    }

    static func auditRecord(_ row: PostgresRow) throws -> AuditRecord {
        let (sequence, time, actor, actionName, target, detail, client, previousHash, hash) = try row.decode(
            (Int64, Timestamp, String, String, String, String, String?, String, String).self)
        guard let action = AuditAction(rawValue: actionName) else {
            throw StoreError(code: .database, auditSequence: sequence)
        }
        return AuditRecord(
            sequence: sequence, time: time.date, actor: AuditActor(rawValue: actor), action: action, target: target, detail: detail,
            clientAddress: client, previousHash: previousHash, hash: hash)
    }
}
