/// One claim table (`XML0` … `XML15`): its elements and its fields in the spec's order.
///
/// A table document is `rootElement` / `listElement` / `recordElement` (one record per line, as
/// the drugs of XML2) or, when ``listElement`` is `nil`, a flat document whose root element is
/// the one record (XML1 `TONG_HOP`).
public struct ClaimTableDefinition: Hashable, Sendable {
    /// The table's name as `LOAIHOSO` gives it (`XML1`).
    public var name: String
    /// What the table holds, in English.
    public var title: String
    /// The document's root element; `nil` when no source names the table's layout (XML12).
    public var rootElement: String?
    /// The element holding the records; `nil` for a flat table.
    public var listElement: String?
    /// The element of one record; the root element for a flat table.
    public var recordElement: String?
    /// Whether the element names come only from third-party code (see NOTES.md).
    public var isLayoutUncertain: Bool
    /// The fields, in the order the spec lists them and documents write them.
    public var fields: [ClaimFieldDefinition]

    private var indexByName: ClaimFieldIndex
    /// The fields' element tags, for writing documents.
    private(set) var elementTags: ClaimElementTags

    /// Creates a table definition.
    public init(
        name: String,
        title: String,
        rootElement: String?,
        listElement: String?,
        recordElement: String?,
        isLayoutUncertain: Bool = false,
        fields: [ClaimFieldDefinition]
    ) {
        self.name = name
        self.title = title
        self.rootElement = rootElement
        self.listElement = listElement
        self.recordElement = recordElement
        self.isLayoutUncertain = isLayoutUncertain
        self.fields = fields
        var names: [(name: String, position: Int)] = []
        for (position, field) in fields.enumerated() {
            names.append((field.name, position))
            for name in field.formerNames { names.append((name, position)) }
        }
        self.indexByName = ClaimFieldIndex(names)
        self.elementTags = ClaimElementTags(names: fields.map(\.name))
    }

    /// Whether a document holds exactly one record, written as its root element.
    public var isFlat: Bool { listElement == nil }

    /// The position of a field in ``fields``, by its name or a former name.
    public func index(of field: String) -> Int? { indexByName[field] }

    /// The definition of a field, by its name or a former name.
    public func field(named name: String) -> ClaimFieldDefinition? {
        indexByName[name].map { fields[$0] }
    }
}
