extension SQLiteStore {
    /// What a committed transaction survives.
    ///
    /// The store always runs SQLite in WAL mode. A commit appends the transaction's pages to the
    /// `-wal` file with `write(2)`; the data is then in the operating system's page cache, which
    /// belongs to the kernel, not to the process.
    /// - ``processCrash`` (`PRAGMA synchronous = NORMAL`): no `fsync` per commit (only at
    ///   checkpoints). A killed or crashed process (even `kill -9`) loses nothing it committed,
    ///   because the kernel still writes the page cache out. A power loss or kernel crash may lose
    ///   the last commits, but never corrupts the database.
    /// - ``full`` (`PRAGMA synchronous = FULL`): the WAL is `fsync`ed at every commit, so a
    ///   committed message also survives a power loss. Group commit makes this one `fsync` per
    ///   batch of concurrent messages rather than per message.
    ///
    /// A set of values that may grow.
    public struct Durability: Hashable, Sendable, CustomStringConvertible {
        /// The value of `PRAGMA synchronous`.
        package var synchronous: String

        /// Survives a process crash (WAL with `synchronous = NORMAL`). The default.
        public static let processCrash = Durability(synchronous: "NORMAL")
        /// Survives a power loss (WAL with `synchronous = FULL`).
        public static let full = Durability(synchronous: "FULL")

        /// `processCrash` or `full`.
        public var description: String {
            synchronous == "FULL" ? "full" : "processCrash"
        }
    }
}
