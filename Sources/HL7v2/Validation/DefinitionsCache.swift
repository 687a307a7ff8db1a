import Synchronization

/// The process-wide cache of loaded ``Definitions``: each version is read and compiled once.
final class DefinitionsCache: Sendable {
    /// The shared cache.
    static let shared = DefinitionsCache()

    private let entries = Mutex<[String: Result<Definitions, Definitions.LoadError>]>([:])

    /// The definitions of `version`, loading them on first use. Concurrent first uses of the
    /// same version wait for one load (the lock is held while a version loads).
    func definitions(_ version: String) throws(Definitions.LoadError) -> Definitions {
        let result = entries.withLock { entries -> Result<Definitions, Definitions.LoadError> in
            if let cached = entries[version] { return cached }
            let loaded = Result { () throws(Definitions.LoadError) -> Definitions in try Definitions.read(version: version) }
            entries[version] = loaded
            return loaded
        }
        return try result.get()
    }
}
