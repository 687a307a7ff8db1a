extension Acknowledgment {
    /// The acknowledgment mode of an exchange.
    ///
    /// In original mode the receiver answers each message with one application acknowledgment
    /// (`AA`/`AE`/`AR`). In enhanced mode, chosen by the sender with MSH-15 and MSH-16, the
    /// receiver first sends a commit acknowledgment (`CA`/`CE`/`CR`) once the message is in safe
    /// storage, and then, as MSH-16 asks, an application acknowledgment.
    public struct Mode: Hashable, Sendable, CustomStringConvertible {
        /// `original` or `enhanced`.
        public var rawValue: String

        /// Creates a mode from its name.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// One application acknowledgment per message.
        public static let original = Mode(rawValue: "original")
        /// A commit acknowledgment, then an application acknowledgment.
        public static let enhanced = Mode(rawValue: "enhanced")

        /// The mode a message asks for: enhanced when MSH-15 or MSH-16 is valued, original
        /// otherwise.
        public init(for message: Message) {
            self = message.acceptAcknowledgmentType != nil || message.applicationAcknowledgmentType != nil
                ? .enhanced : .original
        }

        public var description: String { rawValue }
    }
}
