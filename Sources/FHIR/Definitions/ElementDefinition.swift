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
        public var key: String
        /// `error` or `warning`.
        public var severity: String
        /// The human description.
        public var human: String
        /// The FHIRPath expression that must be true.
        public var expression: String?
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

    /// `Patient.name`, `Observation.value[x]`.
    public var path: String
    /// The element id (`Observation.component:systolic.value[x]` in profiles).
    public var id: String
    /// The slice this element starts, if any.
    public var sliceName: String?
    /// The last part of the path without `[x]`: `name`, `value`.
    public var name: String
    /// Whether the path ends in `[x]`.
    public var isChoice: Bool
    /// Minimum count.
    public var min: Int
    /// Maximum count; `nil` for `*`.
    public var max: Int?
    /// The allowed types (empty for an element defined by `contentReference`).
    public var types: [TypeReference]
    /// `#Questionnaire.item`: the element whose definition this one reuses.
    public var contentReference: String?
    /// The value set binding.
    public var binding: Binding?
    /// Invariants on the element.
    public var constraints: [Constraint]
    /// `xmlAttr`, `xhtml`, … for XML.
    public var representation: [String]
    /// The longest string allowed.
    public var maxLength: Int?
    /// Whether the element is a modifier.
    public var isModifier: Bool
    /// The slicing, on the element that is sliced.
    public var slicing: Slicing?
    /// `fixed[x]`: the type and the value (an untyped element tree).
    public var fixed: (type: String, value: Element)?
    /// `pattern[x]`: the type and the value.
    public var pattern: (type: String, value: Element)?
    /// `minValue[x]` and `maxValue[x]`, as written (numbers, dates).
    public var minValue: String?
    public var maxValue: String?

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
