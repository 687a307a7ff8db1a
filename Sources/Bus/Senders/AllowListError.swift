/// An allow-list entry that cannot be read: an address range or a certificate subject.
///
/// The description names the problem and quotes the entry (an address or a certificate
/// subject, never message content).
public struct AllowListError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong. Open set: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, e.g. `invalidAddress`.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// Not an IPv4 or IPv6 address.
        public static let invalidAddress = Code("invalidAddress")
        /// The prefix length after `/` is not a number within the address's size (32 or 128).
        public static let invalidPrefixLength = Code("invalidPrefixLength")
        /// Not a distinguished name in RFC 4514 form (`CN=his.example.vn,O=Example,C=VN`).
        public static let invalidSubject = Code("invalidSubject")

        /// The code's name.
        public var description: String { name }
    }

    /// What is wrong.
    public var code: Code
    /// The entry as written.
    public var entry: String
    /// Why it cannot be read.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, entry: String, _ message: String) {
        self.code = code
        self.entry = entry
        self.message = message
    }

    /// The problem, with the entry quoted.
    public var description: String { "\"\(entry)\": \(message)" }
}
