import Logging
import PostgresNIO

extension PostgresStore {
    /// One schema change: a version (1, 2, …, in order, never reused), a name and its
    /// statements (one SQL statement each: the extended protocol runs one at a time).
    struct Migration: Sendable {
        var version: Int
        var name: String
        var statements: [String]
    }

    /// The schema, as migrations (never edit a shipped one; add a new one). The applied versions
    /// are rows of `schema_migration`; ``migrate()`` applies the missing ones at start, each in
    /// its own transaction, under an advisory lock so two bus processes starting together do not
    /// both apply one.
    ///
    /// Times are `timestamptz`; identifiers are identity columns (`bigint`), in arrival / enqueue
    /// order. `message` and `attempt` are partitioned by month of `received_at` / `started_at`
    /// (`message_y2026m11`, …, created ahead by `ensurePartitions`; a `_default` partition takes
    /// the rest), so retention drops whole partitions and their space returns at once. Entries
    /// refer to messages without a foreign key (a key must include the partition column).
    /// Indexes and the queries they serve:
    /// - `message_dedupe` (partial, non-rejected): the duplicate lookup in `receive`.
    /// - `message_received` (partial, state `received`): `pendingRouting`.
    /// - `message_patient`, `message_control_id` (partial, non-null): search by patient or control ID.
    /// - `entry_active` (partial, pending or leased; `destination, id`): the lease scan walks only
    ///   live entries of one destination, in enqueue order, however much history there is.
    /// - `entry_active_key` (partial, live keyed entries): the "earlier live entry of the same
    ///   key" probe of FIFO-per-key ordering.
    /// - `entry_destination`: listing a destination's entries; `entry_dead_letter`; `entry_message`.
    /// - `queue_depth_change`: signed counts per destination and state, appended by statement
    ///   triggers on `entry` (appends never wait on each other, unlike one counter row per
    ///   destination that every lease would lock), summed and compacted by `queueDepths`.
    /// - `audit_log` (v3): the hash-chained audit log, keyed by its sequence; `audit_log_time`
    ///   serves the time filters; triggers refuse `UPDATE`, `DELETE` and `TRUNCATE`.
    /// - `destination_pause`, `account`, `account_session` (v4): operators' pauses, dashboard
    ///   accounts and sessions; `message_received_at`, `attempt_started_at` serve `activity`.
    /// - `message_key`, `entry_key`, `attempt_key` (5): rows still under an old key, for
    ///   re-encryption after a rotation and for `keyUsage`.
    static let migrations: [Migration] = [
        Migration(version: 1, name: "messages, entries, attempts, queue depths", statements: [
            """
            CREATE TABLE message (
                id bigint GENERATED ALWAYS AS IDENTITY,
                channel text NOT NULL,
                state text NOT NULL,
                rejection text,
                received_at timestamptz NOT NULL,
                message_type text,
                trigger_event text,
                control_id text,
                sending_application text,
                sending_facility text,
                patient_id text,
                raw bytea NOT NULL,
                format text NOT NULL DEFAULT 'hl7v2',
                retransmissions integer NOT NULL DEFAULT 0,
                last_retransmission_at timestamptz,
                PRIMARY KEY (id, received_at)
            ) PARTITION BY RANGE (received_at)
            """,
            // Months get their own partitions (`ensurePartitions`); anything else lands here.
            "CREATE TABLE message_default PARTITION OF message DEFAULT",
            """
            CREATE INDEX message_dedupe ON message (channel, control_id, received_at)
                WHERE state <> 'rejected'
            """,
            "CREATE INDEX message_received ON message (id) WHERE state = 'received'",
            "CREATE INDEX message_patient ON message (patient_id) WHERE patient_id IS NOT NULL",
            "CREATE INDEX message_control_id ON message (control_id) WHERE control_id IS NOT NULL",
            """
            CREATE TABLE entry (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                message_id bigint NOT NULL,
                destination text NOT NULL,
                ordering_key text,
                payload bytea,
                payload_format text,
                mapping text,
                state text NOT NULL,
                enqueued_at timestamptz NOT NULL,
                available_at timestamptz NOT NULL,
                lease_count bigint NOT NULL DEFAULT 0,
                attempt_count integer NOT NULL DEFAULT 0,
                last_error text,
                is_replay boolean NOT NULL DEFAULT false,
                replay_of bigint REFERENCES entry (id),
                replaced_by bigint REFERENCES entry (id),
                updated_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX entry_active ON entry (destination, id) WHERE state IN ('pending', 'leased')",
            """
            CREATE INDEX entry_active_key ON entry (destination, ordering_key, id)
                WHERE state IN ('pending', 'leased') AND ordering_key IS NOT NULL
            """,
            "CREATE INDEX entry_destination ON entry (destination, id)",
            "CREATE INDEX entry_dead_letter ON entry (id) WHERE state = 'dead_letter'",
            "CREATE INDEX entry_message ON entry (message_id)",
            """
            CREATE TABLE attempt (
                entry_id bigint NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
                number integer NOT NULL,
                outcome text NOT NULL,
                started_at timestamptz NOT NULL,
                duration_us bigint NOT NULL,
                response_code text,
                response bytea,
                error text,
                PRIMARY KEY (entry_id, number, started_at)
            ) PARTITION BY RANGE (started_at)
            """,
            "CREATE TABLE attempt_default PARTITION OF attempt DEFAULT",
            """
            CREATE TABLE queue_depth_change (
                destination text NOT NULL,
                state text NOT NULL,
                delta bigint NOT NULL
            )
            """,
            """
            CREATE FUNCTION entry_depth_insert() RETURNS trigger LANGUAGE plpgsql
            SET search_path FROM CURRENT AS $$
            BEGIN
                INSERT INTO queue_depth_change (destination, state, delta)
                    SELECT destination, state, count(*) FROM new_entries GROUP BY destination, state;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER entry_depth_insert AFTER INSERT ON entry
                REFERENCING NEW TABLE AS new_entries
                FOR EACH STATEMENT EXECUTE FUNCTION entry_depth_insert()
            """,
            """
            CREATE FUNCTION entry_depth_update() RETURNS trigger LANGUAGE plpgsql
            SET search_path FROM CURRENT AS $$
            BEGIN
                INSERT INTO queue_depth_change (destination, state, delta)
                    SELECT destination, state, sum(delta) FROM (
                        SELECT o.destination, o.state, -1 AS delta
                            FROM old_entries o JOIN new_entries n ON n.id = o.id WHERE o.state <> n.state
                        UNION ALL
                        SELECT n.destination, n.state, 1
                            FROM old_entries o JOIN new_entries n ON n.id = o.id WHERE o.state <> n.state
                    ) changes
                    GROUP BY destination, state;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER entry_depth_update AFTER UPDATE ON entry
                REFERENCING OLD TABLE AS old_entries NEW TABLE AS new_entries
                FOR EACH STATEMENT EXECUTE FUNCTION entry_depth_update()
            """,
            // Retention deletes the entries of the messages it drops.
            """
            CREATE FUNCTION entry_depth_delete() RETURNS trigger LANGUAGE plpgsql
            SET search_path FROM CURRENT AS $$
            BEGIN
                INSERT INTO queue_depth_change (destination, state, delta)
                    SELECT destination, state, -count(*) FROM old_entries GROUP BY destination, state;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER entry_depth_delete AFTER DELETE ON entry
                REFERENCING OLD TABLE AS old_entries
                FOR EACH STATEMENT EXECUTE FUNCTION entry_depth_delete()
            """,
        ]),
        Migration(version: 2, name: "wake-ups (NOTIFY)", statements: [
            // The channel is `lienthong_<schema>`; the functions run with the schema as their
            // search path, so `current_schema()` names it.
            """
            CREATE FUNCTION message_notify() RETURNS trigger LANGUAGE plpgsql
            SET search_path FROM CURRENT AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM new_messages WHERE state = 'received') THEN
                    PERFORM pg_notify('lienthong_' || current_schema(), 'routing');
                END IF;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER message_notify AFTER INSERT ON message
                REFERENCING NEW TABLE AS new_messages
                FOR EACH STATEMENT EXECUTE FUNCTION message_notify()
            """,
            """
            CREATE FUNCTION entry_notify_insert() RETURNS trigger LANGUAGE plpgsql
            SET search_path FROM CURRENT AS $$
            DECLARE
                name text;
            BEGIN
                FOR name IN SELECT DISTINCT destination FROM new_entries WHERE state = 'pending' LOOP
                    PERFORM pg_notify('lienthong_' || current_schema(), 'queue:' || name);
                END LOOP;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER entry_notify_insert AFTER INSERT ON entry
                REFERENCING NEW TABLE AS new_entries
                FOR EACH STATEMENT EXECUTE FUNCTION entry_notify_insert()
            """,
            // Pending again (a retry), or finished with a key (the next entry of the key may go).
            """
            CREATE FUNCTION entry_notify_update() RETURNS trigger LANGUAGE plpgsql
            SET search_path FROM CURRENT AS $$
            DECLARE
                name text;
            BEGIN
                FOR name IN
                    SELECT DISTINCT n.destination FROM new_entries n JOIN old_entries o ON o.id = n.id
                    WHERE o.state <> n.state
                      AND (n.state = 'pending' OR (n.state IN ('delivered', 'dead_letter') AND n.ordering_key IS NOT NULL))
                LOOP
                    PERFORM pg_notify('lienthong_' || current_schema(), 'queue:' || name);
                END LOOP;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER entry_notify_update AFTER UPDATE ON entry
                REFERENCING OLD TABLE AS old_entries NEW TABLE AS new_entries
                FOR EACH STATEMENT EXECUTE FUNCTION entry_notify_update()
            """,
        ]),
        Migration(version: 3, name: "audit log (append-only, hash-chained)", statements: [
            // Numbered by the store (the number is part of the hash), not by an identity.
            """
            CREATE TABLE audit_log (
                sequence bigint PRIMARY KEY,
                recorded_at timestamptz NOT NULL,
                actor text NOT NULL,
                action text NOT NULL,
                target text NOT NULL,
                detail text NOT NULL,
                client text,
                previous_hash text NOT NULL,
                hash text NOT NULL
            )
            """,
            "CREATE INDEX audit_log_time ON audit_log (recorded_at)",
            // Append-only: every UPDATE, DELETE and TRUNCATE is refused.
            """
            CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """,
            """
            CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()
            """,
            """
            CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()
            """,
        ]),
        Migration(version: 4, name: "operations: pauses, accounts, sessions, time indexes", statements: [
            // A destination paused by an operator: every node's lease skips it.
            """
            CREATE TABLE destination_pause (
                destination text PRIMARY KEY,
                paused_by text NOT NULL,
                paused_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE account (
                name text PRIMARY KEY,
                role text NOT NULL,
                password_hash text NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE account_session (
                token_hash text PRIMARY KEY,
                account text NOT NULL REFERENCES account (name) ON DELETE CASCADE,
                created_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX account_session_account ON account_session (account)",
            // `activity` reads an hour of a month's partition.
            "CREATE INDEX message_received_at ON message (received_at)",
            "CREATE INDEX attempt_started_at ON attempt (started_at)",
        ]),
        // Encryption at rest (see `Store.KeyRing`): the key each row's bodies are sealed with (NULL:
        // stored before encryption or without keys), indexed for re-encryption after a rotation and
        // for `keyUsage`; `store_key` remembers each key id's fingerprint.
        Migration(version: 5, name: "encryption at rest: key id per row", statements: [
            "ALTER TABLE message ADD COLUMN key_id text",
            "ALTER TABLE entry ADD COLUMN key_id text",
            "ALTER TABLE attempt ADD COLUMN key_id text",
            "CREATE INDEX message_key ON message (key_id, id)",
            "CREATE INDEX entry_key ON entry (key_id, id)",
            "CREATE INDEX attempt_key ON attempt (key_id, entry_id, number)",
            """
            CREATE TABLE store_key (
                key_id text PRIMARY KEY,
                fingerprint text NOT NULL,
                first_used_at timestamptz NOT NULL DEFAULT now()
            )
            """,
        ]),
    ]

    /// Creates the schema and the migration table if needed and applies the missing migrations.
    ///
    /// - Returns: the versions applied now (empty when the schema was up to date).
    @discardableResult
    func migrate() async throws -> [Int] {
        let schema = configuration.schema
        var applied: [Int] = []
        for migration in Self.migrations {
            let done = try await unlockedTransaction { connection in
                // One process migrates at a time; the others wait, then find the work done.
                try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended('lienthong.migrate.' || \(schema), 0))", logger: Self.quiet)
                // `CREATE SCHEMA IF NOT EXISTS` needs the right to create schemas even when it exists.
                let schemas = try await connection.query("SELECT 1 FROM pg_namespace WHERE nspname = \(schema)", logger: Self.quiet)
                if try await schemas.collect().isEmpty {
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"), logger: Self.quiet)
                }
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migration (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """,
                    logger: Self.quiet
                )
                let rows = try await connection.query(
                    "SELECT 1 FROM schema_migration WHERE version = \(migration.version)", logger: Self.quiet
                ).collect()
                guard rows.isEmpty else { return false }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Self.quiet)
                }
                try await connection.query(
                    "INSERT INTO schema_migration (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: Self.quiet
                )
                return true
            }
            if done {
                applied.append(migration.version)
                logger.info(
                    "Applied a store migration",
                    metadata: ["store.schema": "\(schema)", "store.migration": "\(migration.version)"]
                )
            }
        }
        return applied
    }
}
