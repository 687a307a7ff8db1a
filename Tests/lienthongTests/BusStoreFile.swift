import Foundation
import Logging
import Store

extension SQLiteStore {
    /// The SQLite store a `lienthong serve` without `security.encryption` wrote: its key is the
    /// file beside it (`<path>.key`, id `local`, see docs/SECURITY.md).
    static func openedAsTheBus(path: String, logger: Logger) throws -> SQLiteStore {
        let keys = try KeyRing(current: EncryptionKey.load(id: "local", file: path + ".key"))
        return try SQLiteStore(configuration: .init(path: path), keys: keys, logger: logger)
    }
}
