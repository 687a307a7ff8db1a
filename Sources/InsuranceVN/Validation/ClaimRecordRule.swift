/// One rule checked within a record: which field it is about, its identifier, its message, and
/// the test that finds it broken. Built by the constructors in `ClaimValidator+RecordRules.swift`.
struct ClaimRecordRule: Sendable {
    /// The field the rule is about.
    let field: String
    /// The check's name, the last part of the rule identifier (`order`, `required`).
    let check: String
    let severity: ClaimProblem.Severity
    let vietnamese: String
    let english: String
    /// Whether the record breaks the rule. Checks only what they are about: an empty or
    /// malformed field they depend on is left to the field checks.
    let isBroken: @Sendable (ClaimRecord) -> Bool

    init(
        _ field: String, _ check: String, severity: ClaimProblem.Severity = .error,
        vietnamese: String, english: String, isBroken: @escaping @Sendable (ClaimRecord) -> Bool
    ) {
        self.field = field
        self.check = check
        self.severity = severity
        self.vietnamese = vietnamese
        self.english = english
        self.isBroken = isBroken
    }

    func identifier(table: String) -> String { "\(table).\(field).\(check)" }

    func problem(table: String, record: Int) -> ClaimProblem {
        ClaimProblem(
            table: table, record: record, field: field, rule: identifier(table: table), severity: severity,
            vietnamese: vietnamese, english: english)
    }
}

extension ClaimRecord {
    /// The field's value (``value(for:)``) when it is present and not empty.
    func filled(_ field: String) -> String? {
        guard let value = try? value(for: field), !value.isEmpty else { return nil }
        return value
    }

    /// The field's number, when present and well formed.
    func number(_ field: String) -> ClaimDecimal? {
        filled(field).flatMap(ClaimDecimal.init)
    }

    /// The field's number in the validator's arithmetic, when present and well formed.
    func amount(_ field: String) -> ClaimAmount? {
        number(field).map(ClaimAmount.init)
    }
}
