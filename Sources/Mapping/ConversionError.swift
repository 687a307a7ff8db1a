/// A value that cannot be converted between HL7 v2 and FHIR. The message names the rule that
/// failed, never the value (which may be patient data).
public struct ConversionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's text.
        public var rawValue: String
        /// Creates a code.
        public init(_ rawValue: String) { self.rawValue = rawValue }
        /// A date/time that is not `YYYY[MM[DD[HH[MM[SS[.S…]]]]]][±ZZZZ]`.
        public static let invalidDateTime = Code("invalid-date-time")
        /// A date/time whose parts are out of range (month 13, 30 February, hour 24, offset +1500).
        public static let dateTimeOutOfRange = Code("date-time-out-of-range")
        /// A ConceptMap that cannot serve as a vocabulary map.
        public static let invalidConceptMap = Code("invalid-concept-map")
        public var description: String { rawValue }
    }

    /// What kind of problem.
    public var code: Code
    /// What is wrong, without the value.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
