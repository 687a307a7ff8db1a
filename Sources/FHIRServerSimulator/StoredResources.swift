import Foundation
import GRDB

/// What the simulated FHIR server received: each resource as JSON (its latest version), with
/// its identifiers for conditional creates, in the order the resources were created. SQLite (a
/// file, or in memory).
public final class StoredResources: Sendable {
    /// One stored resource.
    public struct Stored: Sendable, Hashable {
        /// The resource type.
        public var type: String
        /// Its id: the one the simulator gave it (a number), or the client's (`PUT <type>/<id>`).
        public var id: String
        /// How many times it was written (1: created, then one more per update).
        public var version: Int = 1
        /// The resource as stored (JSON, with its id).
        public var json: String
    }

    let database: DatabaseQueue

    /// Opens (or creates) the store; `path` `nil` keeps it in memory.
    public init(path: String?) throws {
        database = try path.map { try DatabaseQueue(path: $0) } ?? DatabaseQueue()
        try database.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS stored_resource (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
                        json TEXT NOT NULL, received_at DOUBLE NOT NULL, UNIQUE (type, id));
                    CREATE TABLE IF NOT EXISTS stored_identifier (
                        resource INTEGER NOT NULL REFERENCES stored_resource(seq), type TEXT NOT NULL, system TEXT NOT NULL, value TEXT NOT NULL);
                    CREATE INDEX IF NOT EXISTS stored_identifier_lookup ON stored_identifier(type, value, system);
                    CREATE TABLE IF NOT EXISTS id_counter (last INTEGER NOT NULL);
                    INSERT INTO id_counter SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM id_counter);
                    """)
        }
    }

    /// How many resources are stored, of one type or of all.
    public func count(type: String? = nil) throws -> Int {
        try database.read { db in
            if let type { return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stored_resource WHERE type = ?", arguments: [type]) ?? 0 }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stored_resource") ?? 0
        }
    }

    /// Every stored resource, in the order they were created.
    public func all() throws -> [Stored] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT type, id, version, json FROM stored_resource ORDER BY seq").map(Self.stored)
        }
    }

    /// One stored resource.
    public func resource(type: String, id: String) throws -> Stored? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT type, id, version, json FROM stored_resource WHERE type = ? AND id = ?", arguments: [type, id]).map(Self.stored)
        }
    }

    static func stored(_ row: Row) -> Stored {
        Stored(type: row["type"], id: row["id"], version: row["version"], json: row["json"])
    }

    /// Runs `body` in one write transaction (a transaction Bundle is stored whole or not at all).
    func write<T>(_ body: (Writer) throws -> T) throws -> T {
        try database.write { db in try body(Writer(db: db)) }
    }

    /// Lookups and writes inside a write transaction.
    struct Writer {
        let db: Database

        /// The stored resource of `type` one of whose identifiers matches `search`
        /// (`identifier=system|value`, `identifier=value`, `identifier=system|`… as FHIR token search).
        func find(type: String, search: String) throws -> Stored? {
            guard let (system, value) = Self.identifierSearch(search) else { return nil }
            var sql = """
                SELECT r.type, r.id, r.version, r.json FROM stored_resource r JOIN stored_identifier i ON i.resource = r.seq
                WHERE r.type = ? AND i.value = ?
                """
            var arguments: StatementArguments = [type, value]
            if let system {
                sql += " AND i.system = ?"
                arguments += [system]
            }
            return try Row.fetchOne(db, sql: sql + " ORDER BY r.seq LIMIT 1", arguments: arguments).map(StoredResources.stored)
        }

        /// The resource of `type` with `id`, if stored.
        func find(type: String, id: String) throws -> Stored? {
            try Row.fetchOne(db, sql: "SELECT type, id, version, json FROM stored_resource WHERE type = ? AND id = ?", arguments: [type, id])
                .map(StoredResources.stored)
        }

        /// Takes `count` ids for resources the simulator creates (numbers, in creation order)
        /// and returns the first.
        func takeIDs(_ count: Int) throws -> String {
            let last = try Int64.fetchOne(db, sql: "SELECT last FROM id_counter") ?? 0
            try db.execute(sql: "UPDATE id_counter SET last = ?", arguments: [last + Int64(count)])
            return String(last + 1)
        }

        /// Creates the resource with `id` (which must be new), or replaces the one stored with it
        /// (a new version); its identifiers replace the old ones. Returns the version written.
        @discardableResult
        func write(type: String, id: String, json: String, identifiers: [(system: String, value: String)], now: Date) throws -> Int {
            let row: Int64
            let version: Int
            if let existing = try Row.fetchOne(db, sql: "SELECT seq, version FROM stored_resource WHERE type = ? AND id = ?", arguments: [type, id]) {
                row = existing["seq"]
                version = (existing["version"] as Int) + 1
                try db.execute(
                    sql: "UPDATE stored_resource SET json = ?, version = ?, received_at = ? WHERE seq = ?",
                    arguments: [json, version, now.timeIntervalSince1970, row])
                try db.execute(sql: "DELETE FROM stored_identifier WHERE resource = ?", arguments: [row])
            } else {
                version = 1
                try db.execute(
                    sql: "INSERT INTO stored_resource (type, id, version, json, received_at) VALUES (?, ?, 1, ?, ?)",
                    arguments: [type, id, json, now.timeIntervalSince1970])
                row = db.lastInsertedRowID
            }
            for identifier in identifiers {
                try db.execute(
                    sql: "INSERT INTO stored_identifier (resource, type, system, value) VALUES (?, ?, ?, ?)",
                    arguments: [row, type, identifier.system, identifier.value])
            }
            return version
        }

        /// `identifier=system|value` → (system, value); `identifier=value` → (nil, value).
        static func identifierSearch(_ search: String) -> (String?, String)? {
            for parameter in search.split(separator: "&") {
                let parts = parameter.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, parts[0] == "identifier" else { continue }
                let token = parts[1]
                guard let bar = token.firstIndex(of: "|") else { return (nil, token.removingPercentEncoding ?? token) }
                let system = String(token[..<bar])
                let value = String(token[token.index(after: bar)...])
                return (system.removingPercentEncoding ?? system, value.removingPercentEncoding ?? value)
            }
            return nil
        }
    }
}
