public import Foundation

/// Where the bus reads the mappings routes name (`mappings/`), and how it notices edits.
public struct MappingsConfiguration: Sendable, Hashable {
    /// The mappings folder.
    public var folder: URL
    /// How often the folder is checked for changes (a changed folder is loaded and, when it
    /// loads without errors, used); `nil` reloads only on SIGHUP.
    public var watchInterval: Duration?
    /// The facility code (`MACSKCB`, 5 characters) the ``MappingCatalog/claims`` mapping builds
    /// claims for (`claims: {facility: "79001"}`); `nil` when no route builds claims.
    public var claimsFacility: String?

    /// Creates a configuration; by default the folder is checked every 2 seconds.
    public init(folder: URL, watchInterval: Duration? = .seconds(2), claimsFacility: String? = nil) {
        self.folder = folder
        self.watchInterval = watchInterval
        self.claimsFacility = claimsFacility
    }
}
