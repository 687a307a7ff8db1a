public import Foundation
import GRDB
public import Logging

/// A ``MessageStore`` in one SQLite file (via GRDB), in WAL mode, with group commit.
///
/// Every write — a received message, a routing batch, a lease, a delivery attempt, a replay —
/// is one *write operation*. Operations issued while a commit runs are committed together in
/// the next write transaction (up to ``Configuration/maximumBatchSize``), each inside its own
/// savepoint, so one that fails is rolled back alone and the others commit. Each call returns
/// only after the transaction holding its operation committed. So under load the bus pays one
/// commit (and one write of each touched page) for many messages, whatever their stage. What a
/// commit survives is set by ``Durability``. Reads (inspection, ``message(_:)``) run on a
/// pool of reader connections and do not wait for writes.
///
/// ```swift
/// let store = try SQLiteStore(configuration: .init(), logger: logger) // ./data/lienthong.sqlite
/// defer { try? store.close() }
/// ```
/// The schema is described in `Sources/Store/README.md`.
public final class SQLiteStore: MessageStore {
    struct Incoming: Sendable {
        var message: IncomingMessage
        var window: Duration
    }

    /// One delivery attempt to record, with the lease it was made under.
    struct Attempt: Sendable {
        var report: AttemptReport?
        var lease: Lease
        var outcome: AttemptOutcome
        var now: Date
    }

    /// One write operation: run inside a savepoint of the next write transaction.
    struct Write: Sendable {
        var run: @Sendable (Database) throws -> any Sendable
    }

    let pool: DatabasePool
    /// Moves WAL checkpoints off the commit path.
    let checkpointer: SQLiteCheckpointer
    /// The group commit every write operation goes through.
    let writes: GroupCommit<Write, Result<any Sendable, any Error>>
    let logger: Logger
    /// Seals and opens bodies (see ``KeyRing``); passes them through without keys.
    let cipher: BodyCipher

    /// The configuration the store was opened with.
    public let configuration: Configuration

    /// Opens (creating if needed) the database file and brings its schema up to date.
    ///
    /// With `keys`, every body that can hold patient data is sealed with the current key (see
    /// ``KeyRing``) and read back with the key its row names; without, bodies are stored as they
    /// are (a file whose rows are encrypted then refuses to open).
    ///
    /// - Throws: ``StoreError`` with code ``StoreError/Code/database`` if the file cannot be
    ///   opened or migrated, ``StoreError/Code/keyUnavailable`` (naming the key id) if the file
    ///   was encrypted with a key `keys` lacks or has under another identity.
    public init(configuration: Configuration = Configuration(), keys: KeyRing? = nil, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        self.cipher = BodyCipher(keys)
        do {
            let url = URL(fileURLWithPath: configuration.path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            var database = GRDB.Configuration()
            database.label = "lienthong.store"
            database.maximumReaderCount = max(1, configuration.maximumReaderCount)
            database.busyMode = .timeout(Double(configuration.busyTimeout.storeMicroseconds) / 1_000_000)
            // 16 MiB of page cache per connection (SQLite's default is 2 MiB): the indexes the
            // writer touches on every commit stay in memory instead of being read back.
            database.prepareDatabase { db in
                try db.execute(sql: "PRAGMA cache_size = -16384")
                // Before GRDB turns on WAL (which fixes the file's format): a new file is created
                // in incremental auto-vacuum mode, so retention can give space back. No effect
                // on an existing file (see `enableIncrementalVacuum`).
                if !db.configuration.readonly { try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL") }
            }
            let pool = try DatabasePool(path: configuration.path, configuration: database)
            // After opening: GRDB sets `synchronous = NORMAL` when it enables WAL. Only the one
            // writer connection commits, so its setting is the one that matters.
            let synchronous = configuration.durability.synchronous
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(SQLiteCheckpointer.backstopPages)")
            }
            try Self.migrator.migrate(pool)
            try Self.checkKeys(BodyCipher(keys), pool)
            if configuration.retention != nil { try Self.enableIncrementalVacuum(pool, logger: logger) }
            self.pool = pool
            self.checkpointer = try SQLiteCheckpointer(path: configuration.path, logger: logger)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: .database, underlying: error)
        }
        let pool = self.pool
        let checkpointer = self.checkpointer
        let batchLogger = logger
        self.writes = GroupCommit(maximumBatchSize: max(1, configuration.maximumBatchSize)) { operations in
            let results = try await pool.write { db in
                try operations.map { try Self.run($0, db) }
            }
            checkpointer.committed()
            batchLogger.trace("Committed a write batch", metadata: ["store.batch_size": "\(operations.count)"])
            return results
        }
        logger.info(
            "Opened SQLite store",
            metadata: ["store.path": "\(configuration.path)", "store.durability": "\(configuration.durability)"]
        )
    }

    /// Closes the database. Later calls fail with ``StoreError/Code/database``.
    public func close() throws {
        do {
            try checkpointer.close()
            try pool.close()
        } catch {
            throw StoreError(code: .database, underlying: error)
        }
    }

    // MARK: Intake

    /// See ``MessageStore/receive(_:deduplicationWindow:)``; committed by group commit.
    public func receive(_ message: IncomingMessage, deduplicationWindow: Duration) async throws -> ReceiveResult {
        let incoming = Incoming(message: message, window: deduplicationWindow)
        let cipher = self.cipher
        return try await writing { db in try Self.insert(incoming, cipher, db) }
    }

    static func insert(_ incoming: Incoming, _ cipher: BodyCipher, _ db: Database) throws -> ReceiveResult {
        let message = incoming.message
        let header = message.header
        let receivedAt = message.receivedAt.storeMicroseconds
        if message.rejection == nil, let controlID = header.controlID, !controlID.isEmpty,
            incoming.window > .zero
        {
            let since = receivedAt - incoming.window.storeMicroseconds
            let existing = try Int64.fetchOne(
                db.cachedStatement(sql: """
                    SELECT id FROM message
                    WHERE channel = ? AND sending_application IS ? AND sending_facility IS ? AND control_id = ?
                      AND received_at >= ? AND state <> 'rejected'
                    ORDER BY received_at DESC LIMIT 1
                    """),
                arguments: [message.channel, header.sendingApplication, header.sendingFacility, controlID, since]
            )
            if let existing {
                try db.cachedStatement(sql: """
                    UPDATE message SET retransmissions = retransmissions + 1, last_retransmission_at = ?
                    WHERE id = ?
                    """).execute(arguments: [receivedAt, existing])
                return .duplicate(of: MessageID(rawValue: existing))
            }
        }
        let state: MessageState = message.rejection == nil ? .received : .rejected
        let sealed = try cipher.sealMessage(
            raw: message.raw, patientID: header.patientID,
            binding: BodyCipher.message(channel: message.channel, receivedAt: receivedAt, controlID: header.controlID))
        try db.cachedStatement(sql: """
            INSERT INTO message (channel, state, rejection, received_at, message_type, trigger_event, control_id,
                                 sending_application, sending_facility, patient_id, raw, format, key_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                message.channel, state.rawValue, message.rejection?.rawValue, receivedAt,
                header.messageType, header.triggerEvent, header.controlID,
                header.sendingApplication, header.sendingFacility, sealed.patientID, Data(sealed.raw),
                message.format.rawValue, cipher.currentKeyID,
            ])
        return .stored(MessageID(rawValue: db.lastInsertedRowID))
    }

    /// See ``MessageStore/message(_:)``.
    public func message(_ id: MessageID) async throws -> StoredMessage? {
        let cipher = self.cipher
        return try await reading { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.messageColumns) FROM message WHERE id = ?", arguments: [id.rawValue])
                .map { try Self.message($0, cipher) }
        }
    }

    /// See ``MessageStore/messages(matching:after:limit:)``.
    public func messages(matching query: MessageQuery, after: MessageID?, limit: Int) async throws -> [StoredMessage] {
        try Self.check(limit: limit)
        var conditions = SQLiteConditions("id > ?", after?.rawValue ?? 0)
        conditions.add("channel = ?", query.channel)
        conditions.add("state = ?", query.state?.rawValue)
        conditions.add("message_type = ?", query.messageType)
        conditions.add("trigger_event = ?", query.triggerEvent)
        conditions.add("control_id = ?", query.controlID)
        conditions.add("sending_application = ?", query.sendingApplication)
        conditions.add("sending_facility = ?", query.sendingFacility)
        // The stored value is a keyed token (see `BodyCipher.searchValues`).
        conditions.add("patient_id", in: query.patientID.map(cipher.searchValues))
        conditions.add("received_at >= ?", query.receivedFrom?.storeMicroseconds)
        conditions.add("received_at < ?", query.receivedBefore?.storeMicroseconds)
        let sql = """
            SELECT \(Self.messageColumns) FROM message
            WHERE \(conditions.sql) ORDER BY id LIMIT ?
            """
        let statementArguments = conditions.statementArguments(then: limit)
        let cipher = self.cipher
        return try await reading { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { try Self.message($0, cipher) }
        }
    }

    // MARK: Routing

    /// See ``MessageStore/pendingRouting(limit:)``.
    public func pendingRouting(limit: Int) async throws -> [StoredMessage] {
        try Self.check(limit: limit)
        let cipher = self.cipher
        return try await reading { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.messageColumns) FROM message WHERE state = 'received' ORDER BY id LIMIT ?",
                arguments: [limit]
            ).map { try Self.message($0, cipher) }
        }
    }

    /// See ``MessageStore/route(_:entries:now:)``.
    @discardableResult
    public func route(_ id: MessageID, entries: [RouteEntry], now: Date) async throws -> [EntryID] {
        let cipher = self.cipher
        return try await writing { db in
            try Self.route(db, cipher, id, entries: entries, now: now)
        }
    }

    /// See ``MessageStore/route(_:now:)``: one transaction for the whole batch, so routing
    /// costs one commit (and one write of each touched page) per batch, not per message.
    @discardableResult
    public func route(_ batch: [RoutingDecision], now: Date) async throws -> [[EntryID]] {
        guard !batch.isEmpty else { return [] }
        let cipher = self.cipher
        return try await writing { db in
            try batch.map { try Self.route(db, cipher, $0.message, entries: $0.entries, now: now) }
        }
    }

    static func route(_ db: Database, _ cipher: BodyCipher, _ id: MessageID, entries: [RouteEntry], now: Date) throws -> [EntryID] {
        guard let state = try String.fetchOne(db.cachedStatement(sql: "SELECT state FROM message WHERE id = ?"), arguments: [id.rawValue])
        else { throw StoreError(code: .notFound, messageID: id) }
        guard MessageState(rawValue: state) == .received else {
            throw StoreError(code: .invalidState, messageID: id)
        }
        let ids = try entries.map { entry in
            try Self.enqueue(db, cipher, message: id, entry, now: now, isReplay: false, replayOf: nil)
        }
        let newState: MessageState = entries.isEmpty ? .filtered : .routed
        try db.cachedStatement(sql: "UPDATE message SET state = ? WHERE id = ?").execute(arguments: [newState.rawValue, id.rawValue])
        return ids
    }

    /// Inserts one entry: pending, or dead-lettered when it carries a dead-letter reason.
    static func enqueue(
        _ db: Database, _ cipher: BodyCipher, message: MessageID, _ entry: RouteEntry, now: Date, isReplay: Bool, replayOf: EntryID?
    ) throws -> EntryID {
        let time = now.storeMicroseconds
        let state: EntryState = entry.deadLetterReason == nil ? .pending : .deadLettered
        let payload = try cipher.seal(entry.payload, binding: BodyCipher.entry(message: message.rawValue, destination: entry.destination))
        try db.cachedStatement(sql: """
            INSERT INTO entry (message_id, destination, ordering_key, payload, payload_format, mapping, state,
                               enqueued_at, available_at, last_error, is_replay, replay_of, updated_at, key_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                message.rawValue, entry.destination, entry.orderingKey, payload.map { Data($0) },
                entry.payloadFormat?.rawValue, entry.mapping, state.rawValue, time, time, entry.deadLetterReason,
                isReplay, replayOf?.rawValue, time, cipher.currentKeyID,
            ])
        return EntryID(rawValue: db.lastInsertedRowID)
    }

    /// The entry a replay enqueues for a stored entry row (`message_id`, `destination`, `ordering_key`,
    /// `payload`, `payload_format`, `mapping`, `key_id`): same destination, key, payload (opened) and mapping.
    static func replayEntry(_ row: Row, _ cipher: BodyCipher) throws -> RouteEntry {
        let stored: Data? = row["payload"]
        let destination: String = row["destination"]
        let payload = try cipher.open(
            stored.map { [UInt8]($0) }, keyID: row["key_id"],
            binding: BodyCipher.entry(message: row["message_id"], destination: destination))
        let format: String? = row["payload_format"]
        return RouteEntry(
            destination: destination, orderingKey: row["ordering_key"], payload: payload,
            payloadFormat: format.map(MessageFormat.init(rawValue:)), mapping: row["mapping"]
        )
    }

    // MARK: Queues

    /// The lease scan: live, due entries of one destination in enqueue order, skipping keyed
    /// entries behind a live entry of the same key, nothing for a paused destination. Served by the `entry_active` and
    /// `entry_active_key` partial indexes (`INDEXED BY`: with both indexes on `(destination, id)`
    /// the planner may otherwise pick `entry_destination` and walk a destination's whole history).
    static let leaseQuery = """
        SELECT \(entryColumns), e.lease_count, e.payload, e.payload_format, e.key_id, m.raw, m.format, m.message_type,
               m.trigger_event, m.control_id, m.sending_application, m.sending_facility, m.patient_id,
               m.channel, m.received_at, m.key_id AS message_key_id
        FROM entry e INDEXED BY entry_active JOIN message m ON m.id = e.message_id
        WHERE e.destination = ? AND e.state IN ('pending', 'leased') AND e.available_at <= ?
          AND NOT EXISTS (SELECT 1 FROM destination_pause dp WHERE dp.destination = e.destination)
          AND (e.ordering_key IS NULL OR NOT EXISTS (
                SELECT 1 FROM entry p
                WHERE p.destination = e.destination AND p.ordering_key = e.ordering_key
                  AND p.state IN ('pending', 'leased') AND p.ordering_key IS NOT NULL AND p.id < e.id))
        ORDER BY e.id
        LIMIT ?
        """

    /// See ``MessageStore/lease(destination:limit:duration:now:)``.
    public func lease(destination: String, limit: Int, duration: Duration, now: Date) async throws -> [Lease] {
        try Self.check(limit: limit)
        let expiresAt = now.storeMicroseconds + duration.storeMicroseconds
        let cipher = self.cipher
        return try await writing { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: Self.leaseQuery),
                arguments: [destination, now.storeMicroseconds, limit]
            )
            let update = try db.cachedStatement(sql: """
                UPDATE entry SET state = 'leased', available_at = ?, lease_count = ?, updated_at = ? WHERE id = ?
                """)
            return try rows.map { row in
                var entry = Self.entry(row)
                let token: Int64 = row["lease_count"] + 1
                try update.execute(arguments: [expiresAt, token, now.storeMicroseconds, entry.id.rawValue])
                entry.state = .leased
                entry.availableAt = Date(storeMicroseconds: expiresAt)
                let payload: Data? = row["payload"]
                let payloadFormat: String? = row["payload_format"]
                var header = Self.header(row)
                let body: [UInt8]
                if let payload {
                    body = try cipher.open(
                        [UInt8](payload), keyID: row["key_id"],
                        binding: BodyCipher.entry(message: entry.messageID.rawValue, destination: entry.destination))
                    header.patientID = try Self.openedMessage(row, cipher, keyColumn: "message_key_id", rawNeeded: false).patientID
                } else {
                    let opened = try Self.openedMessage(row, cipher, keyColumn: "message_key_id", rawNeeded: true)
                    body = opened.raw
                    header.patientID = opened.patientID
                }
                return Lease(
                    entry: entry,
                    token: token,
                    expiresAt: entry.availableAt,
                    payload: body,
                    format: MessageFormat(rawValue: payload == nil ? row["format"] : payloadFormat ?? row["format"]),
                    mapping: payload == nil ? entry.mapping : nil,
                    header: header
                )
            }
        }
    }

    /// See ``MessageStore/recordAttempt(_:for:outcome:now:)``; attempts recorded concurrently
    /// (by several workers, or by one worker that does not wait) are committed together.
    public func recordAttempt(_ attempt: AttemptReport?, for lease: Lease, outcome: AttemptOutcome, now: Date) async throws {
        let item = Attempt(report: attempt, lease: lease, outcome: outcome, now: now)
        let cipher = self.cipher
        try await writing { db in try Self.record(item, cipher, db) }
    }

    /// Records one attempt; throws ``StoreError`` (not found, lease lost) before writing anything.
    static func record(_ item: Attempt, _ cipher: BodyCipher, _ db: Database) throws {
        let attempt = item.report
        let lease = item.lease
        let outcome = item.outcome
        let now = item.now
        let id = lease.entry.id
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT state, lease_count, attempt_count, last_error FROM entry WHERE id = ?"),
                arguments: [id.rawValue]
            )
        else { throw StoreError(code: .notFound, entryID: id) }
        guard EntryState(rawValue: row["state"]) == .leased, row["lease_count"] == lease.token else {
            throw StoreError(code: .leaseLost, entryID: id)
        }
        var attemptCount: Int = row["attempt_count"]
        var lastError: String? = row["last_error"]
        if let attempt {
            attemptCount += 1
            let response = try cipher.seal(attempt.response, binding: BodyCipher.attempt(entry: id.rawValue, number: attemptCount))
            try db.cachedStatement(sql: """
                INSERT INTO attempt (entry_id, number, outcome, started_at, duration_us, response_code, response, error, key_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    id.rawValue, attemptCount, outcome.kind, attempt.startedAt.storeMicroseconds,
                    attempt.duration.storeMicroseconds, attempt.responseCode, response.map { Data($0) },
                    attempt.error, cipher.currentKeyID,
                ])
        }
        let state: EntryState
        var availableAt = now
        switch outcome {
        case .delivered:
            state = .delivered
        case .retry(let notBefore):
            state = .pending
            availableAt = notBefore
            if let attempt {
                lastError = attempt.error ?? attempt.responseCode.map { "response \($0)" } ?? lastError
            }
        case .deadLetter(let reason):
            state = .deadLettered
            lastError = reason
        }
        try db.cachedStatement(sql: """
            UPDATE entry SET state = ?, available_at = ?, attempt_count = ?, last_error = ?, updated_at = ?
            WHERE id = ?
            """).execute(arguments: [
                state.rawValue, availableAt.storeMicroseconds, attemptCount, lastError, now.storeMicroseconds,
                id.rawValue,
            ])
    }

    // MARK: Inspection

    /// See ``MessageStore/entry(_:)``.
    public func entry(_ id: EntryID) async throws -> QueueEntry? {
        try await reading { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.entryColumns) FROM entry e WHERE e.id = ?", arguments: [id.rawValue])
                .map(Self.entry)
        }
    }

    /// See ``MessageStore/output(of:)``.
    public func output(of entry: EntryID) async throws -> (payload: [UInt8], format: MessageFormat)? {
        let cipher = self.cipher
        return try await reading { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT e.payload, e.key_id, e.message_id, e.destination, COALESCE(e.payload_format, m.format) AS format
                    FROM entry e JOIN message m ON m.id = e.message_id WHERE e.id = ?
                    """,
                arguments: [entry.rawValue])
            guard let row, let payload = row["payload"] as Data? else { return nil }
            let opened = try cipher.open(
                [UInt8](payload), keyID: row["key_id"], binding: BodyCipher.entry(message: row["message_id"], destination: row["destination"]))
            return (opened, MessageFormat(rawValue: row["format"]))
        }
    }

    /// See ``MessageStore/entries(destination:state:after:limit:)``.
    public func entries(destination: String, state: EntryState?, after: EntryID?, limit: Int) async throws -> [QueueEntry] {
        try Self.check(limit: limit)
        return try await reading { db in
            let after = after?.rawValue ?? 0
            if let state {
                return try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(Self.entryColumns) FROM entry e
                        WHERE e.destination = ? AND e.state = ? AND e.id > ? ORDER BY e.id LIMIT ?
                        """,
                    arguments: [destination, state.rawValue, after, limit]
                ).map(Self.entry)
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.entryColumns) FROM entry e
                    WHERE e.destination = ? AND e.id > ? ORDER BY e.id LIMIT ?
                    """,
                arguments: [destination, after, limit]
            ).map(Self.entry)
        }
    }

    /// See ``MessageStore/entries(of:)``.
    public func entries(of message: MessageID) async throws -> [QueueEntry] {
        try await reading { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.entryColumns) FROM entry e WHERE e.message_id = ? ORDER BY e.id",
                arguments: [message.rawValue]
            ).map(Self.entry)
        }
    }

    /// See ``MessageStore/attempts(of:)``.
    public func attempts(of entry: EntryID) async throws -> [DeliveryAttempt] {
        let cipher = self.cipher
        return try await reading { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM attempt WHERE entry_id = ? ORDER BY number",
                arguments: [entry.rawValue]
            ).map { try Self.attempt($0, cipher) }
        }
    }

    /// See ``MessageStore/deadLetters(destination:includingReplayed:after:limit:)``.
    public func deadLetters(
        destination: String?,
        includingReplayed: Bool,
        after: EntryID?,
        limit: Int
    ) async throws -> [QueueEntry] {
        try Self.check(limit: limit)
        return try await reading { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.entryColumns) FROM entry e
                    WHERE e.state = 'dead_letter' AND e.id > ?
                      AND (? IS NULL OR e.destination = ?)
                      AND (? OR e.replaced_by IS NULL)
                    ORDER BY e.id LIMIT ?
                    """,
                arguments: [after?.rawValue ?? 0, destination, destination, includingReplayed, limit]
            ).map(Self.entry)
        }
    }

    /// See ``MessageStore/queueDepths()``; one read of a small table kept up to date by triggers.
    public func queueDepths() async throws -> [QueueDepth] {
        try await reading { db in
            try Row.fetchAll(
                db,
                sql: "SELECT destination, state, count FROM queue_depth WHERE count > 0 ORDER BY destination, state"
            ).map { row in
                QueueDepth(destination: row["destination"], state: EntryState(rawValue: row["state"]), count: row["count"])
            }
        }
    }

    // MARK: Replay

    /// See ``MessageStore/replay(message:to:now:)``.
    @discardableResult
    public func replay(message: MessageID, to target: ReplayTarget, now: Date) async throws -> [EntryID] {
        let cipher = self.cipher
        return try await writing { db in
            guard
                let state = try String.fetchOne(
                    db,
                    sql: "SELECT state FROM message WHERE id = ?",
                    arguments: [message.rawValue]
                )
            else { throw StoreError(code: .notFound, messageID: message) }
            let messageState = MessageState(rawValue: state)
            guard messageState == .routed || messageState == .filtered else {
                throw StoreError(code: .invalidState, messageID: message)
            }
            switch target {
            case .destination(let destination, let orderingKey):
                let id = try Self.enqueue(
                    db, cipher, message: message, RouteEntry(destination: destination, orderingKey: orderingKey), now: now,
                    isReplay: true, replayOf: nil
                )
                return [id]
            case .originalDestinations:
                let originals = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT message_id, destination, ordering_key, payload, payload_format, mapping, key_id FROM entry
                        WHERE message_id = ? AND is_replay = 0 ORDER BY id
                        """,
                    arguments: [message.rawValue]
                )
                return try originals.map { row in
                    try Self.enqueue(db, cipher, message: message, Self.replayEntry(row, cipher), now: now, isReplay: true, replayOf: nil)
                }
            }
        }
    }

    /// See ``MessageStore/replay(entry:now:)``.
    @discardableResult
    public func replay(entry: EntryID, now: Date) async throws -> EntryID {
        let cipher = self.cipher
        return try await writing { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT message_id, destination, ordering_key, payload, payload_format, mapping, state, key_id
                        FROM entry WHERE id = ?
                        """,
                    arguments: [entry.rawValue]
                )
            else { throw StoreError(code: .notFound, entryID: entry) }
            guard !EntryState(rawValue: row["state"]).isActive else {
                throw StoreError(code: .invalidState, entryID: entry)
            }
            let id = try Self.enqueue(
                db, cipher, message: MessageID(rawValue: row["message_id"]), Self.replayEntry(row, cipher), now: now, isReplay: true,
                replayOf: entry
            )
            try db.execute(
                sql: "UPDATE entry SET replaced_by = ?, updated_at = ? WHERE id = ?",
                arguments: [id.rawValue, now.storeMicroseconds, entry.rawValue]
            )
            return id
        }
    }

    // MARK: Helpers

    static func check(limit: Int) throws {
        guard limit > 0 else { throw StoreError(code: .invalidArgument) }
    }

    /// Runs `updates` as one write operation (see the type's discussion) and returns its value
    /// once committed.
    func writing<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result: Result<any Sendable, any Error>
        do {
            result = try await writes.submit(Write(run: { db in try updates(db) }))
        } catch {
            throw StoreError(code: .database, underlying: error)
        }
        switch result {
        case .success(let value):
            guard let value = value as? T else { preconditionFailure("a write operation returned a \(type(of: value)), not a \(T.self)") }
            return value
        case .failure(let error as StoreError):
            throw error
        case .failure(let error):
            throw StoreError(code: .database, underlying: error)
        }
    }

    /// Runs one operation of a batch in a savepoint: rolled back alone when it throws. Throws
    /// (failing the whole batch) only when the savepoint itself fails.
    static func run(_ write: Write, _ db: Database) throws -> Result<any Sendable, any Error> {
        var result: Result<any Sendable, any Error> = .failure(StoreError(code: .database))
        try db.inSavepoint {
            do {
                result = .success(try write.run(db))
                return .commit
            } catch {
                result = .failure(error)
                return .rollback
            }
        }
        return result
    }

    func reading<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(value)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: .database, underlying: error)
        }
    }
}
