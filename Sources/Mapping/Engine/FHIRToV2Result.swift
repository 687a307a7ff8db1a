public import HL7v2

/// What a FHIR → HL7 v2 mapping made of one Bundle.
public struct FHIRToV2Result: Sendable {
    /// The message as ER7, segments separated by `\r` (no MLLP framing).
    public var er7: [UInt8]
    /// The message map, for errors.
    public var mapFile: String
    /// Values that could not be converted, codes without a mapping, resources of another type
    /// than a map takes; with the rule (`file:line`) and the input place (a FHIRPath location).
    public var issues: [MappingIssue]
    /// Which rule produced which value (only with ``FHIRToV2/Options/trace``): the rule
    /// (`file:line`), the input place (`Bundle.entry[2].resource.name`) and the output place
    /// (`PID[1]-5.1.1`; a repetition as `PID[1]-3(2)`).
    public var trace: [MappingTrace]
    /// The entries no rule read, e.g. `Bundle.entry[4] (Practitioner)`: nothing is dropped silently.
    public var unmappedResources: [String]

    /// The message as text.
    public var text: String { String(decoding: er7, as: UTF8.self) }

    /// The message parsed with the `HL7v2` parser.
    ///
    /// - Throws: ``MappingError`` when the text does not parse, which would be a fault of the
    ///   engine (values are escaped, segments made by checked maps).
    public func message() throws(MappingError) -> Message {
        do throws(ParseError) {
            return try Message(er7)
        } catch {
            throw MappingError(file: mapFile, "the mapped message does not parse: \(error)")
        }
    }
}
