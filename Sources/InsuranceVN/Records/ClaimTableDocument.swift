/// One table document of an encounter (the drugs of XML2, the summary of XML1): its records.
///
/// A flat table (XML1, XML7 …) holds exactly one record. Read a document with
/// ``init(xml:table:)`` and write it with ``xml()``.
///
/// Equality compares the table's name and the records; ``issues`` are not part of it.
public struct ClaimTableDocument: Hashable, Sendable {
    /// The table.
    public let table: ClaimTableDefinition
    /// The records, in document order.
    public var records: [ClaimRecord]
    /// Problems a reader noted without stopping (unknown or repeated elements), in input order.
    public var issues: [ClaimError] = []

    /// Creates a document.
    public init(table: ClaimTableDefinition, records: [ClaimRecord]) {
        self.table = table
        self.records = records
    }

    public static func == (lhs: ClaimTableDocument, rhs: ClaimTableDocument) -> Bool {
        lhs.table.name == rhs.table.name && lhs.records == rhs.records
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(table.name)
        hasher.combine(records)
    }
}
