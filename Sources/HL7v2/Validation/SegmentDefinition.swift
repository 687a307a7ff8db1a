/// The fields of one segment in one HL7 v2 version, as the ``Definitions`` describe them.
///
/// ```swift
/// let pid = try Definitions.load(version: "2.5").segment("PID")
/// pid?.fields[2].name        // "PATIENT_IDENTIFIER_LIST" (PID-3)
/// pid?.fields[2].dataType    // "CX"
/// ```
public struct SegmentDefinition: Sendable, Hashable {
    /// The segment ID, e.g. `PID`.
    public var id: String
    /// The fields in order: `fields[0]` is field 1 (for MSH, MSH-1 is the field separator and
    /// MSH-2 the encoding characters, as in the standard).
    public var fields: [FieldDefinition]

    /// Creates a segment definition.
    public init(id: String, fields: [FieldDefinition]) {
        self.id = id
        self.fields = fields
    }

    /// Field `number` (1-based, as in `PID-3`), or `nil` when the segment defines fewer fields.
    public func field(_ number: Int) -> FieldDefinition? {
        number >= 1 && number <= fields.count ? fields[number - 1] : nil
    }
}

/// One field of a ``SegmentDefinition``.
public struct FieldDefinition: Sendable, Hashable {
    /// The field's long name in upper snake case, e.g. `PATIENT_IDENTIFIER_LIST`
    /// (empty for a withdrawn position).
    public var name: String
    /// The HL7 data type ID, e.g. `CX`, `ST`, `DTM`. `varies` when the type is given at run time
    /// (OBX-5 takes its type from OBX-2); `WD` or empty for a withdrawn field.
    public var dataType: String
    /// The minimum number of repetitions: 1 or more makes the field required.
    public var minOccurs: Int
    /// The maximum number of repetitions, `nil` when unbounded. 0 marks a withdrawn field.
    public var maxOccurs: Int?
    /// The HL7 table the field's value comes from, e.g. `0001`, when it has one.
    public var table: String?

    /// Creates a field definition.
    public init(name: String, dataType: String, minOccurs: Int, maxOccurs: Int?, table: String? = nil) {
        self.name = name
        self.dataType = dataType
        self.minOccurs = minOccurs
        self.maxOccurs = maxOccurs
        self.table = table
    }

    /// Whether the field must have a value.
    public var isRequired: Bool { minOccurs >= 1 && !isWithdrawn }

    /// Whether the field was withdrawn from the standard (it should not be sent; it is not checked).
    public var isWithdrawn: Bool { maxOccurs == 0 || dataType == "WD" || dataType.isEmpty }
}

/// One component of a composite data type (and, one level down, one subcomponent).
public struct ComponentDefinition: Sendable, Hashable {
    /// The component's long name in upper snake case, e.g. `IDENTIFIER_TYPE_CODE`.
    public var name: String
    /// The HL7 data type ID of the component, e.g. `ID`, `HD`, `DTM`.
    public var dataType: String
    /// The HL7 table the component's value comes from, e.g. `0203`, when it has one.
    public var table: String?

    /// Creates a component definition.
    public init(name: String, dataType: String, table: String? = nil) {
        self.name = name
        self.dataType = dataType
        self.table = table
    }
}
