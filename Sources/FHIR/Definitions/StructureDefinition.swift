/// A StructureDefinition compiled for reading and validating: a resource, data type or profile
/// with its elements (the snapshot).
public struct StructureDefinition: Sendable {
    /// `primitive-type`, `complex-type`, `resource` or `logical`.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public static let primitiveType = Kind("primitive-type")
        public static let complexType = Kind("complex-type")
        public static let resource = Kind("resource")
        public static let logical = Kind("logical")
        public var description: String { rawValue }
    }

    /// The stored fields, kept in one shared box (copied on write): a definition is passed along
    /// for every element validated, and copying it is then one reference count.
    private struct Fields: Sendable {
        var url: String
        var name: String
        var type: String
        var kind: Kind
        var isAbstract: Bool
        var baseDefinition: String?
        var derivation: String?
        var elements: [ElementDefinition]
        var missingBase: String?
        /// For each element id, the indexes of its direct children (slices not included): `Patient`
        /// → `Patient.id`, …; `Patient.identifier:nhs` → `Patient.identifier:nhs.system`, ….
        var childIndexes: [String: [Int]] = [:]
        /// For each element id, its index.
        var elementIndexes: [String: Int] = [:]
        /// For each sliced element id, the indexes of its slices (`Patient.identifier` →
        /// `Patient.identifier:nhs`, …).
        var sliceIndexes: [String: [Int]] = [:]
    }

    private var storage: CopyOnWriteBox<Fields>

    /// The canonical URL.
    public var url: String {
        get { storage.value.url }
        set { storage.value.url = newValue }
    }
    /// The computer name (`Patient`, `VNCorePatient`).
    public var name: String {
        get { storage.value.name }
        set { storage.value.name = newValue }
    }
    /// The type defined or constrained (`Patient`).
    public var type: String {
        get { storage.value.type }
        set { storage.value.type = newValue }
    }
    /// What kind of type.
    public var kind: Kind {
        get { storage.value.kind }
        set { storage.value.kind = newValue }
    }
    /// Whether the type is abstract (`Resource`, `DomainResource`, `Element`).
    public var isAbstract: Bool {
        get { storage.value.isAbstract }
        set { storage.value.isAbstract = newValue }
    }
    /// The definition this one specializes or constrains.
    public var baseDefinition: String? {
        get { storage.value.baseDefinition }
        set { storage.value.baseDefinition = newValue }
    }
    /// `specialization` (a type) or `constraint` (a profile).
    public var derivation: String? {
        get { storage.value.derivation }
        set { storage.value.derivation = newValue }
    }
    /// The snapshot's elements, in order.
    public var elements: [ElementDefinition] {
        get { storage.value.elements }
        set { storage.value.elements = newValue }
    }
    /// When the snapshot was generated against the core type because the base profile (this
    /// URL) is not among the definitions: the rules of that base are not checked.
    public var missingBase: String? {
        get { storage.value.missingBase }
        set { storage.value.missingBase = newValue }
    }

    /// Creates a definition from its parts.
    public init(
        url: String, name: String, type: String, kind: Kind, isAbstract: Bool, baseDefinition: String?,
        derivation: String?, elements: [ElementDefinition]
    ) {
        var fields = Fields(
            url: url, name: name, type: type, kind: kind, isAbstract: isAbstract, baseDefinition: baseDefinition,
            derivation: derivation, elements: elements)
        for (index, element) in elements.enumerated() {
            let id = element.id
            fields.elementIndexes[id] = fields.elementIndexes[id] ?? index
            guard let dot = id.lastIndex(of: ".") else { continue }
            let last = id[id.index(after: dot)...]
            if let colon = last.firstIndex(of: ":") {
                // A slice: `<parent>.<name>:<slice>`.
                fields.sliceIndexes[String(id[..<colon]), default: []].append(index)
            } else {
                fields.childIndexes[String(id[..<dot]), default: []].append(index)
            }
        }
        storage = CopyOnWriteBox(fields)
    }

    /// The element with this id; for an element outside slices its id is its path
    /// (`Patient.name`), inside a slice it names the slice (`Patient.identifier:nhs.system`).
    public func element(at id: String) -> ElementDefinition? {
        storage.value.elementIndexes[id].map { elements[$0] }
    }

    /// The direct children of the element with this id (slices not included), in order.
    public func children(of id: String) -> [ElementDefinition] {
        (storage.value.childIndexes[id] ?? []).map { elements[$0] }
    }

    /// The slices of the element with this id, in order.
    public func slices(of id: String) -> [ElementDefinition] {
        (storage.value.sliceIndexes[id] ?? []).map { elements[$0] }
    }

    /// The root element (the type itself).
    public var root: ElementDefinition? { elements.first }
}

extension StructureDefinition {
    /// Compiles a StructureDefinition from its resource (read as an untyped tree from JSON or
    /// XML); uses the snapshot.
    ///
    /// - Throws: ``FormatError`` when the resource is not a StructureDefinition or has no
    ///   snapshot.
    public init(resource: Element) throws(FormatError) {
        guard resource.type == "StructureDefinition" || resource.child(named: "resourceType")?.value?.text == "StructureDefinition" else {
            throw FormatError(.unknownResourceType, path: resource.name, "not a StructureDefinition")
        }
        guard let snapshot = resource.child(named: "snapshot") else {
            throw FormatError(.emptyValue, path: "StructureDefinition.snapshot", "the definition has no snapshot")
        }
        let elements = try snapshot.children(named: "element").map { element throws(FormatError) in try ElementDefinition(element: element) }
        try self.init(resource: resource, elements: elements)
    }

    /// Compiles a StructureDefinition whose elements are given (a generated snapshot).
    init(resource: Element, elements: [ElementDefinition]) throws(FormatError) {
        func text(_ name: String) -> String? { resource.child(named: name)?.value?.text }
        guard let url = text("url"), let type = text("type") else {
            throw FormatError(.emptyValue, path: "StructureDefinition", "url and type are required")
        }
        self.init(
            url: url, name: text("name") ?? type, type: type, kind: Kind(text("kind") ?? "resource"),
            isAbstract: text("abstract") == "true", baseDefinition: text("baseDefinition"),
            derivation: text("derivation"), elements: elements)
    }
}

extension ElementDefinition {
    /// FHIR's primitive type names.
    static let primitiveTypes: Set<String> = [
        "base64Binary", "boolean", "canonical", "code", "date", "dateTime", "decimal", "id", "instant", "integer",
        "integer64", "markdown", "oid", "positiveInt", "string", "time", "unsignedInt", "uri", "url", "uuid", "xhtml",
    ]

    /// The type named by the suffix of `valueDateTime` / `fixedCodeableConcept`: `dateTime`,
    /// `CodeableConcept`.
    /// A `minValue[x]`/`maxValue[x]` as written; a UCUM Quantity as a FHIRPath quantity
    /// literal (`0 'kg'`), a Quantity in other units as `nil`.
    static func limit(_ element: Element?) -> String? {
        guard let element else { return nil }
        if let value = element.value { return value.text }
        guard element.child(named: "system")?.value?.text == "http://unitsofmeasure.org",
            let number = element.child(named: "value")?.value?.text, let code = element.child(named: "code")?.value?.text
        else { return nil }
        return "\(number) '\(code)'"
    }

    static func typeName(suffix: Substring) -> String {
        guard let first = suffix.first else { return String(suffix) }
        let lowered = first.lowercased() + suffix.dropFirst()
        return primitiveTypes.contains(lowered) ? lowered : String(suffix)
    }

    /// Compiles one `ElementDefinition` (an untyped tree).
    init(element: Element) throws(FormatError) {
        func text(_ name: String, in element: Element = element) -> String? { element.child(named: name)?.value?.text }
        guard let path = text("path") else {
            throw FormatError(.emptyValue, path: "ElementDefinition", "an element has no path")
        }
        self.init(Fields())
        self.path = path
        self.id = text("id") ?? path
        self.sliceName = text("sliceName")
        let last = path.split(separator: ".").last.map(String.init) ?? path
        self.isChoice = last.hasSuffix("[x]")
        self.name = isChoice ? String(last.dropLast(3)) : last
        self.min = text("min").flatMap { Int($0) } ?? 0
        switch text("max") {
        case "*": self.max = nil
        case let value?: self.max = Int(value) ?? 1
        case nil: self.max = 1
        }
        self.types = element.children(named: "type").map { type in
            var code = text("code", in: type) ?? ""
            for extensionElement in type.children(named: "extension")
            where text("url", in: extensionElement) == "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type" {
                if let fhirType = extensionElement.children.first(where: { $0.name.hasPrefix("value") })?.value?.text {
                    code = fhirType
                }
            }
            return TypeReference(
                code: code,
                profiles: type.children(named: "profile").compactMap { $0.value?.text },
                targetProfiles: type.children(named: "targetProfile").compactMap { $0.value?.text })
        }
        self.contentReference = text("contentReference")
        self.binding = element.child(named: "binding").map { binding in
            Binding(strength: text("strength", in: binding) ?? "example", valueSet: text("valueSet", in: binding).map(Definitions.unversioned))
        }
        self.constraints = element.children(named: "constraint").map { constraint in
            Constraint(
                key: text("key", in: constraint) ?? "", severity: text("severity", in: constraint) ?? "error",
                human: text("human", in: constraint) ?? "", expression: text("expression", in: constraint))
        }
        self.representation = element.children(named: "representation").compactMap { $0.value?.text }
        self.maxLength = text("maxLength").flatMap { Int($0) }
        self.isModifier = text("isModifier") == "true"
        self.slicing = element.child(named: "slicing").map { slicing in
            Slicing(
                discriminators: slicing.children(named: "discriminator").map {
                    Slicing.Discriminator(type: text("type", in: $0) ?? "value", path: text("path", in: $0) ?? "$this")
                },
                isOrdered: text("ordered", in: slicing) == "true",
                rules: text("rules", in: slicing) ?? "open")
        }
        self.fixed = nil
        self.pattern = nil
        self.minValue = Self.limit(element.children.first { $0.name.hasPrefix("minValue") })
        self.maxValue = Self.limit(element.children.first { $0.name.hasPrefix("maxValue") })
        for child in element.children {
            if child.name.hasPrefix("fixed"), child.name.count > 5 {
                fixed = (Self.typeName(suffix: child.name.dropFirst(5)), child)
            } else if child.name.hasPrefix("pattern"), child.name.count > 7 {
                pattern = (Self.typeName(suffix: child.name.dropFirst(7)), child)
            }
        }
    }
}
