/// What kind of bytes a message holds, so routing and delivery read them right.
///
/// Stored as text with each message; a set of values that may grow (a mapping's output, say).
public struct MessageFormat: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The stored text, e.g. `hl7v2`.
    public var rawValue: String

    /// Creates a format from its stored text.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// HL7 v2 in ER7 encoding (segments separated by carriage returns).
    public static let hl7v2 = MessageFormat(rawValue: "hl7v2")
    /// A FHIR resource in JSON (`application/fhir+json`).
    public static let fhirJSON = MessageFormat(rawValue: "fhir+json")
    /// A FHIR resource in XML (`application/fhir+xml`).
    public static let fhirXML = MessageFormat(rawValue: "fhir+xml")
    /// A Vietnamese insurance claim: the `GIAMDINHHS` envelope of Decision 130/4750/3176 in XML.
    public static let claimsXML = MessageFormat(rawValue: "claims+xml")
    /// Bytes that were not read as any format (input rejected before reading).
    public static let unknown = MessageFormat(rawValue: "unknown")

    /// Whether the bytes are a FHIR resource, in JSON or XML.
    public var isFHIR: Bool { self == .fhirJSON || self == .fhirXML }

    /// The media type to send such bytes with, e.g. `application/fhir+json; charset=utf-8`.
    public var mediaType: String {
        switch self {
        case .fhirJSON: "application/fhir+json; charset=utf-8"
        case .fhirXML: "application/fhir+xml; charset=utf-8"
        case .hl7v2: "x-application/hl7-v2+er7; charset=utf-8"
        case .claimsXML: "application/xml; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    /// A file name extension for such bytes, without the dot: `hl7`, `json`, `xml` or `bin`.
    public var fileExtension: String {
        switch self {
        case .fhirJSON: "json"
        case .fhirXML, .claimsXML: "xml"
        case .hl7v2: "hl7"
        default: "bin"
        }
    }

    /// The stored text.
    public var description: String { rawValue }
}
