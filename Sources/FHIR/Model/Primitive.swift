/// The value of a FHIR primitive, as written: numbers keep their exact text (`1.50` stays
/// `1.50`; never through `Double`).
public struct Primitive: Sendable, Hashable {
    /// How the value is written in JSON.
    public enum Kind: Sendable, Hashable {
        /// A JSON string: every primitive but the ones below.
        case string
        /// A JSON number: `decimal`, `integer`, `positiveInt`, `unsignedInt` (and `integer64`).
        case number
        /// A JSON boolean: `boolean`.
        case boolean
    }

    /// How the value is written in JSON.
    public var kind: Kind
    /// The text of the value: the string, the number exactly as written, or `true`/`false`.
    public var text: String

    /// Creates a value.
    public init(kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }

    /// A string value.
    public static func string(_ text: String) -> Primitive { Primitive(kind: .string, text: text) }
    /// A number value, with its exact text.
    public static func number(_ text: String) -> Primitive { Primitive(kind: .number, text: text) }
    /// A boolean value.
    public static func boolean(_ value: Bool) -> Primitive { Primitive(kind: .boolean, text: value ? "true" : "false") }

    /// The boolean, for a boolean value.
    public var boolValue: Bool? { kind == .boolean ? text == "true" : nil }
}
