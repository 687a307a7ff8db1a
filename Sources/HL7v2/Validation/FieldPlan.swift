/// The checks for one field of a segment, compiled once per version from its
/// ``FieldDefinition`` and the data types it uses. A plain value (no references), so walking
/// the fields of a segment costs no reference counting.
struct FieldPlan: Sendable {
    /// Whether the field must have a value.
    var isRequired: Bool
    /// Withdrawn fields are not checked at all.
    var isWithdrawn: Bool
    /// The most repetitions allowed, 0 when unbounded.
    var maxRepetitions: Int32
    /// The index of the value plan in ``SegmentPlan/values``, or ``noValue`` / ``variesValue``.
    var value: Int32

    /// Nothing to check in the value.
    static let noValue: Int32 = -1
    /// The value's type is named at run time (OBX-5 by OBX-2).
    static let variesValue: Int32 = -2
}

/// How a value (one repetition of a field, or an OBX-5 of a given type) is checked.
enum ValuePlan: Sendable {
    /// A primitive value: the first component's first subcomponent is checked.
    case primitive(DataTypeCheck)
    /// A composite value: each component by its own plan.
    case composite(CompositePlan)
}

/// The checks of the components of a composite data type.
final class CompositePlan: Sendable {
    /// The data type ID, e.g. `CX`.
    let dataType: String
    /// One entry per component (index 0 = component 1).
    let components: [ComponentPlan]
    /// For coded types (CE, CWE, CNE, CF) whose table comes from the field: component 1 is
    /// checked against this table (an index into ``Definitions/tableIDs``) only when
    /// component 3 (the coding system) is empty or names that HL7 table.
    let codedTable: Int32?

    init(dataType: String, components: [ComponentPlan], codedTable: Int32?) {
        self.dataType = dataType
        self.components = components
        self.codedTable = codedTable
    }

    /// A copy with other component checks or coded table.
    func with(components: [ComponentPlan]? = nil, codedTable: Int32?) -> CompositePlan {
        CompositePlan(dataType: dataType, components: components ?? self.components, codedTable: codedTable)
    }

    /// Whether any component has a check (otherwise the value is not walked).
    var hasChecks: Bool { codedTable != nil || components.contains { $0.check != nil || $0.subcomponents.contains { $0 != nil } } }
}

/// The checks of one component: its own (primitive) check, or, for a composite component, the
/// checks of its subcomponents.
struct ComponentPlan: Sendable {
    /// The check of a primitive component.
    var check: DataTypeCheck?
    /// The checks of a composite component's subcomponents (index 0 = subcomponent 1).
    var subcomponents: [DataTypeCheck?]
}

/// The compiled checks of one segment.
final class SegmentPlan: Sendable {
    /// The segment ID.
    let id: String
    /// One plan per defined field (index 0 = field 1).
    let fields: [FieldPlan]
    /// The fields' long names, for issues (index 0 = field 1).
    let names: [String]
    /// The value plans the fields point to.
    let values: [ValuePlan]

    init(id: String, fields: [FieldPlan], names: [String], values: [ValuePlan]) {
        self.id = id
        self.fields = fields
        self.names = names
        self.values = values
    }
}

/// Compiles field plans from one version's definitions.
struct PlanCompiler {
    let dataTypes: [String: [ComponentDefinition]]
    /// Table ID → index into ``Definitions/tableIDs``, for tables with at least one value;
    /// checks are emitted only for these.
    let tables: [String: Int32]

    /// Coded data types whose field-level table applies to component 1.
    static let codedTypes: Set<String> = ["CE", "CWE", "CNE", "CF"]

    /// The check of a primitive value of `type` with `table`, if any.
    func check(type: String, table: String?) -> DataTypeCheck? {
        if type == "ID" || type == "IS" {
            guard let table, let index = tables[table] else { return nil }
            return .table(index)
        }
        return DataTypeCheck(primitive: type)
    }

    /// The plan of a composite data type (`nil` when `type` is not composite).
    func composite(_ type: String) -> CompositePlan? {
        guard let definitions = dataTypes[type] else { return nil }
        var components: [ComponentPlan] = []
        for (index, component) in definitions.enumerated() {
            var plan = ComponentPlan(check: nil, subcomponents: [])
            if type == "TS" && index == 0 {
                // TS.1 is a DTM in every version (hl7apy types it ST before 2.5).
                plan.check = .dateTime
            } else if let subcomponents = dataTypes[component.dataType] {
                plan.subcomponents = subcomponents.enumerated().map { subIndex, sub in
                    if component.dataType == "TS" && subIndex == 0 { return .dateTime }
                    return check(type: sub.dataType, table: sub.table)
                }
                if !plan.subcomponents.contains(where: { $0 != nil }) { plan.subcomponents = [] }
            } else {
                plan.check = check(type: component.dataType, table: component.table)
            }
            components.append(plan)
        }
        return CompositePlan(dataType: type, components: components, codedTable: nil)
    }

    /// The plan of a value of `type` (primitive or composite), with an optional table from the
    /// field; `nil` when there is nothing to check.
    func value(type: String, table: String?) -> ValuePlan? {
        if var plan = composite(type) {
            if let table, let index = tables[table], Self.codedTypes.contains(type), !plan.components.isEmpty, plan.components[0].check == nil {
                plan = plan.with(codedTable: index)
            }
            return plan.hasChecks ? .composite(plan) : nil
        }
        return check(type: type, table: table).map(ValuePlan.primitive)
    }

    /// The plan of a segment.
    func segment(_ definition: SegmentDefinition) -> SegmentPlan {
        var fields: [FieldPlan] = []
        var values: [ValuePlan] = []
        for (index, field) in definition.fields.enumerated() {
            let number = index + 1
            var value: ValuePlan?
            var valueIndex = FieldPlan.noValue
            if field.isWithdrawn || (definition.id == "MSH" && number <= 2) {
                value = nil  // withdrawn, or the delimiters (checked by the parser)
            } else if field.dataType == "varies" {
                valueIndex = FieldPlan.variesValue
            } else if definition.id == "MSH" && number == 9, let composite = composite(field.dataType) {
                value = messageType(composite)
            } else {
                value = self.value(type: field.dataType, table: field.table)
            }
            if let value {
                valueIndex = Int32(values.count)
                values.append(value)
            }
            // OBX-2 (value type) and OBX-4 (sub-ID) are conditional in the standard; hl7apy has
            // them required in 2.7–2.8 (OBX-2 also in 2.1–2.4). OBX-2 is checked against OBX-5.
            let conditional = definition.id == "OBX" && (number == 2 || number == 4)
            fields.append(FieldPlan(
                isRequired: field.isRequired && !conditional,
                isWithdrawn: field.isWithdrawn,
                maxRepetitions: Int32(clamping: field.maxOccurs ?? 0),
                value: valueIndex
            ))
        }
        return SegmentPlan(id: definition.id, fields: fields, names: definition.fields.map(\.name), values: values)
    }

    /// MSH-9: component 1 is a message type (table 0076) and component 2 a trigger event
    /// (table 0003) in every version, whatever the data says.
    private func messageType(_ plan: CompositePlan) -> ValuePlan? {
        var components = plan.components
        if components.count >= 1, components[0].check == nil, let index = tables["0076"] {
            components[0].check = .table(index)
        }
        if components.count >= 2, components[1].check == nil, let index = tables["0003"] {
            components[1].check = .table(index)
        }
        let composite = plan.with(components: components, codedTable: nil)
        return composite.hasChecks ? .composite(composite) : nil
    }
}
