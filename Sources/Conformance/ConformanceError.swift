/// A problem with a suite's files or with the runner's set-up: a manifest that does not read, a
/// missing file, a target that cannot be used. (A case whose expectation does not hold is no
/// error: it is a failed ``CaseResult``.)
public struct ConformanceError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a set of values that may grow.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let name: String
        private init(_ name: String) { self.name = name }

        /// A manifest (`suite.yaml`) is not valid.
        public static let invalidManifest = Code("invalid manifest")
        /// A file a case names cannot be read.
        public static let unreadableFile = Code("unreadable file")
        /// A `--target` is not `local`, `mllp://host:port` or `http(s)://…`.
        public static let invalidTarget = Code("invalid target")
        /// The in-process bus or a receiving endpoint could not start.
        public static let localBusFailed = Code("local bus failed")

        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The file concerned (a path relative to the working directory, as given), when there is one.
    public var file: String?
    /// The manifest key concerned (`cases[3].expect.ack`), when there is one.
    public var key: String?
    /// A message for a person. It names files and keys, never message contents.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, file: String? = nil, key: String? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String {
        var place = file ?? ""
        if let key, !key.isEmpty { place += place.isEmpty ? key : ": \(key)" }
        return place.isEmpty ? "\(code): \(message)" : "\(place): \(message)"
    }
}
