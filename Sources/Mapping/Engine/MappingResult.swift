public import FHIR

/// What a mapping made of one message.
public struct MappingResult: Sendable {
    /// The Bundle as compact JSON.
    public var json: [UInt8]
    /// The definitions the Bundle is typed with.
    let definitions: Definitions
    /// The mapping file, for errors.
    let mapFile: String
    /// Values that could not be converted, codes without a mapping, references to resources
    /// the message did not have.
    public var issues: [MappingIssue]
    /// Which rule produced which element (only when ``V2ToFHIR/Options/trace`` is on).
    public var trace: [MappingTrace]
    /// The segments no rule read, e.g. `ZPI (segment 4)`: nothing is dropped silently.
    public var unmappedSegments: [String]

    /// The Bundle read as a typed FHIR element (done on demand: forwarding the JSON needs none).
    ///
    /// - Throws: ``MappingError`` when the JSON is not valid FHIR, which would be a fault of the
    ///   engine (every target is checked against the definitions when the mappings load).
    public func bundle() throws(MappingError) -> FHIR.Element {
        do throws(FormatError) {
            return try FHIR.Element(json: json, definitions: definitions)
        } catch {
            throw MappingError(file: mapFile, "the mapped Bundle is not valid FHIR at \(error.path ?? "?"): \(error.message)")
        }
    }
}

/// A problem met while mapping: where in the input, which rule, what (never the value).
public struct MappingIssue: Sendable, Hashable, CustomStringConvertible {
    /// How bad it is.
    public enum Severity: String, Sendable, Hashable {
        case warning, error
    }

    public var severity: Severity
    /// Where in the input, e.g. `PID (segment 3) field 7`.
    public var input: String
    /// The rule, `file:line`.
    public var rule: String
    /// What happened.
    public var message: String

    /// Creates an issue (the claims builder reports its own through the bus as these).
    public init(severity: Severity, input: String, rule: String, message: String) {
        self.severity = severity
        self.input = input
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(severity): \(input) (\(rule)): \(message)" }
}

/// One value a rule produced.
public struct MappingTrace: Sendable, Hashable, CustomStringConvertible {
    /// The rule, `file:line`.
    public var rule: String
    /// Where the value came from, e.g. `PID (segment 3) field 5 repetition 1`.
    public var input: String
    /// Where it went, e.g. `Patient/6f1c….name`.
    public var output: String

    public var description: String { "\(rule): \(input) -> \(output)" }
}
