extension SQLiteStore {
    /// How a ``SQLiteStore`` opens its file.
    ///
    /// ```swift
    /// let store = try SQLiteStore(configuration: .init(path: "/var/lib/lienthong/bus.sqlite", durability: .full), logger: logger)
    /// ```
    public struct Configuration: Sendable {
        /// The database file; its directory is created if needed. Default `./data/lienthong.sqlite`.
        public var path: String
        /// What an acknowledged (committed) message survives. Default ``Durability/processCrash``.
        public var durability: Durability
        /// The most incoming messages committed in one transaction by group commit. Default 512.
        public var maximumBatchSize: Int
        /// The most concurrent read connections. Default 4.
        public var maximumReaderCount: Int
        /// How long to wait for another process's write lock (e.g. the CLI next to a running bus). Default 5 s.
        public var busyTimeout: Duration
        /// How long a message is kept after it ended (see ``SQLiteStore/removeEnded(before:batchSize:)``);
        /// `nil` keeps everything. With a retention, opening a file created in `auto_vacuum = NONE`
        /// rewrites it once (`VACUUM`). Default `nil`.
        public var retention: Duration?

        /// Creates a configuration; every setting has a default.
        public init(
            path: String = "./data/lienthong.sqlite",
            durability: Durability = .processCrash,
            maximumBatchSize: Int = 512,
            maximumReaderCount: Int = 4,
            busyTimeout: Duration = .seconds(5),
            retention: Duration? = nil
        ) {
            self.path = path
            self.durability = durability
            self.maximumBatchSize = maximumBatchSize
            self.maximumReaderCount = maximumReaderCount
            self.busyTimeout = busyTimeout
            self.retention = retention
        }
    }
}
