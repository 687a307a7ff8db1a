/// One record of a claim table: the texts of its fields as written, in the definition's order.
///
/// A text is `nil` when the field's element was not in the file (a 4750 file lacks the fields
/// 3176 added) and `""` when it was written empty. A new record has every current field empty
/// and the fields 3176 removed absent:
///
/// ```swift
/// var drug = ClaimRecord(table: ClaimDefinitions.standard["XML2"]!)
/// try drug.setText("40.152", for: "MA_THUOC")
/// try drug.setDecimal(ClaimDecimal("2.5")!, for: "SO_LUONG")
/// try drug.decimal(for: "SO_LUONG")   // 2.5
/// ```
///
/// Equality compares the table's name, the number, the texts and the unknown elements.
public struct ClaimRecord: Hashable, Sendable {
    /// The table the record belongs to.
    public let table: ClaimTableDefinition
    /// The record's position in its document, 1 for the first.
    public var number: Int
    /// The fields' texts, aligned with `table.fields`.
    public private(set) var texts: [String?]
    /// Elements a reader found that the definition does not name, in the order read.
    public var unknownElements: [ClaimUnknownElement] = []

    /// Creates a record with every current field empty and every removed field absent.
    public init(table: ClaimTableDefinition, number: Int = 1) {
        self.table = table
        self.number = number
        self.texts = table.fields.map { $0.isRemoved ? nil : "" }
    }

    /// A record with these texts, aligned with `table.fields` (a reader's).
    init(table: ClaimTableDefinition, number: Int, texts: [String?]) {
        self.table = table
        self.number = number
        self.texts = texts
    }

    /// Each field's definition with its text, in order: what a validator walks.
    public var fields: [(definition: ClaimFieldDefinition, text: String?)] {
        Array(zip(table.fields, texts))
    }

    /// The text of a field (by its name or a former name) as written; `nil` when absent or not
    /// a field of the table.
    public subscript(field: String) -> String? {
        table.index(of: field).flatMap { texts[$0] }
    }

    /// The text of a field as written; `nil` when the element was absent.
    /// - Throws: ``ClaimError`` ``ClaimError/Code/unknownField`` when the table has no such field.
    public func text(for field: String) throws -> String? {
        texts[try position(of: field)]
    }

    /// Sets the text of a field; `nil` makes the field absent.
    /// - Throws: ``ClaimError`` ``ClaimError/Code/unknownField`` when the table has no such field.
    public mutating func setText(_ text: String?, for field: String) throws {
        texts[try position(of: field)] = text
    }

    /// Sets the text of the field at `index` in `table.fields`.
    public mutating func setText(_ text: String?, at index: Int) {
        texts[index] = text
    }

    func position(of field: String) throws -> Int {
        guard let index = table.index(of: field) else {
            throw ClaimError(.unknownField, table: table.name, record: number, path: field, "the table has no such field")
        }
        return index
    }

    public static func == (lhs: ClaimRecord, rhs: ClaimRecord) -> Bool {
        lhs.table.name == rhs.table.name && lhs.number == rhs.number && lhs.texts == rhs.texts
            && lhs.unknownElements == rhs.unknownElements
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(table.name)
        hasher.combine(number)
        hasher.combine(texts)
    }
}
