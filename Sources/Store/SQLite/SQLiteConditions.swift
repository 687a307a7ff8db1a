import GRDB

/// The `WHERE` clause of a search, built one optional condition at a time: a condition whose
/// value is `nil` is left out, and each `?` of a condition takes the value given with it.
///
/// ```swift
/// var conditions = SQLiteConditions("id > ?", after ?? 0)
/// conditions.add("channel = ?", query.channel)
/// let sql = "SELECT … WHERE \(conditions.sql) ORDER BY id LIMIT ?"
/// ```
struct SQLiteConditions {
    private var clauses: [String] = []
    private(set) var arguments: [(any DatabaseValueConvertible)?] = []

    /// Starts with one condition that always applies.
    init(_ sql: String, _ value: some DatabaseValueConvertible) {
        add(sql, value)
    }

    /// Adds `sql` (with one `?`) when `value` is not `nil`.
    mutating func add(_ sql: String, _ value: (some DatabaseValueConvertible)?) {
        guard let value else { return }
        clauses.append(sql)
        arguments.append(value)
    }

    /// Adds `column IN (?, …)`, one `?` per value (nothing when `values` is `nil`).
    mutating func add(_ column: String, in values: [some DatabaseValueConvertible]?) {
        guard let values else { return }
        clauses.append("\(column) IN (\(values.map { _ in "?" }.joined(separator: ", ")))")
        arguments.append(contentsOf: values as [(any DatabaseValueConvertible)?])
    }

    /// The conditions joined with `AND`.
    var sql: String { clauses.joined(separator: " AND ") }

    /// The conditions' values followed by `extra` (a `LIMIT`'s, for example).
    func statementArguments(then extra: (any DatabaseValueConvertible)...) -> StatementArguments {
        StatementArguments(arguments + extra.map { $0 })
    }
}
