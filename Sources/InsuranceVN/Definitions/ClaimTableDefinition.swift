import FHIR

/// One claim table (`XML0` … `XML15`): its elements and its fields in the spec's order.
///
/// A table document is `rootElement` / `listElement` / `recordElement` (one record per line, as
/// the drugs of XML2) or, when ``listElement`` is `nil`, a flat document whose root element is
/// the one record (XML1 `TONG_HOP`).
public struct ClaimTableDefinition: Hashable, Sendable {
    /// The table's name as `LOAIHOSO` gives it (`XML1`).
    public var name: String {
        get { storage.value.name }
        set { storage.value.name = newValue }
    }
    /// What the table holds, in English.
    public var title: String {
        get { storage.value.title }
        set { storage.value.title = newValue }
    }
    /// The document's root element; `nil` when no source names the table's layout (XML12).
    public var rootElement: String? {
        get { storage.value.rootElement }
        set { storage.value.rootElement = newValue }
    }
    /// The element holding the records; `nil` for a flat table.
    public var listElement: String? {
        get { storage.value.listElement }
        set { storage.value.listElement = newValue }
    }
    /// The element of one record; the root element for a flat table.
    public var recordElement: String? {
        get { storage.value.recordElement }
        set { storage.value.recordElement = newValue }
    }
    /// Whether the element names come only from third-party code (see NOTES.md).
    public var isLayoutUncertain: Bool {
        get { storage.value.isLayoutUncertain }
        set { storage.value.isLayoutUncertain = newValue }
    }
    /// The fields, in the order the spec lists them and documents write them.
    public var fields: [ClaimFieldDefinition] {
        get { storage.value.fields }
        set { storage.value = Fields(storage.value, fields: newValue) }
    }

    /// The fields' element tags, for writing documents.
    var elementTags: ClaimElementTags { storage.value.elementTags }

    /// The definition in one shared box: every record holds its table's definition, and records
    /// are copied into documents, results and lists; a copy is then one reference count, not one
    /// per string and array of the definition.
    private var storage: CopyOnWriteBox<Fields>

    /// The stored properties, and what is derived from the fields (made again when they change).
    private struct Fields: Sendable {
        var name: String
        var title: String
        var rootElement: String?
        var listElement: String?
        var recordElement: String?
        var isLayoutUncertain: Bool
        let fields: [ClaimFieldDefinition]
        let indexByName: ClaimFieldIndex
        let elementTags: ClaimElementTags
        /// The width of each field written as a number before 3176 and a fixed-width string
        /// since (``ClaimFieldDefinition/isFormerFixedWidthNumber``), 0 for the others.
        let formerNumberWidths: [Int]

        init(_ other: Fields, fields: [ClaimFieldDefinition]) {
            self.init(
                name: other.name, title: other.title, rootElement: other.rootElement, listElement: other.listElement,
                recordElement: other.recordElement, isLayoutUncertain: other.isLayoutUncertain, fields: fields)
        }

        init(
            name: String, title: String, rootElement: String?, listElement: String?, recordElement: String?, isLayoutUncertain: Bool,
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
            indexByName = ClaimFieldIndex(names)
            elementTags = ClaimElementTags(names: fields.map(\.name))
            formerNumberWidths = fields.map { $0.isFormerFixedWidthNumber ? $0.maxSize ?? 0 : 0 }
        }
    }

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
        storage = CopyOnWriteBox(
            Fields(
                name: name, title: title, rootElement: rootElement, listElement: listElement, recordElement: recordElement,
                isLayoutUncertain: isLayoutUncertain, fields: fields))
    }

    public static func == (lhs: ClaimTableDefinition, rhs: ClaimTableDefinition) -> Bool {
        lhs.storage.sharesBox(with: rhs.storage)
            || lhs.name == rhs.name && lhs.title == rhs.title && lhs.rootElement == rhs.rootElement && lhs.listElement == rhs.listElement
                && lhs.recordElement == rhs.recordElement && lhs.isLayoutUncertain == rhs.isLayoutUncertain && lhs.fields == rhs.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(title)
        hasher.combine(rootElement)
        hasher.combine(listElement)
        hasher.combine(recordElement)
        hasher.combine(isLayoutUncertain)
        hasher.combine(fields)
    }

    /// The width of field `index` when it is a former fixed-width number (its text gets back the
    /// leading zeros a number-typed writer dropped), else 0.
    func formerNumberWidth(at index: Int) -> Int { storage.value.formerNumberWidths[index] }

    /// Whether a document holds exactly one record, written as its root element.
    public var isFlat: Bool { listElement == nil }

    /// The position of a field in ``fields``, by its name or a former name.
    public func index(of field: String) -> Int? { storage.value.indexByName[field] }

    /// The definition of a field, by its name or a former name.
    public func field(named name: String) -> ClaimFieldDefinition? {
        storage.value.indexByName[name].map { storage.value.fields[$0] }
    }
}
