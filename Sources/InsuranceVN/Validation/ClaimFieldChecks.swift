/// What ``ClaimValidator/validateFields(of:)`` checks in each field of one table, worked out once
/// per table instead of once per record: whether it is required, a number, its maximum size and
/// its date format.
struct ClaimFieldChecks: Sendable {
    struct Field: Sendable {
        /// The field's position in the table's fields (and the record's texts).
        let index: Int
        let name: String
        let isRequired: Bool
        let isNumber: Bool
        let maxSize: Int?
        let dateFormat: ClaimValidator.DateFormat?
    }

    /// The fields the table has not removed, in order.
    let fields: [Field]
    /// The definitions the checks were made from.
    private let definitions: [ClaimFieldDefinition]

    init(_ table: ClaimTableDefinition) {
        definitions = table.fields
        fields = table.fields.enumerated().compactMap { index, definition in
            guard !definition.isRemoved else { return nil }
            return Field(
                index: index, name: definition.name,
                isRequired: definition.requirement == .always
                    && !ClaimValidator.notRequired.contains("\(table.name).\(definition.name)"),
                isNumber: definition.type == .number, maxSize: definition.maxSize,
                dateFormat: ClaimValidator.dateFormat(of: definition))
        }
    }

    /// The checks of the standard tables.
    private static let standard: [String: ClaimFieldChecks] = Dictionary(
        ClaimDefinitions.standard.tables.map { ($0.name, ClaimFieldChecks($0)) }, uniquingKeysWith: { first, _ in first })

    /// The checks of a table: the standard's, made once, when the table is the standard's (its
    /// fields are then the same array, which compares at once), else made now.
    static func of(_ table: ClaimTableDefinition) -> ClaimFieldChecks {
        if let checks = standard[table.name], checks.definitions == table.fields { return checks }
        return ClaimFieldChecks(table)
    }
}
