/// A problem with claims data: a definition, a table document or an envelope that cannot be read
/// or written, or a field text that does not fit its format.
///
/// Errors carry where the problem is (table, record, element path, line) and a plain reason; the
/// ``description`` never contains a field value, so an error can be logged as it is.
public struct ClaimError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong. A struct with static members, so codes can be added without breaking
    /// anyone who switches over them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, as in the description.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// The bytes are not well-formed XML.
        public static let invalidXML = Code("invalidXML")
        /// The document's root element is not the one the table (or the envelope) uses.
        public static let unexpectedRootElement = Code("unexpectedRootElement")
        /// An element the definition does not know; reading goes on and keeps the element's text.
        public static let unknownElement = Code("unknownElement")
        /// A field element that occurs twice in one record; the first text is kept.
        public static let duplicateElement = Code("duplicateElement")
        /// An element the envelope needs is missing.
        public static let missingElement = Code("missingElement")
        /// The spec names no element layout for the table, so it can be neither written nor read.
        public static let tableLayoutUnknown = Code("tableLayoutUnknown")
        /// A field name that is not in the table's definition.
        public static let unknownField = Code("unknownField")
        /// A field text that does not have the format the accessor reads (date, decimal).
        public static let invalidValue = Code("invalidValue")
        /// A text holds a character XML 1.0 cannot carry (a control character).
        public static let invalidCharacter = Code("invalidCharacter")
        /// A document holds a record of another table.
        public static let mismatchedRecord = Code("mismatchedRecord")
        /// A table with one record per document (such as XML1) was given another number of records.
        public static let recordCount = Code("recordCount")
        /// An envelope's `NOIDUNGFILE` is not valid base64.
        public static let invalidBase64 = Code("invalidBase64")
        /// An envelope's `LOAIHOSO` names no known table.
        public static let unknownTableType = Code("unknownTableType")
        /// The definitions resource is missing or malformed.
        public static let invalidDefinitions = Code("invalidDefinitions")
        /// The input a claim is built from is not FHIR (or HL7 v2) that can be read or mapped.
        public static let invalidInput = Code("invalidInput")

        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The table (`XML1` …), when the problem is inside one.
    public var table: String?
    /// The record's number in its document (1 for the first), when the problem is inside one.
    public var record: Int?
    /// The element path (`GIAMDINHHS/THONGTINHOSO/…/FILEHOSO[2]/NOIDUNGFILE`) or field name.
    public var path: String?
    /// The line in the XML input, when known.
    public var line: Int?
    /// A plain explanation that names no value from the data.
    public var message: String

    /// Creates an error.
    public init(
        _ code: Code,
        table: String? = nil,
        record: Int? = nil,
        path: String? = nil,
        line: Int? = nil,
        _ message: String
    ) {
        self.code = code
        self.table = table
        self.record = record
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        var place: [String] = []
        if let table { place.append("table \(table)") }
        if let record { place.append("record \(record)") }
        if let path { place.append("at \(path)") }
        if let line { place.append("line \(line)") }
        let location = place.isEmpty ? "" : " (" + place.joined(separator: ", ") + ")"
        return "\(code)\(location): \(message)"
    }
}
