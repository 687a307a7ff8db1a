/// An append-only, hash-chained log of who did what: logins, views of message content,
/// replays, configuration changes.
///
/// Both stores adopt it (`SQLiteStore`, `PostgresStore`), next to ``MessageStore``. The database
/// refuses `UPDATE` and `DELETE` on the log's table (triggers), and each record carries the hash
/// of the one before, so an edit made past the triggers is found by ``AuditChainVerifier``
/// (``verifyAuditChain(pageSize:)``).
///
/// Records never hold patient data: targets are identifiers (`message 42`), details are outcomes.
///
/// ```swift
/// try await store.appendAudit(AuditEvent(time: .now, actor: .user("lan"), action: .viewMessage, target: "message 42"))
/// let verification = try await store.verifyAuditChain()
/// ```
public protocol AuditLog: Sendable {
    /// Appends one record, in one transaction: reads the last record, numbers the new one after
    /// it and chains its hash to the last one's. Appends are serialised — in one process and
    /// across the processes sharing a database — so concurrent appends still make one chain.
    ///
    /// - Returns: the record as stored.
    @discardableResult
    func appendAudit(_ event: AuditEvent) async throws -> AuditRecord

    /// Records matching `query`, in sequence order, after the given sequence number (keyset
    /// paging: pass the last sequence of the previous page).
    ///
    /// - Throws: ``StoreError/Code/invalidArgument`` for a non-positive limit;
    ///   ``StoreError/Code/database`` with ``StoreError/auditSequence`` when a stored row cannot be
    ///   read as a record (an action this version does not know).
    func auditRecords(matching query: AuditQuery, after: Int64?, limit: Int) async throws -> [AuditRecord]
}

extension AuditLog {
    /// Reads the whole log, page by page, through an ``AuditChainVerifier``; stops at the first
    /// bad record.
    ///
    /// A row that cannot be read (``StoreError`` with an ``StoreError/auditSequence``) is
    /// reported as the bad record.
    public func verifyAuditChain(pageSize: Int = 1_000) async throws -> AuditVerification {
        var verifier = AuditChainVerifier()
        var after: Int64?
        while true {
            let page: [AuditRecord]
            do {
                page = try await auditRecords(matching: AuditQuery(), after: after, limit: pageSize)
            } catch let error as StoreError where error.auditSequence != nil {
                return verifier.unreadable(sequence: error.auditSequence ?? 0)
            }
            for record in page {
                if verifier.check(record) != nil { return verifier.result }
            }
            guard let last = page.last else { return verifier.result }
            after = last.sequence
        }
    }
}
