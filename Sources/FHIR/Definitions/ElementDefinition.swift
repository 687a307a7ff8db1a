/// One element of a ``StructureDefinition``, compiled for reading and validating: cardinality,
/// types, binding, invariants.
public struct ElementDefinition: Sendable {
    /// A type an element may have.
    public struct TypeReference: Sendable, Hashable {
        /// The type code (`string`, `HumanName`, `Reference`, `Resource`); the FHIR type for the
        /// system types of `id` and `url` elements.
        public var code: String
        /// Profiles the value must conform to.
        public var profiles: [String]
        /// For `Reference` and `canonical`: the profiles of the target.
        public var targetProfiles: [String]
    }

    /// A value set binding.
    public struct Binding: Sendable, Hashable {
        /// `required`, `extensible`, `preferred` or `example`.
        public var strength: String
        /// The value set's canonical URL (without a version).
        public var valueSet: String?
    }

    /// An invariant.
    public struct Constraint: Sendable, Hashable {
        /// Its key (`ele-1`, `pat-1`).
        public var key: String {
            get { storage.key }
            set { storage = Storage(key: newValue, severity: severity, human: human, expression: expression) }
        }
        /// `error` or `warning`.
        public var severity: String {
            get { storage.severity }
            set { storage = Storage(key: key, severity: newValue, human: human, expression: expression) }
        }
        /// The human description.
        public var human: String {
            get { storage.human }
            set { storage = Storage(key: key, severity: severity, human: newValue, expression: expression) }
        }
        /// The FHIRPath expression that must be true.
        public var expression: String? {
            get { storage.expression }
            set { storage = Storage(key: key, severity: severity, human: human, expression: newValue) }
        }
        /// The expression as the standard validator checks it.
        var invariant: CompiledInvariant? { storage.invariant }
        /// Whether the key is `dom-3` (skipped when contained resources are not validated).
        var isDom3: Bool { storage.isDom3 }

        /// The fields, in one immutable box: the validator goes through the constraints of every
        /// element, and a copy of one is then one reference count.
        private final class Storage: Sendable {
            let key: String
            let severity: String
            let human: String
            let expression: String?
            let invariant: CompiledInvariant?
            let isDom3: Bool

            init(key: String, severity: String, human: String, expression: String?) {
                self.key = key
                self.severity = severity
                self.human = human
                self.expression = expression
                self.invariant = expression.map(CompiledInvariant.named)
                self.isDom3 = key == "dom-3"
            }
        }

        private var storage: Storage

        init(key: String, severity: String, human: String, expression: String?) {
            storage = Storage(key: key, severity: severity, human: human, expression: expression)
        }

        public static func == (lhs: Constraint, rhs: Constraint) -> Bool {
            lhs.key == rhs.key && lhs.severity == rhs.severity && lhs.human == rhs.human && lhs.expression == rhs.expression
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(key)
            hasher.combine(severity)
            hasher.combine(human)
            hasher.combine(expression)
        }
    }

    /// `ElementDefinition.slicing`.
    public struct Slicing: Sendable, Hashable {
        /// A discriminator: `value`, `pattern`, `type`, `profile` or `exists`, and the path.
        public struct Discriminator: Sendable, Hashable {
            public var type: String
            public var path: String
        }

        public var discriminators: [Discriminator]
        public var isOrdered: Bool
        /// `open`, `closed` or `openAtEnd`.
        public var rules: String
    }

    /// The stored fields, kept in one shared box (copied on write): definitions are looked up for
    /// every element validated, and copying one is then one reference count, not one per field.
    struct Fields: Sendable {
        var path: String = ""
        var id: String = ""
        var sliceName: String? = nil
        var name: String = ""
        var isChoice: Bool = false
        var min: Int = 0
        var max: Int? = nil
        var types: [TypeReference] = []
        var contentReference: String? = nil
        var binding: Binding? = nil
        var constraints: [Constraint] = []
        var representation: [String] = []
        var maxLength: Int? = nil
        var isModifier: Bool = false
        var slicing: Slicing? = nil
        var fixed: (type: String, value: Element)? = nil
        var pattern: (type: String, value: Element)? = nil
        var minValue: String? = nil
        var maxValue: String? = nil
    }

    private var storage: CopyOnWriteBox<Fields>

    /// Creates a definition from its fields.
    init(_ fields: Fields) {
        storage = CopyOnWriteBox(fields)
    }

    /// `Patient.name`, `Observation.value[x]`.
    public var path: String {
        get { storage.value.path }
        set { storage.value.path = newValue }
    }
    /// The element id (`Observation.component:systolic.value[x]` in profiles).
    public var id: String {
        get { storage.value.id }
        set { storage.value.id = newValue }
    }
    /// The slice this element starts, if any.
    public var sliceName: String? {
        get { storage.value.sliceName }
        set { storage.value.sliceName = newValue }
    }
    /// The last part of the path without `[x]`: `name`, `value`.
    public var name: String {
        get { storage.value.name }
        set { storage.value.name = newValue }
    }
    /// Whether the path ends in `[x]`.
    public var isChoice: Bool {
        get { storage.value.isChoice }
        set { storage.value.isChoice = newValue }
    }
    /// Minimum count.
    public var min: Int {
        get { storage.value.min }
        set { storage.value.min = newValue }
    }
    /// Maximum count; `nil` for `*`.
    public var max: Int? {
        get { storage.value.max }
        set { storage.value.max = newValue }
    }
    /// The allowed types (empty for an element defined by `contentReference`).
    public var types: [TypeReference] {
        get { storage.value.types }
        set { storage.value.types = newValue }
    }
    /// `#Questionnaire.item`: the element whose definition this one reuses.
    public var contentReference: String? {
        get { storage.value.contentReference }
        set { storage.value.contentReference = newValue }
    }
    /// The value set binding.
    public var binding: Binding? {
        get { storage.value.binding }
        set { storage.value.binding = newValue }
    }
    /// Invariants on the element.
    public var constraints: [Constraint] {
        get { storage.value.constraints }
        set { storage.value.constraints = newValue }
    }
    /// `xmlAttr`, `xhtml`, … for XML.
    public var representation: [String] {
        get { storage.value.representation }
        set { storage.value.representation = newValue }
    }
    /// The longest string allowed.
    public var maxLength: Int? {
        get { storage.value.maxLength }
        set { storage.value.maxLength = newValue }
    }
    /// Whether the element is a modifier.
    public var isModifier: Bool {
        get { storage.value.isModifier }
        set { storage.value.isModifier = newValue }
    }
    /// The slicing, on the element that is sliced.
    public var slicing: Slicing? {
        get { storage.value.slicing }
        set { storage.value.slicing = newValue }
    }
    /// `fixed[x]`: the type and the value (an untyped element tree).
    public var fixed: (type: String, value: Element)? {
        get { storage.value.fixed }
        set { storage.value.fixed = newValue }
    }
    /// `pattern[x]`: the type and the value.
    public var pattern: (type: String, value: Element)? {
        get { storage.value.pattern }
        set { storage.value.pattern = newValue }
    }
    /// `minValue[x]` and `maxValue[x]`, as written (numbers, dates); a UCUM Quantity as a
    /// FHIRPath quantity literal (`0 'kg'`).
    public var minValue: String? {
        get { storage.value.minValue }
        set { storage.value.minValue = newValue }
    }
    public var maxValue: String? {
        get { storage.value.maxValue }
        set { storage.value.maxValue = newValue }
    }

    /// Whether the element may repeat (its maximum is over 1).
    public var isRepeating: Bool { max.map { $0 > 1 } ?? true }

    /// Whether an element of `type` defined here has its children defined inline, under this
    /// element's own path (a `BackboneElement` or `Element` group, or a reference to another
    /// element's definition), rather than by its type.
    func hasInlineContent(type: String) -> Bool {
        types.isEmpty || type == "BackboneElement" || type == "Element"
    }
}

extension ElementDefinition {
    /// The name an element of `type` has in JSON: `valueQuantity` for `value[x]`, the plain name
    /// otherwise.
    public func jsonName(for type: String) -> String {
        isChoice ? name + Self.capitalized(type) : name
    }

    /// `quantity` → `Quantity`, `dateTime` → `DateTime`.
    static func capitalized(_ type: String) -> String {
        guard let first = type.first else { return type }
        return first.uppercased() + type.dropFirst()
    }
}
