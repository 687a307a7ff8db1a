import Foundation

extension PostgresStore {
    /// Where a ``PostgresStore`` connects and how many connections it keeps.
    ///
    /// ```swift
    /// var configuration = try PostgresStore.Configuration(url: "postgres://bus@db.internal:5432/lienthong")
    /// configuration.password = ProcessInfo.processInfo.environment["LIENTHONG_DB_PASSWORD"]
    /// ```
    /// ``description`` never shows the password.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// Whether the connection uses TLS.
        public struct TLSMode: Hashable, Sendable, CustomStringConvertible {
            let name: String

            /// Plain TCP (a loopback or private network only).
            public static let disable = TLSMode(name: "disable")
            /// TLS when the server offers it, plain TCP otherwise (libpq's default).
            public static let prefer = TLSMode(name: "prefer")
            /// TLS or no connection; the server's certificate is verified against the system's roots.
            public static let require = TLSMode(name: "require")

            /// The mode's name, as in a URL's `sslmode`.
            public var description: String { name }
        }

        /// The server's host name or address. Default `127.0.0.1`.
        public var host: String
        /// The server's port. Default 5432.
        public var port: Int
        /// The role to connect as. Default `lienthong`.
        public var username: String
        /// The role's password, if the server asks for one. Never logged.
        public var password: String?
        /// The database; `nil` means the role's name.
        public var database: String?
        /// The schema holding the store's tables, created if missing. Default `public`. Several
        /// stores can share a database in separate schemas (the tests use one per check).
        public var schema: String
        /// The most connections the store's operations use at once (its connection pool); one
        /// more listens for wake-ups. Default 10.
        public var poolSize: Int
        /// TLS. Default ``TLSMode/prefer``.
        public var tls: TLSMode
        /// How long to wait for a connection to open. Default 10 s.
        public var connectTimeout: Duration
        /// How long messages and attempts are kept: every hour, the monthly partitions that end
        /// more than this long ago are dropped (see ``PostgresStore/dropPartitions(olderThan:)``).
        /// `nil` (the default) keeps everything.
        public var retention: Duration?

        /// Creates a configuration; every setting has a default.
        public init(
            host: String = "127.0.0.1",
            port: Int = 5432,
            username: String = "lienthong",
            password: String? = nil,
            database: String? = nil,
            schema: String = "public",
            poolSize: Int = 10,
            tls: TLSMode = .prefer,
            connectTimeout: Duration = .seconds(10),
            retention: Duration? = nil
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.schema = schema
            self.poolSize = poolSize
            self.tls = tls
            self.connectTimeout = connectTimeout
            self.retention = retention
        }

        /// Reads a URL such as `postgres://user:password@host:5432/database?schema=bus&sslmode=disable`.
        ///
        /// Only `postgres` and `postgresql` URLs; the query may set `schema`, `sslmode`
        /// (`disable`, `prefer`, `require`) and `pool-size`. Settings the URL leaves out keep
        /// their defaults.
        ///
        /// - Throws: ``ConfigurationError``, which never quotes the password.
        public init(url: String) throws(ConfigurationError) {
            self.init()
            guard let components = URLComponents(string: url),
                let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased())
            else { throw ConfigurationError("expected a URL such as postgres://user@host:5432/database") }
            if let host = components.host, !host.isEmpty { self.host = host }
            if let port = components.port { self.port = port }
            if let user = components.user, !user.isEmpty { username = user }
            if let password = components.password { self.password = password }
            let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
            if !path.isEmpty { database = path }
            for item in components.queryItems ?? [] {
                let value = item.value ?? ""
                switch item.name {
                case "schema":
                    schema = value
                case "sslmode":
                    switch value {
                    case "disable": tls = .disable
                    case "prefer": tls = .prefer
                    case "require": tls = .require
                    default: throw ConfigurationError("sslmode must be disable, prefer or require, found \"\(value)\"")
                    }
                case "pool-size", "pool_size":
                    guard let size = Int(value), size > 0 else {
                        throw ConfigurationError("pool-size must be a whole number above 0, found \"\(value)\"")
                    }
                    poolSize = size
                default:
                    throw ConfigurationError("unknown URL setting \"\(item.name)\" (expected schema, sslmode or pool-size)")
                }
            }
            try validate()
        }

        /// Checks the settings: a positive pool size and a plain schema name (lower-case
        /// letters, digits and `_`, at most 53 bytes — the wake-up channel `lienthong_<schema>`
        /// must fit PostgreSQL's 63 —, not starting with a digit).
        ///
        /// - Throws: ``ConfigurationError``.
        public func validate() throws(ConfigurationError) {
            guard poolSize > 0 else { throw ConfigurationError("pool-size must be above 0") }
            guard Self.isPlainIdentifier(schema) else {
                throw ConfigurationError(
                    "schema must be lower-case letters, digits and _ (at most 53, not starting with a digit), found \"\(schema)\""
                )
            }
        }

        static func isPlainIdentifier(_ name: String) -> Bool {
            let bytes = Array(name.utf8)
            guard let first = bytes.first, bytes.count <= 53, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
                return false
            }
            return bytes.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "_")
            }
        }

        /// Host, port, user, database, schema, pool size and TLS; the password only as `<redacted>`.
        public var description: String {
            var text = "postgres://\(username)\(password == nil ? "" : ":<redacted>")@\(host):\(port)/\(database ?? username)"
            text += "?schema=\(schema)&sslmode=\(tls)&pool-size=\(poolSize)"
            return text
        }
    }

    /// A PostgreSQL store setting that cannot be used; the text never contains the password.
    public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var reason: String

        /// Creates an error.
        public init(_ reason: String) {
            self.reason = reason
        }

        /// The reason.
        public var description: String { reason }
    }
}
