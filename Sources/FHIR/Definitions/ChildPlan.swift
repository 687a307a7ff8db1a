/// What reading and validating one child definition holding one type needs, found once per
/// ``ChildDefinitions`` child and type: whether the type is allowed, what kind of type it is,
/// where its children are defined, its profiles and the definition's own invariants beyond the
/// type's. The reader and the validator then do a few flag tests per element instead of
/// looking types up by name.
final class ChildPlan: Sendable {
    /// The types with checks of their own.
    struct Checks: OptionSet, Sendable {
        let rawValue: UInt8
        static let reference = Checks(rawValue: 1 << 0)
        static let identifier = Checks(rawValue: 1 << 1)
        static let coding = Checks(rawValue: 1 << 2)
        static let `extension` = Checks(rawValue: 1 << 3)
        static let attachment = Checks(rawValue: 1 << 4)
        static let quantity = Checks(rawValue: 1 << 5)
    }

    /// The element's type code.
    let type: String
    /// Whether the definition allows the type (one of its types, or a resource type where it
    /// allows `Resource`).
    let isAllowed: Bool
    /// Whether the type is a resource type.
    let isResource: Bool
    /// Whether the type is a primitive type.
    let isPrimitive: Bool
    /// Whether the element is a resource's `id` (typed `string` in R4, checked as an `id`).
    let isResourceID: Bool
    /// How a primitive's value is checked (as an `id` for a resource's id).
    let primitiveKind: PrimitiveFormat.Kind
    /// How a primitive's value is written in JSON.
    let valueKind: Primitive.Kind
    let checks: Checks
    /// The profiles the definition gives for the type.
    let profiles: [String]
    /// Whether the element's children are defined under the definition's own path.
    let hasInlineContent: Bool
    /// ``ChildDefinitions/content(ofChild:type:definitions:)``.
    let content: ChildDefinitions?
    /// The definition's invariants that its type's definition does not have (by key).
    let ownConstraints: [ElementDefinition.Constraint]

    /// The value set of the binding the validator checks, found on first use.
    private let bindingValueSet = LazySlot<Definitions.ValueSet?>()

    /// `definitions.valueSet(url:)` for the binding's `url`, kept.
    func bindingValueSet(url: String, definitions: Definitions) -> Definitions.ValueSet? {
        bindingValueSet.value { definitions.valueSet(url: url) }
    }

    /// The target profiles the definition gives its `Reference` type.
    private let referenceTargets: [String]
    /// ``targetTypes(definitions:)``, found on first use.
    private let targetTypes = LazySlot<[String]>()

    /// The types of the target profiles of the definition's `Reference` type: the types of the
    /// StructureDefinitions `definitions` have for them.
    func targetTypes(definitions: Definitions) -> [String] {
        targetTypes.value { referenceTargets.compactMap { definitions.structure(url: $0)?.type } }
    }

    init(ofChild number: Int, in children: ChildDefinitions, type: String, definitions: Definitions) {
        let definition = children.elements[number]
        let structure = children.structure
        let types = definition.types
        self.type = type
        self.isAllowed = types.isEmpty || types.contains { $0.code == type }
            || (types.contains { $0.code == "Resource" || $0.code == "DomainResource" } && definitions.isResourceType(type))
        self.isResource = definitions.isResourceType(type)
        self.isPrimitive = definitions.isPrimitiveType(type)
        self.isResourceID = definition.name == "id" && definition.path == structure.type + ".id" && definitions.isResourceType(structure.type)
        self.primitiveKind = PrimitiveFormat.Kind(isResourceID ? "id" : type)
        switch type {
        case "boolean": self.valueKind = .boolean
        case "integer", "decimal", "positiveInt", "unsignedInt": self.valueKind = .number
        default: self.valueKind = .string
        }
        var checks: Checks = []
        switch type {
        case "Reference": checks.insert(.reference)
        case "Identifier": checks.insert(.identifier)
        case "Coding": checks.insert(.coding)
        case "Extension": checks.insert(.extension)
        case "Attachment": checks.insert(.attachment)
        case "Quantity": checks.insert(.quantity)
        default: break
        }
        self.checks = checks
        self.profiles = types.first { $0.code == type }?.profiles ?? []
        self.referenceTargets = types.first { $0.code == "Reference" }?.targetProfiles ?? []
        self.hasInlineContent = definition.hasInlineContent(type: type)
        let content = children.content(ofChild: number, type: type, definitions: definitions)
        self.content = content
        let typeConstraints = content?.own?.constraints ?? []
        self.ownConstraints = definition.constraints.filter { constraint in !typeConstraints.contains { $0.key == constraint.key } }
    }
}
