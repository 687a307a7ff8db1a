public import Foundation
import GRDB

/// What the simulated FHIR server received: each created resource as JSON, with its
/// identifiers for conditional creates. SQLite (a file, or in memory).
public final class StoredResources: Sendable {
    /// One stored resource.
    public struct Stored: Sendable, Hashable {
        /// The resource type.
        public var type: String
        /// The id the simulator gave it.
        public var id: String
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
                    CREATE TABLE IF NOT EXISTS resource (
                        rowid INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, json TEXT NOT NULL, received_at DOUBLE NOT NULL);
                    CREATE TABLE IF NOT EXISTS identifier (
                        resource INTEGER NOT NULL REFERENCES resource(rowid), type TEXT NOT NULL, system TEXT NOT NULL, value TEXT NOT NULL);
                    CREATE INDEX IF NOT EXISTS identifier_lookup ON identifier(type, value, system);
                    """)
        }
    }

    /// How many resources are stored, of one type or of all.
    public func count(type: String? = nil) throws -> Int {
        try database.read { db in
            if let type { return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM resource WHERE type = ?", arguments: [type]) ?? 0 }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM resource") ?? 0
        }
    }

    /// Every stored resource, oldest first.
    public func all() throws -> [Stored] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT rowid, type, json FROM resource ORDER BY rowid").map {
                Stored(type: $0["type"], id: String($0["rowid"] as Int64), json: $0["json"])
            }
        }
    }

    /// One stored resource.
    public func resource(type: String, id: String) throws -> Stored? {
        guard let row = Int64(id) else { return nil }
        return try database.read { db in
            try Row.fetchOne(db, sql: "SELECT json FROM resource WHERE rowid = ? AND type = ?", arguments: [row, type]).map {
                Stored(type: type, id: id, json: $0["json"])
            }
        }
    }

    /// Runs `body` in one write transaction (a transaction Bundle is stored whole or not at all).
    func write<T>(_ body: (Writer) throws -> T) throws -> T {
        try database.write { db in try body(Writer(db: db)) }
    }

    /// Lookups and inserts inside a write transaction.
    struct Writer {
        let db: Database

        /// The stored resource of `type` one of whose identifiers matches `search`
        /// (`identifier=system|value`, `identifier=value`, `identifier=system|`… as FHIR token search).
        func find(type: String, search: String) throws -> Stored? {
            guard let (system, value) = Self.identifierSearch(search) else { return nil }
            var sql = "SELECT r.rowid, r.json FROM resource r JOIN identifier i ON i.resource = r.rowid WHERE r.type = ? AND i.value = ?"
            var arguments: StatementArguments = [type, value]
            if let system {
                sql += " AND i.system = ?"
                arguments += [system]
            }
            return try Row.fetchOne(db, sql: sql + " ORDER BY r.rowid LIMIT 1", arguments: arguments).map {
                Stored(type: type, id: String($0["rowid"] as Int64), json: $0["json"])
            }
        }

        /// The next id for `type` (the row the next insert gets).
        func nextID() throws -> String {
            let last = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'resource'") ?? 0
            return String(last + 1)
        }

        /// Stores a resource with its identifiers; returns its id.
        func insert(type: String, json: String, identifiers: [(system: String, value: String)], now: Date) throws -> String {
            try db.execute(sql: "INSERT INTO resource (type, json, received_at) VALUES (?, ?, ?)", arguments: [type, json, now.timeIntervalSince1970])
            let row = db.lastInsertedRowID
            for identifier in identifiers {
                try db.execute(
                    sql: "INSERT INTO identifier (resource, type, system, value) VALUES (?, ?, ?, ?)",
                    arguments: [row, type, identifier.system, identifier.value])
            }
            return String(row)
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
