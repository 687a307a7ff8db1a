/// Checks claim tables against the gateway's rules (`gateway-rules/XMLn.csv` of the spec) that
/// can be checked offline, and returns every problem found.
///
/// ```swift
/// let problems = try ClaimValidator().validate(envelope)
/// for problem in problems { print(problem) }   // no field values: safe to log
/// ```
///
/// The checks:
/// - per field, driven by the definitions: required, number format, size, date format
///   (``ClaimValidator/validateFields(of:)``);
/// - per record, one rule per gateway-rules row: code structures, allowed values, date order,
///   conditional requirements, line amounts (`ClaimValidator+RecordRules.swift`);
/// - across tables: the same `MA_LK`, values that must equal XML1's, XML1 totals against the
///   XML2/XML3 lines (`ClaimValidator+TableRules.swift`).
///
/// ``ClaimRuleInventory`` lists every gateway rule and the check implementing it, or why none can.
public struct ClaimValidator: Sendable {
    /// The table definitions the documents were read with.
    public var definitions: ClaimDefinitions

    /// Creates a validator.
    public init(definitions: ClaimDefinitions = .standard) {
        self.definitions = definitions
    }

    /// Validates an envelope's tables, one encounter.
    /// - Throws: ``ClaimError`` when a table document cannot be read at all.
    public func validate(_ envelope: ClaimEnvelope) throws -> [ClaimProblem] {
        validate(try envelope.documents(definitions: definitions))
    }

    /// Validates the tables of one encounter: each document, then the rules across tables.
    public func validate(_ documents: [ClaimTableDocument]) -> [ClaimProblem] {
        var problems = documents.flatMap { validate($0) }
        problems += Self.tableRules(documents)
        return problems
    }

    /// Validates one table document on its own: its fields and its records' rules, no rule that
    /// needs another table.
    public func validate(_ document: ClaimTableDocument) -> [ClaimProblem] {
        let rules = Self.recordRules[document.table.name] ?? []
        let checks = ClaimFieldChecks.of(document.table)
        var problems: [ClaimProblem] = []
        for record in document.records {
            let sameTable = record.table.name == document.table.name && record.table.fields == document.table.fields
            Self.validateFields(of: record, sameTable ? checks : ClaimFieldChecks.of(record.table), into: &problems)
            for rule in rules where rule.isBroken(record) {
                problems.append(rule.problem(table: record.table.name, record: record.number))
            }
        }
        return problems
    }

    /// The checks every field gets from its definition: required (`x` in the rules), a number
    /// where the type is `Số`, at most the maximum size, and the date format of a date field.
    public func validateFields(of record: ClaimRecord) -> [ClaimProblem] {
        var problems: [ClaimProblem] = []
        Self.validateFields(of: record, ClaimFieldChecks.of(record.table), into: &problems)
        return problems
    }

    static func validateFields(of record: ClaimRecord, _ checks: ClaimFieldChecks, into problems: inout [ClaimProblem]) {
        let table = record.table.name
        let texts = record.texts
        for field in checks.fields {
            let name = field.name
            func add(_ check: String, _ vietnamese: String, _ english: String) {
                problems.append(
                    ClaimProblem(
                        table: table, record: record.number, field: name, rule: "\(table).\(name).\(check)",
                        vietnamese: vietnamese, english: english))
            }
            guard let text = texts[field.index], !text.isEmpty else {
                if field.isRequired {
                    add("required", "Trường bắt buộc nhưng không có dữ liệu", "Required field is empty")
                }
                continue
            }
            if field.isNumber, ClaimDecimal(text) == nil {
                add("type", "Không phải là số (dấu chấm phân cách thập phân)", "Not a number ('.' as decimal point)")
            }
            // A text has at most as many characters as UTF-8 bytes: count characters only when
            // the bytes are over.
            if let maxSize = field.maxSize, text.utf8.count > maxSize, text.count > maxSize {
                add("size", "Dài hơn kích thước tối đa \(maxSize) ký tự", "Longer than the maximum of \(maxSize) characters")
            }
            if let format = field.dateFormat, !Self.isValid(text, format) {
                let pattern = format == .dateTime ? "yyyyMMddHHmm" : "yyyyMMdd"
                add("format", "Không đúng định dạng \(pattern)", "Not in the format \(pattern)")
            }
        }
    }

    /// Every rule identifier the validator can report for a table: the field checks its
    /// definition implies, its record rules and the rules across tables.
    public func ruleIdentifiers(for table: ClaimTableDefinition) -> Set<String> {
        var identifiers: Set<String> = []
        let name = table.name
        for field in table.fields where !field.isRemoved {
            let prefix = "\(name).\(field.name)."
            if field.requirement == .always, !Self.notRequired.contains("\(name).\(field.name)") {
                identifiers.insert(prefix + "required")
            }
            if field.type == .number { identifiers.insert(prefix + "type") }
            if field.maxSize != nil { identifiers.insert(prefix + "size") }
            if Self.dateFormat(of: field) != nil { identifiers.insert(prefix + "format") }
        }
        for rule in Self.recordRules[name] ?? [] { identifiers.insert(rule.identifier(table: name)) }
        if name != "XML1", table.index(of: "MA_LK") != nil { identifiers.insert("\(name).MA_LK.link") }
        for (field, _) in Self.fieldsMatchingSummary[name] ?? [] { identifiers.insert("\(name).\(field).matchesXML1") }
        if name == "XML8" { identifiers.insert("XML8.MA_LK.encounterType") }
        if name == "XML1" { for total in Self.totals { identifiers.insert("XML1.\(total.field).total") } }
        return identifiers
    }

    /// Fields marked `x` that a later note in the same rules row makes optional.
    static let notRequired: Set<String> = [
        "XML13.TOMTAT_KQ"  // XML13.csv row 23: "Sửa thành Không bắt buộc trường này"
    ]

    enum DateFormat { case date, dateTime }

    /// The format of a date field: by its name (`NGAY…`, `…_NGAY`, a few others) and the gateway
    /// sheet's size (12 = `yyyyMMddHHmm`, 8 = `yyyyMMdd`; 3176 retyped dates as strings and
    /// widened some). Card validity dates are lists and checked by the card rules.
    static func dateFormat(of field: ClaimFieldDefinition) -> DateFormat? {
        let name = field.name
        let isDate =
            (name.hasPrefix("NGAY") || name.hasSuffix("NGAY") || otherDateFields.contains(name))
            && !name.hasPrefix("SO_NGAY") && name != "NGAY_TAI_KHAM"
        guard isDate else { return nil }
        switch field.gatewayMaxSize ?? field.maxSize {
        case 12: return .dateTime
        case 8: return .date
        default: return nil
        }
    }

    private static let otherDateFields: Set<String> = [
        "THOI_DIEM_DBLS", "THOIGIAN_DINHCHI", "BDDT_ARV", "NAM_NAM_LIEN_TUC", "NGAYSINH_NND",
        "NGAYBD_DTRI_LAO", "NGAYKT_DTRI_LAO", "NGAYKD_HIV", "NGAYCAP_CCCD_NND",
    ]

    static func isValid(_ text: String, _ format: DateFormat) -> Bool {
        switch format {
        case .date: ClaimDate(text) != nil
        case .dateTime: ClaimDateTime(text) != nil
        }
    }
}
