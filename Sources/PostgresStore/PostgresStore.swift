public import Foundation
public import Logging
public import PostgresNIO
public import ServiceLifecycle
public import Store

/// A ``Store/MessageStore`` on PostgreSQL (postgres-nio), for several bus processes sharing one
/// database, or a database run by people who already run PostgreSQL.
///
/// The store is a `Service`: ``run()`` runs its connection pool (a `PostgresClient` of
/// ``Configuration/poolSize`` connections) and brings the schema up to date (versioned
/// migrations in a `schema_migration` table). Operations wait until the schema is migrated, so
/// the bus's services may start beside the store in one `ServiceGroup`, listed after it (the
/// group stops it last).
///
/// ```swift
/// let store = try PostgresStore(configuration: .init(url: "postgres://bus@db/lienthong"), logger: logger)
/// let group = ServiceGroup(services: [store, router, worker], logger: logger)
/// try await group.run()
/// ```
/// Each operation is one transaction. Leasing is one `UPDATE … FROM (SELECT … FOR UPDATE SKIP
/// LOCKED)`: concurrent workers (in this process or another) never wait on each other's rows
/// and never lease one entry twice. Deduplication takes an advisory lock per sender and control
/// ID, so two copies of a message arriving at once on two connections are stored once.
///
/// Identifiers come from identity sequences: they grow in the order the rows were *inserted*;
/// two transactions committing in the other order can make a reader see a larger identifier
/// first (the router and a destination's single enqueuer do not interleave, so FIFO per key
/// holds for what one router enqueues).
///
/// Triggers announce new work with `NOTIFY` on the channel `lienthong_<schema>`; ``wakeUps()``
/// (``Store/WakeUpSource``) streams it, so a bus process wakes for work any process stored.
public final class PostgresStore: MessageStore, Service {
    /// The connection pool. Run by ``run()``.
    public let client: PostgresClient
    /// The configuration the store was created with.
    public let configuration: Configuration
    let logger: Logger
    /// Seals and opens bodies (see ``Store/KeyRing``); passes them through without keys.
    let cipher: BodyCipher
    let gate = StartupGate()
    let inFlight = InFlightOperations()
    let hub = WakeUpHub()

    /// A logger for postgres-nio's per-query logging, which is off: the store logs what it does
    /// itself, with identifiers only.
    static let quiet = Logger(label: "lienthong.store.postgres.query", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Creates a store; nothing connects until ``run()``.
    ///
    /// With `keys`, every body that can hold patient data is sealed with the current key (see
    /// ``Store/KeyRing``); without, bodies are stored as they are, and a database whose newest
    /// message is encrypted refuses to open (``run()`` fails with ``Store/StoreError/Code/keyUnavailable``).
    ///
    /// - Throws: ``ConfigurationError`` for a setting that cannot be used.
    public init(configuration: Configuration, keys: KeyRing? = nil, logger: Logger) throws(ConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.cipher = BodyCipher(keys)
        var client = PostgresClient.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: Self.tls(configuration.tls)
        )
        // One more than the pool size: the wake-up listener holds one connection for good.
        client.options.maximumConnections = configuration.poolSize + 1
        client.options.connectTimeout = configuration.connectTimeout
        // Every connection resolves the store's tables in its schema.
        client.options.additionalStartupParameters = [("search_path", configuration.schema)]
        client.options.additionalStartupParameters.append(("application_name", "lienthong"))
        self.client = PostgresClient(configuration: client, backgroundLogger: logger)
    }

    static func tls(_ mode: Configuration.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .require: .require(.makeClientConfiguration())
        default: .prefer(.makeClientConfiguration())
        }
    }

    /// Runs the connection pool and migrates the schema, then listens for wake-ups and keeps the
    /// monthly partitions (and the retention); returns on graceful shutdown or cancellation,
    /// once the pool has closed.
    ///
    /// The pool runs in a task of its own and closes last, after the store's own work (the
    /// migration, the listener, the partitions) and the operations running on it have ended:
    /// postgres-nio 1.33 never answers a query written to a connection the pool has just closed,
    /// so a pool closed under a running migration or transaction could hang it. A store that
    /// cannot reach its server still stops: the pool closes ``shutdownGrace`` after cancellation
    /// whatever is running.
    ///
    /// - Throws: ``StoreError`` with code ``StoreError/Code/database`` when the schema cannot be
    ///   migrated (operations waiting for it fail with the same error).
    public func run() async throws {
        defer { hub.finish() }
        let client = self.client
        // Detached: neither this task's cancellation nor its graceful shutdown reach the pool.
        let pool = Task.detached { await client.run() }
        let result: Result<Void, any Error>
        do {
            try await cancelWhenGracefulShutdown {
                try await withTaskCancellationHandler {
                    try await self.work()
                } onCancel: {
                    Task.detached {
                        try? await Task.sleep(for: Self.shutdownGrace)
                        pool.cancel()
                    }
                }
            }
            result = .success(())
        } catch {
            result = .failure(error)
        }
        // Operations of the store's users still running (cancelled with it, or not yet told to
        // stop) end before the pool closes their connections.
        await inFlight.drained(within: Self.shutdownGrace)
        pool.cancel()
        await pool.value
        try result.get()
    }

    /// How long a cancelled store's own work may still use the pool before it closes.
    static let shutdownGrace = Duration.seconds(5)

    /// The migration, then the listener and the partitions until cancelled.
    private func work() async throws {
        do {
            try await migrate()
            try await checkKeys()
            let range = Self.partitionRange(around: Date())
            await createPartitions(from: range.from, through: range.through)
            gate.open()
            logger.info("Opened PostgreSQL store", metadata: ["store.postgres": "\(configuration)"])
        } catch {
            let failure = Self.storeError(error)
            logger.error("Cannot migrate the PostgreSQL store", metadata: ["store.error": "\(failure)"])
            gate.fail(failure)
            throw failure
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listen() }
            group.addTask { await self.maintainPartitions() }
        }
    }

    /// Returns once the schema is migrated (``run()`` must be running).
    ///
    /// - Throws: the migration's ``StoreError`` if it failed.
    public func waitUntilReady() async throws {
        try await gate.wait()
    }

    // MARK: Intake

    /// See ``Store/MessageStore/receive(_:deduplicationWindow:)``.
    public func receive(_ message: IncomingMessage, deduplicationWindow: Duration) async throws -> ReceiveResult {
        let header = message.header
        let receivedAt = Timestamp(message.receivedAt)
        let state: MessageState = message.rejection == nil ? .received : .rejected
        let sealed = try cipher.sealMessage(
            raw: message.raw, patientID: header.patientID,
            binding: BodyCipher.message(channel: message.channel, receivedAt: receivedAt.microseconds, controlID: header.controlID))
        let insert: PostgresQuery = """
            INSERT INTO message (channel, state, rejection, received_at, message_type, trigger_event, control_id,
                                 sending_application, sending_facility, patient_id, raw, format, key_id)
            VALUES (\(message.channel), \(state.rawValue), \(message.rejection?.rawValue), \(receivedAt),
                    \(header.messageType), \(header.triggerEvent), \(header.controlID), \(header.sendingApplication),
                    \(header.sendingFacility), \(sealed.patientID), \(ByteBuffer(bytes: sealed.raw)), \(message.format.rawValue),
                    \(cipher.currentKeyID))
            RETURNING id
            """
        guard message.rejection == nil, let controlID = header.controlID, !controlID.isEmpty, deduplicationWindow > .zero
        else {
            return .stored(MessageID(rawValue: try await statement { try await Self.id($0.query(insert, logger: Self.quiet)) }))
        }
        let since = Timestamp(microseconds: receivedAt.microseconds - deduplicationWindow.microseconds)
        let lockKey = [message.channel, header.sendingApplication ?? "", header.sendingFacility ?? "", controlID]
            .joined(separator: "\u{1F}")
        return try await transaction { connection in
            // Copies of one message arriving together wait for each other here, so exactly one is stored.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(lockKey), 0))", logger: Self.quiet)
            let duplicate = try await connection.query(
                """
                UPDATE message SET retransmissions = retransmissions + 1, last_retransmission_at = \(receivedAt)
                WHERE id = (
                    SELECT id FROM message
                    WHERE channel = \(message.channel) AND control_id = \(controlID)
                      AND sending_application IS NOT DISTINCT FROM \(header.sendingApplication)
                      AND sending_facility IS NOT DISTINCT FROM \(header.sendingFacility)
                      AND received_at >= \(since) AND state <> 'rejected'
                    ORDER BY received_at DESC LIMIT 1)
                RETURNING id
                """,
                logger: Self.quiet
            ).collect()
            if let row = duplicate.first {
                return .duplicate(of: MessageID(rawValue: try row.decode(Int64.self)))
            }
            return .stored(MessageID(rawValue: try await Self.id(connection.query(insert, logger: Self.quiet))))
        }
    }

    /// See ``Store/MessageStore/message(_:)``.
    public func message(_ id: MessageID) async throws -> StoredMessage? {
        try await rows("SELECT \(unescaped: Self.messageColumns) FROM message WHERE id = \(id.rawValue)")
            .first.map { try Self.message($0, cipher) }
    }

    /// See ``Store/MessageStore/messages(matching:after:limit:)``.
    public func messages(matching query: MessageQuery, after: MessageID?, limit: Int) async throws -> [StoredMessage] {
        try Self.check(limit: limit)
        var bindings = PostgresBindings()
        var conditions: [String] = []
        func condition(_ sql: String, _ value: some PostgresDynamicTypeEncodable) {
            bindings.append(value)
            conditions.append(sql.replacingOccurrences(of: "?", with: "$\(bindings.count)"))
        }
        condition("id > ?", after?.rawValue ?? 0)
        if let value = query.channel { condition("channel = ?", value) }
        if let value = query.state { condition("state = ?", value.rawValue) }
        if let value = query.messageType { condition("message_type = ?", value) }
        if let value = query.triggerEvent { condition("trigger_event = ?", value) }
        if let value = query.controlID { condition("control_id = ?", value) }
        if let value = query.sendingApplication { condition("sending_application = ?", value) }
        if let value = query.sendingFacility { condition("sending_facility = ?", value) }
        if let value = query.patientID { condition("patient_id = ANY(?)", cipher.searchValues(value)) }
        if let value = query.receivedFrom { condition("received_at >= ?", Timestamp(value)) }
        if let value = query.receivedBefore { condition("received_at < ?", Timestamp(value)) }
        bindings.append(limit)
        let sql = """
            SELECT \(Self.messageColumns) FROM message
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT $\(bindings.count)
            """
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: bindings)).map { try Self.message($0, cipher) }
    }

    // MARK: Routing

    /// See ``Store/MessageStore/pendingRouting(limit:)``.
    public func pendingRouting(limit: Int) async throws -> [StoredMessage] {
        try Self.check(limit: limit)
        return try await rows(
            "SELECT \(unescaped: Self.messageColumns) FROM message WHERE state = 'received' ORDER BY id LIMIT \(limit)"
        ).map { try Self.message($0, cipher) }
    }

    /// See ``Store/MessageStore/route(_:entries:now:)``.
    @discardableResult
    public func route(_ id: MessageID, entries: [RouteEntry], now: Date) async throws -> [EntryID] {
        try await route([RoutingDecision(message: id, entries: entries)], now: now)[0]
    }

    /// See ``Store/MessageStore/route(_:now:)``: the whole batch in one transaction.
    @discardableResult
    public func route(_ batch: [RoutingDecision], now: Date) async throws -> [[EntryID]] {
        guard !batch.isEmpty else { return [] }
        let cipher = self.cipher
        return try await transaction { connection in
            var results: [[EntryID]] = []
            for decision in batch {
                results.append(try await Self.route(connection, cipher, decision.message, entries: decision.entries, now: now))
            }
            return results
        }
    }

    static func route(
        _ connection: PostgresConnection, _ cipher: BodyCipher, _ id: MessageID, entries: [RouteEntry], now: Date
    ) async throws -> [EntryID] {
        let rows = try await connection.query(
            "SELECT state FROM message WHERE id = \(id.rawValue) FOR UPDATE", logger: quiet
        ).collect()
        guard let row = rows.first else { throw StoreError(code: .notFound, messageID: id) }
        guard MessageState(rawValue: try row.decode(String.self)) == .received else {
            throw StoreError(code: .invalidState, messageID: id)
        }
        var ids: [EntryID] = []
        for entry in entries {
            ids.append(try await enqueue(connection, cipher, message: id, entry, now: now, isReplay: false, replayOf: nil))
        }
        let state: MessageState = entries.isEmpty ? .filtered : .routed
        try await connection.query("UPDATE message SET state = \(state.rawValue) WHERE id = \(id.rawValue)", logger: quiet)
        return ids
    }

    /// Inserts one entry: pending, or dead-lettered when it carries a dead-letter reason.
    static func enqueue(
        _ connection: PostgresConnection, _ cipher: BodyCipher, message: MessageID, _ entry: RouteEntry, now: Date, isReplay: Bool,
        replayOf: EntryID?
    ) async throws -> EntryID {
        let time = Timestamp(now)
        let state: EntryState = entry.deadLetterReason == nil ? .pending : .deadLettered
        let payload = try cipher.seal(entry.payload, binding: BodyCipher.entry(message: message.rawValue, destination: entry.destination))
        let rows = try await connection.query(
            """
            INSERT INTO entry (message_id, destination, ordering_key, payload, payload_format, mapping, state,
                               enqueued_at, available_at, last_error, is_replay, replay_of, updated_at, key_id)
            VALUES (\(message.rawValue), \(entry.destination), \(entry.orderingKey), \(payload.map { ByteBuffer(bytes: $0) }),
                    \(entry.payloadFormat?.rawValue), \(entry.mapping), \(state.rawValue), \(time), \(time),
                    \(entry.deadLetterReason), \(isReplay), \(replayOf?.rawValue), \(time), \(cipher.currentKeyID))
            RETURNING id
            """,
            logger: quiet
        )
        return EntryID(rawValue: try await id(rows))
    }

    // MARK: Queues

    /// See ``Store/MessageStore/lease(destination:limit:duration:now:)``.
    ///
    /// One statement: the due entries of the destination are locked with `FOR UPDATE SKIP
    /// LOCKED` (rows another worker is leasing or finishing are passed over, not waited for)
    /// and marked leased. A keyed entry is due only when no earlier entry of its key is pending
    /// or leased, as this transaction's snapshot sees it, which errs on the side of waiting.
    /// A paused destination (`destination_pause`) gets nothing.
    public func lease(destination: String, limit: Int, duration: Duration, now: Date) async throws -> [Lease] {
        try Self.check(limit: limit)
        let time = Timestamp(now)
        let expiresAt = time.adding(duration)
        let rows = try await rows(
            """
            UPDATE entry e
            SET state = 'leased', available_at = \(expiresAt), lease_count = e.lease_count + 1, updated_at = \(time)
            FROM (
                SELECT c.id FROM entry c
                WHERE c.destination = \(destination) AND c.state IN ('pending', 'leased') AND c.available_at <= \(time)
                  AND NOT EXISTS (SELECT 1 FROM destination_pause dp WHERE dp.destination = c.destination)
                  AND (c.ordering_key IS NULL OR NOT EXISTS (
                        SELECT 1 FROM entry p
                        WHERE p.destination = c.destination AND p.ordering_key = c.ordering_key
                          AND p.state IN ('pending', 'leased') AND p.ordering_key IS NOT NULL AND p.id < c.id))
                ORDER BY c.id
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            ) due, message m
            WHERE e.id = due.id AND m.id = e.message_id
            RETURNING \(unescaped: Self.entryColumns), e.lease_count, e.payload, e.payload_format, e.key_id, m.raw, m.format,
                      m.message_type, m.trigger_event, m.control_id, m.sending_application, m.sending_facility, m.patient_id,
                      m.channel, m.received_at, m.key_id AS message_key_id
            """
        )
        return try rows.map { try Self.lease($0, cipher) }.sorted { $0.entry.id < $1.entry.id }
    }

    /// See ``Store/MessageStore/recordAttempt(_:for:outcome:now:)``.
    public func recordAttempt(_ attempt: AttemptReport?, for lease: Lease, outcome: AttemptOutcome, now: Date) async throws {
        let id = lease.entry.id
        let cipher = self.cipher
        try await transaction { connection in
            let rows = try await connection.query(
                "SELECT state, lease_count, attempt_count, last_error FROM entry WHERE id = \(id.rawValue) FOR UPDATE",
                logger: Self.quiet
            ).collect()
            guard let row = rows.first else { throw StoreError(code: .notFound, entryID: id) }
            let (state, token, count, error) = try row.decode((String, Int64, Int, String?).self)
            guard EntryState(rawValue: state) == .leased, token == lease.token else {
                throw StoreError(code: .leaseLost, entryID: id)
            }
            var attemptCount = count
            var lastError = error
            if let attempt {
                attemptCount += 1
                let response = try cipher.seal(attempt.response, binding: BodyCipher.attempt(entry: id.rawValue, number: attemptCount))
                try await connection.query(
                    """
                    INSERT INTO attempt (entry_id, number, outcome, started_at, duration_us, response_code, response, error, key_id)
                    VALUES (\(id.rawValue), \(attemptCount), \(outcome.kind), \(Timestamp(attempt.startedAt)),
                            \(attempt.duration.microseconds), \(attempt.responseCode),
                            \(response.map { ByteBuffer(bytes: $0) }), \(attempt.error), \(cipher.currentKeyID))
                    """,
                    logger: Self.quiet
                )
            }
            let newState: EntryState
            var availableAt = now
            switch outcome {
            case .delivered:
                newState = .delivered
            case .retry(let notBefore):
                newState = .pending
                availableAt = notBefore
                if let attempt {
                    lastError = attempt.error ?? attempt.responseCode.map { "response \($0)" } ?? lastError
                }
            case .deadLetter(let reason):
                newState = .deadLettered
                lastError = reason
            }
            try await connection.query(
                """
                UPDATE entry SET state = \(newState.rawValue), available_at = \(Timestamp(availableAt)),
                                 attempt_count = \(attemptCount), last_error = \(lastError), updated_at = \(Timestamp(now))
                WHERE id = \(id.rawValue)
                """,
                logger: Self.quiet
            )
        }
    }

    // MARK: Inspection

    /// See ``Store/MessageStore/entry(_:)``.
    public func entry(_ id: EntryID) async throws -> QueueEntry? {
        try await rows("SELECT \(unescaped: Self.entryColumns) FROM entry e WHERE e.id = \(id.rawValue)").first.map(Self.entry)
    }

    /// See ``Store/MessageStore/output(of:)``.
    public func output(of entry: EntryID) async throws -> (payload: [UInt8], format: MessageFormat)? {
        let found = try await rows(
            """
            SELECT e.payload, e.key_id, e.message_id, e.destination, COALESCE(e.payload_format, m.format) AS format
            FROM entry e JOIN message m ON m.id = e.message_id
            WHERE e.id = \(entry.rawValue)
            """
        ).first?.makeRandomAccess()
        guard let found, let payload = try found["payload"].decode(ByteBuffer?.self) else { return nil }
        let opened = try cipher.open(
            Self.bytes(payload), keyID: try found["key_id"].decode(String?.self),
            binding: BodyCipher.entry(message: try found["message_id"].decode(Int64.self), destination: try found["destination"].decode(String.self)))
        return (opened, MessageFormat(rawValue: try found["format"].decode(String.self)))
    }

    /// See ``Store/MessageStore/entries(destination:state:after:limit:)``.
    public func entries(destination: String, state: EntryState?, after: EntryID?, limit: Int) async throws -> [QueueEntry] {
        try Self.check(limit: limit)
        let after = after?.rawValue ?? 0
        if let state {
            return try await rows(
                """
                SELECT \(unescaped: Self.entryColumns) FROM entry e
                WHERE e.destination = \(destination) AND e.state = \(state.rawValue) AND e.id > \(after) ORDER BY e.id LIMIT \(limit)
                """
            ).map(Self.entry)
        }
        return try await rows(
            """
            SELECT \(unescaped: Self.entryColumns) FROM entry e
            WHERE e.destination = \(destination) AND e.id > \(after) ORDER BY e.id LIMIT \(limit)
            """
        ).map(Self.entry)
    }

    /// See ``Store/MessageStore/entries(of:)``.
    public func entries(of message: MessageID) async throws -> [QueueEntry] {
        try await rows(
            "SELECT \(unescaped: Self.entryColumns) FROM entry e WHERE e.message_id = \(message.rawValue) ORDER BY e.id"
        ).map(Self.entry)
    }

    /// See ``Store/MessageStore/attempts(of:)``.
    public func attempts(of entry: EntryID) async throws -> [DeliveryAttempt] {
        try await rows(
            """
            SELECT entry_id, number, outcome, started_at, duration_us, response_code, response, error, key_id
            FROM attempt WHERE entry_id = \(entry.rawValue) ORDER BY number
            """
        ).map { try Self.attempt($0, cipher) }
    }

    /// See ``Store/MessageStore/deadLetters(destination:includingReplayed:after:limit:)``.
    public func deadLetters(destination: String?, includingReplayed: Bool, after: EntryID?, limit: Int) async throws -> [QueueEntry] {
        try Self.check(limit: limit)
        return try await rows(
            """
            SELECT \(unescaped: Self.entryColumns) FROM entry e
            WHERE e.state = 'dead_letter' AND e.id > \(after?.rawValue ?? 0)
              AND (\(destination)::text IS NULL OR e.destination = \(destination))
              AND (\(includingReplayed) OR e.replaced_by IS NULL)
            ORDER BY e.id LIMIT \(limit)
            """
        ).map(Self.entry)
    }

    /// See ``Store/MessageStore/queueDepths()``: the sum of the changes the triggers on `entry`
    /// appended; once they pile up (more than ``depthCompactionThreshold`` rows), they are
    /// replaced by their sums.
    public func queueDepths() async throws -> [QueueDepth] {
        let rows = try await rows(
            """
            SELECT destination, state, sum(delta)::bigint, count(*)
            FROM queue_depth_change GROUP BY destination, state ORDER BY destination, state
            """
        )
        var depths: [QueueDepth] = []
        var changes = 0
        for row in rows {
            let (destination, state, count, rowCount) = try row.decode((String, String, Int64, Int64).self)
            changes += Int(rowCount)
            if count > 0 {
                depths.append(QueueDepth(destination: destination, state: EntryState(rawValue: state), count: Int(count)))
            }
        }
        if changes > Self.depthCompactionThreshold {
            // Rows appended meanwhile are not in this statement's snapshot and stay; a concurrent
            // compaction's rows are deleted once, by whichever gets them first.
            _ = try await self.rows(
                """
                WITH gone AS (DELETE FROM queue_depth_change RETURNING destination, state, delta)
                INSERT INTO queue_depth_change (destination, state, delta)
                SELECT destination, state, sum(delta) FROM gone GROUP BY destination, state HAVING sum(delta) <> 0
                """
            )
        }
        return depths
    }

    /// How many queue depth changes ``queueDepths()`` lets pile up before it sums them.
    static let depthCompactionThreshold = 1_000

    // MARK: Replay

    /// See ``Store/MessageStore/replay(message:to:now:)``.
    @discardableResult
    public func replay(message: MessageID, to target: ReplayTarget, now: Date) async throws -> [EntryID] {
        let cipher = self.cipher
        return try await transaction { connection in
            let rows = try await connection.query(
                "SELECT state FROM message WHERE id = \(message.rawValue) FOR SHARE", logger: Self.quiet
            ).collect()
            guard let row = rows.first else { throw StoreError(code: .notFound, messageID: message) }
            let state = MessageState(rawValue: try row.decode(String.self))
            guard state == .routed || state == .filtered else { throw StoreError(code: .invalidState, messageID: message) }
            switch target {
            case .destination(let destination, let orderingKey):
                let entry = RouteEntry(destination: destination, orderingKey: orderingKey)
                return [try await Self.enqueue(connection, cipher, message: message, entry, now: now, isReplay: true, replayOf: nil)]
            case .originalDestinations:
                let originals = try await connection.query(
                    """
                    SELECT message_id, destination, ordering_key, payload, payload_format, mapping, key_id FROM entry
                    WHERE message_id = \(message.rawValue) AND NOT is_replay ORDER BY id
                    """,
                    logger: Self.quiet
                ).collect()
                var ids: [EntryID] = []
                for original in originals {
                    let entry = try Self.replayEntry(original, cipher)
                    ids.append(try await Self.enqueue(connection, cipher, message: message, entry, now: now, isReplay: true, replayOf: nil))
                }
                return ids
            }
        }
    }

    /// See ``Store/MessageStore/replay(entry:now:)``.
    @discardableResult
    public func replay(entry: EntryID, now: Date) async throws -> EntryID {
        let cipher = self.cipher
        return try await transaction { connection in
            let rows = try await connection.query(
                """
                SELECT destination, ordering_key, payload, payload_format, mapping, message_id, state, key_id
                FROM entry WHERE id = \(entry.rawValue) FOR UPDATE
                """,
                logger: Self.quiet
            ).collect()
            guard let row = rows.first else { throw StoreError(code: .notFound, entryID: entry) }
            let columns = row.makeRandomAccess()
            let message = try columns["message_id"].decode(Int64.self)
            let state = try columns["state"].decode(String.self)
            guard !EntryState(rawValue: state).isActive else { throw StoreError(code: .invalidState, entryID: entry) }
            let id = try await Self.enqueue(
                connection, cipher, message: MessageID(rawValue: message), try Self.replayEntry(row, cipher), now: now, isReplay: true,
                replayOf: entry
            )
            try await connection.query(
                "UPDATE entry SET replaced_by = \(id.rawValue), updated_at = \(Timestamp(now)) WHERE id = \(entry.rawValue)",
                logger: Self.quiet
            )
            return id
        }
    }
}
