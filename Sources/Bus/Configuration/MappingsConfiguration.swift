public import Foundation

/// Where the bus reads the mappings routes name (`mappings/`), and how it notices edits.
public struct MappingsConfiguration: Sendable, Hashable {
    /// The mappings folder.
    public var folder: URL
    /// How often the folder is checked for changes (a changed folder is loaded and, when it
    /// loads without errors, used); `nil` reloads only on SIGHUP.
    public var watchInterval: Duration?

    /// Creates a configuration; by default the folder is checked every 2 seconds.
    public init(folder: URL, watchInterval: Duration? = .seconds(2)) {
        self.folder = folder
        self.watchInterval = watchInterval
    }
}
