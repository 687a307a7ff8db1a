/// Why a FHIRPath expression could not be compiled or evaluated, with the character offset in
/// the expression where the problem was found.
///
/// Its description names the problem and the place in the expression, never a value of the data
/// the expression was evaluated on: that may be patient data.
public struct FHIRPathError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; open for new codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's name.
        public var rawValue: String

        /// Creates a code.
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// A character or token the grammar does not allow here.
        public static let syntax = Code("syntax")
        /// The expression ends where more is needed (an operand, a closing bracket).
        public static let unexpectedEnd = Code("unexpected-end")
        /// A string, delimited identifier or literal is not closed or not well formed.
        public static let invalidLiteral = Code("invalid-literal")
        /// A function the evaluator does not know.
        public static let unknownFunction = Code("unknown-function")
        /// A function called with too few or too many arguments, or with an argument of the
        /// wrong kind (a type name where one is required).
        public static let invalidArguments = Code("invalid-arguments")
        /// `%name` names no variable of the environment.
        public static let unknownVariable = Code("unknown-variable")
        /// A collection of more than one item where a single item is required.
        public static let singletonExpected = Code("singleton-expected")
        /// An operand or input of a type the operator or function does not accept.
        public static let typeMismatch = Code("type-mismatch")
        /// A regular expression that does not compile.
        public static let invalidRegex = Code("invalid-regex")

        /// The code's name.
        public var description: String { rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// Where in the expression, in characters (Unicode scalars) from 0.
    public var offset: Int
    /// A human message, without values from the data.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, at offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    /// `code at offset N: message`.
    public var description: String { "\(code) at offset \(offset): \(message)" }
}
