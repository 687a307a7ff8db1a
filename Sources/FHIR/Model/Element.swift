/// A FHIR resource, data type value or element: one node of a tree read from JSON or XML and
/// typed by the R4 definitions (no generated struct per resource).
///
/// - A resource is an element whose ``type`` is the resource type (`Patient`); at the root its
///   ``name`` is the resource type too, inside a resource the name of the element holding it
///   (`contained`, `resource` of a Bundle entry).
/// - A primitive (`date`, `decimal`, `code`, …) has its ``value`` and, as children, its `id` and
///   `extension` (from `_birthDate` in JSON).
/// - A choice element (`value[x]`) is named without the type suffix (`value`) and its ``type`` says
///   which type it holds (`Quantity`), as FHIRPath sees it.
/// - Repeated elements are consecutive children with the same name, in document order.
///
/// ```swift
/// let patient = try Element(json: bytes, definitions: .r4)
/// patient.children(named: "name").first?.children(named: "family").first?.value?.text   // "Nguyễn"
/// ```
public struct Element: Sendable, Hashable {
    /// The element's name in its parent (`birthDate`, `value`, `contained`), or the resource type
    /// at the root.
    public var name: String {
        get { storage.value.name }
        set { storage.value.name = newValue }
    }
    /// The FHIR type code: a primitive (`date`), a complex type (`HumanName`), a resource type
    /// (`Patient`), `BackboneElement` or `Element` for inline groups.
    public var type: String {
        get { storage.value.type }
        set { storage.value.type = newValue }
    }
    /// The value of a primitive; `nil` for other elements and for a primitive that only has an id
    /// or extensions.
    public var value: Primitive? {
        get { storage.value.value }
        set { storage.value.value = newValue }
    }
    /// The child elements, in order.
    public var children: [Element] {
        get { storage.value.children }
        _modify { yield &storage.value.children }
    }
    /// Where the element starts in the text it was read from, for messages; `nil` when built in
    /// code.
    public var position: TextPosition? {
        get { storage.value.position }
        set { storage.value.position = newValue }
    }

    /// Creates an element.
    public init(name: String, type: String, value: Primitive? = nil, children: [Element] = [], position: TextPosition? = nil) {
        storage = CopyOnWriteBox(Fields(name: name, type: type, value: value, children: children, position: position))
    }

    /// The fields of an element.
    private struct Fields: Sendable {
        var name: String
        var type: String
        var value: Primitive?
        var children: [Element]
        var position: TextPosition?
    }

    /// The fields, in one box: FHIRPath, the validator and the mappings copy elements all the
    /// time (into collections, out of their parents' children), and a copy of an element is then
    /// one reference count; an array of elements is an array of references.
    private var storage: CopyOnWriteBox<Fields>

    /// The children with a given name, in order.
    public func children(named name: String) -> [Element] {
        let length = name.utf8.count
        return children.filter { $0.name.utf8.count == length && $0.name == name }
    }

    /// The first child with a given name.
    public func child(named name: String) -> Element? {
        // Names of another length are passed over without comparing their text.
        let length = name.utf8.count
        return children.first { $0.name.utf8.count == length && $0.name == name }
    }

    /// The value text of the first child with a given name (`child(named:)?.value?.text`),
    /// read in place: the validator asks this of many elements, and a copy of the child would
    /// count references to all its fields.
    func childText(named name: String) -> String? {
        let length = name.utf8.count
        for index in children.indices where children[index].name.utf8.count == length && children[index].name == name {
            return children[index].value?.text
        }
        return nil
    }

    /// Equality ignores ``position``: two elements read from differently laid out text are equal.
    public static func == (lhs: Element, rhs: Element) -> Bool {
        lhs.storage.sharesBox(with: rhs.storage)
            || lhs.name == rhs.name && lhs.type == rhs.type && lhs.value == rhs.value && lhs.children == rhs.children
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(type)
        hasher.combine(value)
        hasher.combine(children)
    }
}
