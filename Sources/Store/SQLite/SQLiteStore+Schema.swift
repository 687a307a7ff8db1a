import GRDB

extension SQLiteStore {
    /// The schema, as migrations (never edit a shipped one; add a new one).
    ///
    /// Times are microseconds since 1970 (`INTEGER`). Identifiers are `AUTOINCREMENT`, so they
    /// are never reused and their order is the arrival / enqueue order.
    ///
    /// Indexes and the queries they serve (checked by `EXPLAIN QUERY PLAN` in the tests):
    /// - `message_dedupe` (partial, non-rejected): the duplicate lookup in `receive`.
    /// - `message_received` (partial, state `received`): `pendingRouting`.
    /// - `message_patient`, `message_control_id` (partial, non-null): `messages(matching:)` by
    ///   patient ID or control ID (the support desk's usual questions).
    /// - `entry_active` (partial, pending or leased; `destination, id`): the lease scan walks
    ///   only live entries of one destination in enqueue order, however much history there is.
    /// - `entry_active_key` (partial, live keyed entries; `destination, ordering_key, id, state`):
    ///   the "earlier live entry of the same key" probe of FIFO-per-key ordering, covering.
    /// - `entry_destination` (`destination, id`, v2): listing a destination's entries, by state or
    ///   not. Its columns never change, so only an insert writes it (v1's
    ///   `entry_destination_state` also moved on every lease and attempt).
    /// - `entry_replay_of`, `entry_replaced_by` (partial, non-null, v5): the foreign-key checks
    ///   when retention deletes entries.
    /// - `queue_depth` is a table kept by triggers, so depths cost one small read.
    /// - `audit_log` (v6): the hash-chained audit log, keyed by its sequence; `audit_log_time`
    ///   serves the time filters of `auditRecords`; triggers refuse `UPDATE` and `DELETE`.
    /// - `destination_pause`, `account`, `account_session` (v7): operators' pauses, dashboard
    ///   accounts and sessions; `message_received_at` and `attempt_started_at` serve `activity`.
    /// - `message_key`, `entry_key`, `attempt_key` (v8): the rows still under an old key, for
    ///   re-encryption after a rotation and for `keyUsage`.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE message (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    channel TEXT NOT NULL,
                    state TEXT NOT NULL,
                    rejection TEXT,
                    received_at INTEGER NOT NULL,
                    message_type TEXT,
                    trigger_event TEXT,
                    control_id TEXT,
                    sending_application TEXT,
                    sending_facility TEXT,
                    patient_id TEXT,
                    raw BLOB NOT NULL,
                    retransmissions INTEGER NOT NULL DEFAULT 0,
                    last_retransmission_at INTEGER
                );
                CREATE INDEX message_dedupe
                    ON message(channel, sending_application, sending_facility, control_id, received_at)
                    WHERE state <> 'rejected';
                CREATE INDEX message_received ON message(id) WHERE state = 'received';
                CREATE INDEX message_patient ON message(patient_id) WHERE patient_id IS NOT NULL;
                CREATE INDEX message_control_id ON message(control_id) WHERE control_id IS NOT NULL;

                CREATE TABLE entry (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    message_id INTEGER NOT NULL REFERENCES message(id),
                    destination TEXT NOT NULL,
                    ordering_key TEXT,
                    payload BLOB,
                    state TEXT NOT NULL,
                    enqueued_at INTEGER NOT NULL,
                    available_at INTEGER NOT NULL,
                    lease_count INTEGER NOT NULL DEFAULT 0,
                    attempt_count INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    is_replay INTEGER NOT NULL DEFAULT 0,
                    replay_of INTEGER REFERENCES entry(id),
                    replaced_by INTEGER REFERENCES entry(id),
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX entry_active ON entry(destination, id)
                    WHERE state IN ('pending', 'leased');
                CREATE INDEX entry_active_key ON entry(destination, ordering_key, id, state)
                    WHERE state IN ('pending', 'leased') AND ordering_key IS NOT NULL;
                CREATE INDEX entry_destination_state ON entry(destination, state, id);
                CREATE INDEX entry_dead_letter ON entry(id) WHERE state = 'dead_letter';
                CREATE INDEX entry_message ON entry(message_id);

                CREATE TABLE attempt (
                    entry_id INTEGER NOT NULL REFERENCES entry(id),
                    number INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    started_at INTEGER NOT NULL,
                    duration_us INTEGER NOT NULL,
                    response_code TEXT,
                    response BLOB,
                    error TEXT,
                    PRIMARY KEY (entry_id, number)
                ) WITHOUT ROWID;

                CREATE TABLE queue_depth (
                    destination TEXT NOT NULL,
                    state TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (destination, state)
                ) WITHOUT ROWID;
                CREATE TRIGGER entry_depth_insert AFTER INSERT ON entry BEGIN
                    INSERT INTO queue_depth (destination, state, count) VALUES (new.destination, new.state, 1)
                        ON CONFLICT (destination, state) DO UPDATE SET count = count + 1;
                END;
                CREATE TRIGGER entry_depth_update AFTER UPDATE OF state ON entry
                    WHEN old.state <> new.state BEGIN
                    UPDATE queue_depth SET count = count - 1
                        WHERE destination = old.destination AND state = old.state;
                    INSERT INTO queue_depth (destination, state, count) VALUES (new.destination, new.state, 1)
                        ON CONFLICT (destination, state) DO UPDATE SET count = count + 1;
                END;
                """)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                DROP INDEX entry_destination_state;
                CREATE INDEX entry_destination ON entry(destination, id);
                """)
        }
        migrator.registerMigration("v3") { db in
            // What the raw bytes are (HL7 v2, FHIR JSON or XML); every older message is HL7 v2.
            try db.execute(sql: "ALTER TABLE message ADD COLUMN format TEXT NOT NULL DEFAULT 'hl7v2'")
        }
        migrator.registerMigration("v4") { db in
            // A route's mapping: the name, and what the mapped payload is (NULL: the message's format).
            try db.execute(sql: """
                ALTER TABLE entry ADD COLUMN mapping TEXT;
                ALTER TABLE entry ADD COLUMN payload_format TEXT;
                """)
        }
        migrator.registerMigration("v5") { db in
            // Retention deletes finished entries: their counts leave `queue_depth`. Deleting an
            // entry checks that no entry refers to it (`replay_of`, `replaced_by`): without these
            // indexes each check would scan the whole table.
            try db.execute(sql: """
                CREATE INDEX entry_replay_of ON entry(replay_of) WHERE replay_of IS NOT NULL;
                CREATE INDEX entry_replaced_by ON entry(replaced_by) WHERE replaced_by IS NOT NULL;
                CREATE TRIGGER entry_depth_delete AFTER DELETE ON entry BEGIN
                    UPDATE queue_depth SET count = count - 1
                        WHERE destination = old.destination AND state = old.state;
                END;
                """)
        }
        migrator.registerMigration("v6") { db in
            // The audit log (see `AuditLog`): numbered by the store (no AUTOINCREMENT: the number
            // is part of the hash), append-only — the triggers refuse every UPDATE and DELETE.
            try db.execute(sql: """
                CREATE TABLE audit_log (
                    sequence INTEGER PRIMARY KEY,
                    recorded_at INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    client TEXT,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX audit_log_time ON audit_log(recorded_at);
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
                    SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused');
                END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
                    SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused');
                END;
                """)
        }
        migrator.registerMigration("v7") { db in
            // Operations: destinations paused by an operator (every node's lease skips them),
            // dashboard accounts and their sessions, and the time indexes `activity` reads.
            try db.execute(sql: """
                CREATE TABLE destination_pause (
                    destination TEXT PRIMARY KEY,
                    paused_by TEXT NOT NULL,
                    paused_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE account (
                    name TEXT PRIMARY KEY,
                    role TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE account_session (
                    token_hash TEXT PRIMARY KEY,
                    account TEXT NOT NULL REFERENCES account(name) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX account_session_account ON account_session(account);
                CREATE INDEX message_received_at ON message(received_at);
                CREATE INDEX attempt_started_at ON attempt(started_at);
                """)
        }
        migrator.registerMigration("v8") { db in
            // Encryption at rest (see `KeyRing`): the key each row's bodies are sealed with (NULL:
            // stored before encryption, or without keys), indexed for the re-encryption after a
            // rotation and for `keyUsage`; `store_key` remembers each key id's fingerprint, so a
            // different key under a known id is refused at open instead of failing row by row.
            try db.execute(sql: """
                ALTER TABLE message ADD COLUMN key_id TEXT;
                ALTER TABLE entry ADD COLUMN key_id TEXT;
                ALTER TABLE attempt ADD COLUMN key_id TEXT;
                CREATE INDEX message_key ON message(key_id);
                CREATE INDEX entry_key ON entry(key_id);
                CREATE INDEX attempt_key ON attempt(key_id);
                CREATE TABLE store_key (
                    key_id TEXT PRIMARY KEY,
                    fingerprint TEXT NOT NULL,
                    first_used_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }
}
