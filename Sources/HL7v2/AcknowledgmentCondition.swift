extension Acknowledgment {
    /// When an acknowledgment is wanted (MSH-15 and MSH-16, HL7 table 0155).
    public struct Condition: Hashable, Sendable, CustomStringConvertible {
        /// The code as written in MSH-15 or MSH-16, e.g. `AL`.
        public var rawValue: String

        /// Creates a condition from its table 0155 code.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// `AL`: always.
        public static let always = Condition(rawValue: "AL")
        /// `NE`: never.
        public static let never = Condition(rawValue: "NE")
        /// `ER`: only when the message is not accepted (error or reject).
        public static let errorOnly = Condition(rawValue: "ER")
        /// `SU`: only when the message is accepted.
        public static let successOnly = Condition(rawValue: "SU")

        /// Whether an acknowledgment with `code` should be sent under this condition. Unknown
        /// conditions ask for every acknowledgment.
        public func wants(_ code: Code) -> Bool {
            switch self {
            case .never: false
            case .errorOnly: !code.isAccept
            case .successOnly: code.isAccept
            default: true
            }
        }

        public var description: String { rawValue }
    }
}
