/// One problem the ``ClaimValidator`` found: where (table, record, field), which rule, how bad,
/// and a message in Vietnamese and English.
///
/// Messages never contain a field's value: they name the field and the rule, so a problem can be
/// logged or shown as it is. A reader who needs the value (the claims officer fixing their own
/// data) looks it up with ``record`` and ``field`` in the document they validated.
public struct ClaimProblem: Hashable, Sendable, CustomStringConvertible {
    /// How serious a problem is. A struct with static members, so levels can be added.
    public struct Severity: Hashable, Sendable, CustomStringConvertible {
        /// The level's name.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// The gateway rejects the claim for it.
        public static let error = Severity("error")
        /// The spec's rule is ambiguous and this is our reading of it: check before sending.
        public static let warning = Severity("warning")

        public var description: String { name }
    }

    /// The table (`XML1` …).
    public var table: String
    /// The record's number in its document (1 for the first).
    public var record: Int
    /// The field the problem is about.
    public var field: String
    /// The rule's stable identifier, `TABLE.FIELD.check` (`XML1.NGAY_RA.order`); see
    /// ``ClaimRuleInventory`` for which row of the gateway rules each one implements.
    public var rule: String
    /// How serious the problem is.
    public var severity: Severity
    /// The message in Vietnamese.
    public var vietnamese: String
    /// The message in English.
    public var english: String

    /// Creates a problem.
    public init(
        table: String, record: Int, field: String, rule: String, severity: Severity = .error,
        vietnamese: String, english: String
    ) {
        self.table = table
        self.record = record
        self.field = field
        self.rule = rule
        self.severity = severity
        self.vietnamese = vietnamese
        self.english = english
    }

    public var description: String {
        "\(severity) \(table) record \(record) \(field) [\(rule)]: \(english)"
    }
}
