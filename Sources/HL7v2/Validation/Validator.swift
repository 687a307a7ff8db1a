/// Checks HL7 v2 messages against the standard's definitions of their version: the message
/// structure (segment order, groups, cardinality), required fields, field repetitions, the
/// formats of the common primitive data types, and coded values against HL7 tables.
///
/// ```swift
/// let message = try Message(bytes)
/// let result = Validator().validate(message)
/// result.isValid        // no issue of severity error
/// result.structureID    // "ADT_A01"
/// for issue in result.issues { print(issue) }
/// ```
///
/// What is checked (each can be turned off in ``Configuration``):
///
/// - **Version** (MSH-12.1): validated with the definitions of that version, or of the closest
///   lower one with an information issue (2.7.1 → 2.7); anything else is
///   ``ErrorCode/unsupportedVersion`` (203) and nothing more is checked.
/// - **Structure** from MSH-9.3, or from MSH-9.1^MSH-9.2 through the version's event table
///   (ADT^A04 → ADT_A01); a bare type such as `ACK` is its own structure. An unknown type is
///   ``ErrorCode/unsupportedMessageType`` (200), an unknown event of a known type
///   ``ErrorCode/unsupportedEvent`` (201); an MSH-9.3 the version does not define is a warning
///   when the event gives a structure.
/// - **Segment sequence** (``ErrorCode/segmentSequence``, 100): the segments are matched against
///   the structure's grammar (see `StructureMatcher`); a missing required segment is reported at
///   the position it was expected, with its group path; a segment out of place, repeated too
///   often, not part of the structure, or unknown to the version is reported at its own
///   position. Z segments are allowed anywhere and never reported.
/// - **Required fields** (``ErrorCode/requiredFieldMissing``, 101) of every segment present (a
///   field of nothing but delimiters is empty; the null `""` is a value; OBX-2 is required only
///   when OBX-5 has a value, OBX-4 never), and **repetitions** of non-repeating fields
///   (``ErrorCode/repetitionsExceeded``, condition 102).
/// - **Data types** (``ErrorCode/dataType``, 102): DTM (also TS.1), DT, TM with real range checks
///   (months, days per month and leap years, hours, minutes, seconds, offsets), NM and SI, in
///   primitive fields and in the components and subcomponents of composite ones; OBX-5 by the
///   type OBX-2 names.
/// - **Tables** (``ErrorCode/tableValueNotFound``, 103): ID/IS values (and the code of CE/CWE/CNE
///   fields whose coding system is empty or that table) of the tables in
///   ``Configuration/tables``; MSH-9.1 against table 0076 and MSH-9.2 against 0003 in every
///   version. Message types and events that start with Z are local and never table errors.
/// - The parser's own issues (``Message/issues``) are included.
///
/// Empty values and the null `""` never fail a data type or table check. Issues name codes,
/// positions, types and tables, never a value from the message.
///
/// The definitions of a version are decoded and compiled once per process, by the first
/// message of that version; after that, validating is one pass over the segments (plus the
/// minimal-error explanation when the sequence does not match) and one over the bytes of their
/// fields. Validators are cheap values and can be shared across tasks.
public struct Validator: Sendable {
    /// What a validator checks.
    public struct Configuration: Sendable, Hashable {
        /// Match the segment sequence against the message structure.
        public var checksStructure: Bool
        /// Report required fields that are empty.
        public var checksRequiredFields: Bool
        /// Report fields that repeat more often than allowed.
        public var checksRepetitions: Bool
        /// Check the formats of DTM, TS, DT, TM, NM and SI values.
        public var checksDataTypes: Bool
        /// Check OBX-5 against the data type OBX-2 names (with ``checksDataTypes``).
        public var checksObservationValues: Bool
        /// Which tables coded values are checked against.
        public var tables: TableSelection
        /// Include the parser's issues (``Message/issues``) in the result.
        public var includesParseIssues: Bool

        /// Creates a configuration; by default everything is checked, tables ``TableSelection/standard``.
        public init(
            checksStructure: Bool = true,
            checksRequiredFields: Bool = true,
            checksRepetitions: Bool = true,
            checksDataTypes: Bool = true,
            checksObservationValues: Bool = true,
            tables: TableSelection = .standard,
            includesParseIssues: Bool = true
        ) {
            self.checksStructure = checksStructure
            self.checksRequiredFields = checksRequiredFields
            self.checksRepetitions = checksRepetitions
            self.checksDataTypes = checksDataTypes
            self.checksObservationValues = checksObservationValues
            self.tables = tables
            self.includesParseIssues = includesParseIssues
        }
    }

    /// What this validator checks.
    public var configuration: Configuration

    /// Creates a validator.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Validates one message.
    public func validate(_ message: Message) -> ValidationResult {
        var result = ValidationResult(issues: configuration.includesParseIssues ? message.issues : [])
        var issues: [Issue] = []
        let versionLocation = headerLocation(message, field: 12, component: 1)
        guard let requested = message.version else {
            issues.append(Issue(.unsupportedVersion, at: versionLocation, "MSH-12 (version ID) is empty: the version cannot be validated"))
            result.issues += issues
            return result
        }
        guard let resolved = Definitions.resolve(requested) else {
            issues.append(Issue(.unsupportedVersion, at: versionLocation, "the version in MSH-12 is not a supported HL7 v2 version (\(Definitions.versions.first!) to \(Definitions.versions.last!))"))
            result.issues += issues
            return result
        }
        let definitions: Definitions
        do {
            definitions = try Definitions.load(version: resolved.version)
        } catch {
            issues.append(Issue(.applicationInternalError, at: versionLocation, "the definitions of version \(resolved.version) cannot be loaded: \(error.reason)"))
            result.issues += issues
            return result
        }
        result.version = definitions.version
        if !resolved.isExact {
            issues.append(Issue(.unsupportedVersion, severity: .information, at: versionLocation, "there are no definitions for this exact version; validated with those of \(definitions.version)"))
        }
        let structure = resolveStructure(message, definitions, &issues)
        result.structureID = structure?.id

        var checker = FieldChecker(message: message, definitions: definitions, configuration: configuration)
        let checksFields = configuration.checksRequiredFields || configuration.checksRepetitions || configuration.checksDataTypes || configuration.tables != .none
        message.storage.withUnsafeBufferPointer { bytes in
            var inputs: [Int32] = []
            var inputSegments: [Int] = []
            let automaton = structure.flatMap { definitions.automata[$0.id] }
            for index in 0..<message.segmentCount {
                let id = message.segmentID(at: index)
                if id.utf8.first == UInt8(ascii: "Z") { continue }
                guard let symbol = definitions.symbols[id] else {
                    if configuration.checksStructure {
                        issues.append(Issue(.segmentSequence, at: segmentLocation(message, index, id), "segment \(id) is not defined in HL7 v\(definitions.version) (only Z segments may be added)"))
                    }
                    continue
                }
                if checksFields, let plan = definitions.segmentPlans[Int(symbol)] {
                    checker.check(segment: index, plan: plan, bytes: bytes)
                }
                guard configuration.checksStructure, let automaton, let structure else { continue }
                if automaton.hasWildcard || automaton.symbols.contains(symbol) {
                    inputs.append(symbol)
                    inputSegments.append(index)
                } else {
                    issues.append(Issue(.segmentSequence, at: segmentLocation(message, index, id), "segment \(id) is not part of message structure \(structure.id) in v\(definitions.version)"))
                }
            }
            if configuration.checksStructure, let automaton, let structure {
                issues += structureIssues(message, structure: structure, automaton: automaton, inputs: inputs, segments: inputSegments)
            }
        }
        issues += checker.issues
        // Segment order; header issues (no segment index) first. The sort is stable.
        let ordered = issues.enumerated().sorted {
            ($0.element.location.segmentIndex ?? 0, $0.offset) < ($1.element.location.segmentIndex ?? 0, $1.offset)
        }
        result.issues += ordered.map(\.element)
        return result
    }

    // MARK: Header

    /// Picks the message structure from MSH-9, reporting why when it cannot.
    func resolveStructure(_ message: Message, _ definitions: Definitions, _ issues: inout [Issue]) -> MessageStructure? {
        let v = definitions.version
        var named: String?
        if let id = message.structureID {
            if let structure = definitions.structure(id) { return structure }
            named = id
        }
        guard let type = message.messageType else {
            issues.append(Issue(.unsupportedMessageType, at: headerLocation(message, field: 9, component: 1), "MSH-9.1 (message type) is empty"))
            return nil
        }
        var found: MessageStructure?
        if let event = message.triggerEvent, let id = definitions.structureID(type: type, event: event) {
            found = definitions.structure(id)
        }
        if found == nil, let bare = definitions.structure(type) {
            found = bare  // ACK, and other structures without an event
        }
        if let found {
            if named != nil {
                issues.append(Issue(.tableValueNotFound, severity: .warning, at: headerLocation(message, field: 9, component: 3), "MSH-9.3 names no message structure of v\(v) (table 0354); validated as \(found.id), the structure of MSH-9.1^MSH-9.2"))
            }
            return found
        }
        guard definitions.messageTypes.contains(type) else {
            issues.append(Issue(.unsupportedMessageType, at: headerLocation(message, field: 9, component: 1), "MSH-9.1 is not a message type of v\(v)"))
            return nil
        }
        if message.triggerEvent == nil {
            issues.append(Issue(.unsupportedEvent, at: headerLocation(message, field: 9, component: 2), "MSH-9.2 (trigger event) is empty, so the message structure is unknown"))
        } else if named != nil {
            issues.append(Issue(.unsupportedEvent, at: headerLocation(message, field: 9, component: 3), "neither MSH-9.3 nor MSH-9.1^MSH-9.2 names a message structure of v\(v)"))
        } else {
            issues.append(Issue(.unsupportedEvent, at: headerLocation(message, field: 9, component: 2), "MSH-9.2 is not a trigger event of this message type in v\(v)"))
        }
        return nil
    }

    /// The location of MSH-`field`.`component`.
    func headerLocation(_ message: Message, field: Int, component: Int?) -> Location {
        var location = Location(segment: "MSH", segmentIndex: 1, field: field, component: component)
        location.byteOffset = message.segmentCount > 0 ? message.fieldOffset(segment: 0, field: field) : nil
        return location
    }

    /// The location of a whole segment.
    func segmentLocation(_ message: Message, _ index: Int, _ id: String) -> Location {
        Location(segment: id, segmentIndex: index + 1, byteOffset: Int(message.records[index].start))
    }
}
