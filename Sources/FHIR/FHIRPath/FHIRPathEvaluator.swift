import Foundation

/// Evaluates compiled FHIRPath nodes on collections, for one input and environment: one
/// expression, or several one after another (``FHIRPathInput``). A class: the evaluation's
/// functions capture it, and a copy is then one reference count instead of one per field of the
/// environment.
final class FHIRPathEvaluator {
    typealias Value = FHIRPathValue
    typealias Node = FHIRPathNode

    /// What `$this`, `$index` and `$total` are where a node is evaluated.
    struct Scope {
        var this: [Value]
        var index: Int? = nil
        var total: [Value]? = nil
    }

    let environment: FHIRPathEnvironment
    let definitions: Definitions
    /// The collection the evaluation started on.
    let input: [Value]
    // `%resource`, `%rootResource` and `%context`, made when asked for: most expressions ask
    // none of them.
    var resource: Value? { environment.resource.map { Value.element($0) } ?? (input.count == 1 ? input[0] : nil) }
    var rootResource: Value? { environment.rootResource.map { Value.element($0) } ?? resource }
    var context: [Value] { environment.context.map { [Value.element($0)] } ?? input }
    /// The values of constant subexpressions computed so far (``FHIRPathNode/memoSlot``), for
    /// the expression being evaluated.
    var memo: Memo?

    /// Values kept for one evaluation, by slot.
    final class Memo {
        var values: [[Value]?]
        init(slots: Int) { values = Array(repeating: nil, count: slots) }
    }

    /// The values of subexpressions shared with other expressions evaluated on the same input
    /// (``FHIRPathNode/sharedSlot``).
    let shared: FHIRPathSharedValues?
    /// The values of subexpressions that depend only on the environment, shared by a set of
    /// expressions (``FHIRPathNode/constantSlot``).
    let constants: FHIRPathSharedValues?

    /// The type whose lineage was asked for last, and its lineage: `ofType(Condition)` over a
    /// Bundle's entries asks for the same few types again and again, and the definitions'
    /// lookup takes a lock and hashes the name.
    private var lastLineage: (type: String, names: [String])?

    /// ``Definitions/lineage(of:)``, the last answer kept.
    func lineage(of type: String) -> [String] {
        if let last = lastLineage, last.type == type { return last.names }
        let names = definitions.lineage(of: type)
        lastLineage = (type, names)
        return names
    }

    /// The type asked last whether it may be another's ancestor, and the answer: a filter such
    /// as `ofType(ChargeItem)` asks it once per item, always of the same name.
    private var lastAncestorQuery: (type: String, answer: Bool)?

    /// Whether an element of type `type` is of type `name` (`name` is the type or one of its
    /// ancestors). The lineage is looked up only when `name` may be an ancestor
    /// (``Definitions/mayBeAncestor(_:)``): resource types, most data types and the primitives
    /// nothing derives from are not, and most elements an `ofType` sees are of another type.
    func derives(_ type: String, from name: String) -> Bool {
        if type == name { return true }
        return mayBeAncestor(name) && lineage(of: type).contains(name)
    }

    /// ``Definitions/mayBeAncestor(_:)``, the last answer kept.
    private func mayBeAncestor(_ name: String) -> Bool {
        if let last = lastAncestorQuery, last.type == name { return last.answer }
        let answer = definitions.mayBeAncestor(name)
        lastAncestorQuery = (name, answer)
        return answer
    }

    /// Whether ``isType(_:_:)`` holds exactly for the elements whose type is `type`'s name: a
    /// FHIR type that is not a primitive or a system type's name and that no type derives from
    /// (`Observation`, `Period`). `ofType(Observation)` over a Bundle's resources then compares
    /// one name per item.
    func isExactType(_ type: Node.TypeSpecifier) -> Bool {
        (type.namespace == nil || type.namespace == "FHIR") && !Self.startsLowercase(type.name)
            && !Self.systemTypeNames.contains(type.name) && !mayBeAncestor(type.name)
    }

    init(environment: FHIRPathEnvironment, input: [Value], shared: FHIRPathSharedValues? = nil, constants: FHIRPathSharedValues? = nil) {
        self.shared = shared
        self.constants = constants
        self.environment = environment
        self.definitions = environment.definitions
        self.input = input
    }

    /// The value of `node` evaluated with `focus` as its input.
    func evaluate(_ node: Node, _ focus: [Value], _ scope: Scope) throws(FHIRPathError) -> [Value] {
        if let slot = node.constantSlot, let constants {
            if let known = constants.values[slot] { return known }
            let values = try compute(node, focus, scope)
            constants.values[slot] = values
            return values
        }
        if let slot = node.sharedSlot, let shared {
            if let known = shared.values[slot] { return known }
            let values = try compute(node, focus, scope)
            shared.values[slot] = values
            return values
        }
        guard let slot = node.memoSlot, let memo else { return try compute(node, focus, scope) }
        if let known = memo.values[slot] { return known }
        let values = try compute(node, focus, scope)
        memo.values[slot] = values
        return values
    }

    /// The value of `node`, computed.
    private func compute(_ node: Node, _ focus: [Value], _ scope: Scope) throws(FHIRPathError) -> [Value] {
        switch node.kind {
        case .empty:
            return []
        case .literal(let value):
            return node.literalCollection ?? [value]
        case .member(let target, let name):
            if let path = node.names {
                guard let base = path.base else { return navigate(focus, path.names, isFirst: true) }
                return navigate(try evaluate(base, focus, scope), path.names, isFirst: false)
            }
            if let target {
                return navigate(try evaluate(target, focus, scope), name, isFirst: false)
            }
            return navigate(focus, name, isFirst: true)
        case .call(let target, let call):
            let items = try target.map { target throws(FHIRPathError) in try evaluate(target, focus, scope) } ?? focus
            return try invoke(call, on: items, focus: focus, scope: scope, at: node.offset)
        case .this:
            return scope.this
        case .index:
            return scope.index.map { [.integer($0)] } ?? []
        case .total:
            return scope.total ?? []
        case .variable(let name):
            return try variable(name, at: node.offset)
        case .indexer(let target, let indexNode):
            let items = try evaluate(target, focus, scope)
            let index = try evaluate(indexNode, focus, scope)
            guard let position = try integer(index, at: indexNode.offset) else { return [] }
            return position >= 0 && position < items.count ? [items[position]] : []
        case .negate(let operand):
            guard let value = try Self.single(try evaluate(operand, focus, scope), at: node.offset) else { return [] }
            switch Self.primitive(value) {
            case .integer(let integer): return [.integer(-integer)]
            case .decimal(let decimal): return [.decimal(-decimal)]
            case .quantity(var quantity):
                quantity.value = -quantity.value
                return [.quantity(quantity)]
            default:
                throw FHIRPathError(.typeMismatch, at: node.offset, "unary '-' needs a number or a quantity")
            }
        case .binary(let op, let left, let right):
            return try binary(op, left, right, focus, scope, at: node.offset)
        case .type(let isOperator, let operand, let type):
            let items = try evaluate(operand, focus, scope)
            if isOperator {
                guard let item = try Self.single(items, at: node.offset) else { return [] }
                return Self.collection(isType(item, type))
            }
            // `as` on several items keeps those of the type, as `ofType` does.
            return items.filter { isType($0, type) }
        }
    }

    // MARK: Navigation

    /// The children named `name` of each element (and `value` and `unit` of a system
    /// quantity). As the first name of a path, a type name (`Patient.name`) selects the input
    /// when it is of that type.
    func navigate(_ items: [Value], _ name: String, isFirst: Bool) -> [Value] {
        var result: [Value] = []
        // Children of another name are passed over in place, without a copy, and names of
        // another length without comparing their text.
        let length = name.utf8.count
        for item in items {
            if case .quantity(let quantity) = item {
                if name == "value" { result.append(.decimal(quantity.value)) }
                if name == "unit" { result.append(.string(quantity.unit)) }
                continue
            }
            guard case .element(let element) = item else { continue }
            var found = false
            let children = element.children
            for index in children.indices where children[index].name.utf8.count == length && children[index].name == name {
                result.append(.element(children[index]))
                found = true
            }
            if !found, isFirst, isSelected(element, byTypeName: name) {
                result.append(item)
            }
        }
        return result
    }

    /// ``navigate(_:_:isFirst:)`` with each name in turn (two or more), in one walk down from
    /// each item: the same items in the same order, without the collections between.
    func navigate(_ items: [Value], _ names: [String], isFirst: Bool) -> [Value] {
        var result: [Value] = []
        let first = names[0]
        let length = first.utf8.count
        for item in items {
            // (A system quantity's `value` and `unit` have no children: nothing comes of them.)
            guard case .element(let element) = item else { continue }
            var found = false
            let children = element.children
            for index in children.indices where children[index].name.utf8.count == length && children[index].name == first {
                Self.descend(children[index], names, from: 1, into: &result)
                found = true
            }
            if !found, isFirst, isSelected(element, byTypeName: first) {
                Self.descend(element, names, from: 1, into: &result)
            }
        }
        return result
    }

    /// Whether the first name of a path, with no child of that name, selects the element itself:
    /// a type name (`Patient.name`) of the element's type or an ancestor.
    private func isSelected(_ element: Element, byTypeName name: String) -> Bool {
        Self.startsUppercase(name) && derives(element.type, from: name)
    }

    /// Appends the elements reached from `element` by `names` from `depth` on.
    private static func descend(_ element: Element, _ names: [String], from depth: Int, into result: inout [Value]) {
        guard depth < names.count else {
            result.append(.element(element))
            return
        }
        let name = names[depth]
        let length = name.utf8.count
        let children = element.children
        for index in children.indices where children[index].name.utf8.count == length && children[index].name == name {
            descend(children[index], names, from: depth + 1, into: &result)
        }
    }

    func variable(_ name: String, at offset: Int) throws(FHIRPathError) -> [Value] {
        switch name {
        case "resource": return resource.map { [$0] } ?? []
        case "rootResource": return rootResource.map { [$0] } ?? []
        case "context": return context
        case "ucum": return [.string("http://unitsofmeasure.org")]
        case "sct": return [.string("http://snomed.info/sct")]
        case "loinc": return [.string("http://loinc.org")]
        default:
            if let values = environment.variables[name] { return values }
            if name.hasPrefix("vs-") { return [.string("http://hl7.org/fhir/ValueSet/" + name.dropFirst(3))] }
            if name.hasPrefix("ext-") { return [.string("http://hl7.org/fhir/StructureDefinition/" + name.dropFirst(4))] }
            throw FHIRPathError(.unknownVariable, at: offset, "no variable %\(name) in the environment")
        }
    }

    // MARK: Singletons

    /// `[.boolean(true)]` and `[.boolean(false)]`, made once: operators and functions answer
    /// with them all the time (each `where` criterion on each item), and a new one-item array
    /// is a heap allocation.
    private static let trueCollection: [Value] = [.boolean(true)]
    private static let falseCollection: [Value] = [.boolean(false)]

    /// The collection of one boolean.
    static func collection(_ boolean: Bool) -> [Value] {
        boolean ? trueCollection : falseCollection
    }

    /// The one item of a collection; `nil` when empty.
    static func single(_ values: [Value], at offset: Int) throws(FHIRPathError) -> Value? {
        guard values.count <= 1 else {
            throw FHIRPathError(.singletonExpected, at: offset, "expected at most one item, found \(values.count)")
        }
        return values.first
    }

    /// A collection as a boolean: a single boolean is itself, a single other item is `true`, the
    /// empty collection is `nil`.
    static func boolean(_ values: [Value], at offset: Int) throws(FHIRPathError) -> Bool? {
        guard let value = try single(values, at: offset) else { return nil }
        switch value {
        case .boolean(let boolean):
            return boolean
        case .element(let element) where element.type == "boolean":
            return element.value.map { $0.text == "true" }
        default:
            return true
        }
    }

    /// A FHIR primitive as its system value; anything else unchanged.
    static func primitive(_ value: Value) -> Value {
        guard case .element(let element) = value, let system = Value.system(of: element) else { return value }
        return system
    }

    /// A value as an operand of comparisons: primitives as system values, FHIR quantities as
    /// system quantities.
    static func comparable(_ value: Value) -> Value {
        guard case .element(let element) = value else { return value }
        if let system = Value.system(of: element) { return system }
        if let quantity = Value.quantity(of: element) { return .quantity(quantity) }
        return value
    }

    /// The single integer of a collection.
    func integer(_ values: [Value], at offset: Int) throws(FHIRPathError) -> Int? {
        guard let value = try Self.single(values, at: offset) else { return nil }
        switch Self.primitive(value) {
        case .integer(let integer): return integer
        default: throw FHIRPathError(.typeMismatch, at: offset, "expected an integer")
        }
    }

    /// The single string of a collection: a system string, or the text of any FHIR primitive
    /// (a `date` too, as its text is the string the data holds).
    func string(_ values: [Value], at offset: Int) throws(FHIRPathError) -> String? {
        guard let value = try Self.single(values, at: offset) else { return nil }
        if case .element(let element) = value, let text = element.value?.text { return text }
        switch value {
        case .string(let string): return string
        default: throw FHIRPathError(.typeMismatch, at: offset, "expected a string")
        }
    }

    // MARK: Types

    /// Whether a type name starts with a lower-case letter (`canonical`, not `Reference`).
    static func startsLowercase(_ name: String) -> Bool {
        guard let first = name.utf8.first else { return false }
        return first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z")
    }

    /// Whether a name starts with an upper-case letter, as type names do (`Patient`): they are
    /// ASCII, so the first byte tells, not the Unicode properties of the first scalar.
    static func startsUppercase(_ name: String) -> Bool {
        guard let first = name.utf8.first else { return false }
        return first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z")
    }

    /// The names ``systemTypeName(_:)`` gives.
    static let systemTypeNames: Set<String> = ["Boolean", "String", "Integer", "Decimal", "Date", "DateTime", "Time", "Quantity"]

    /// The system type name of a system value.
    static func systemTypeName(_ value: Value) -> String? {
        switch value {
        case .element: nil
        case .boolean: "Boolean"
        case .string: "String"
        case .integer: "Integer"
        case .decimal: "Decimal"
        case .date: "Date"
        case .dateTime: "DateTime"
        case .time: "Time"
        case .quantity: "Quantity"
        }
    }

    /// Whether a value is of a type: FHIR types by the definitions' lineage (`Patient` is a
    /// `DomainResource`, `code` is a `string`, `Age` is a `Quantity`), system types by name. An
    /// unqualified system name (`Boolean`) also matches a FHIR primitive of that system type.
    func isType(_ value: Value, _ type: Node.TypeSpecifier) -> Bool {
        switch value {
        case .element(let element):
            guard type.namespace == nil || type.namespace == "FHIR" else { return false }
            if element.type == type.name { return true }
            // Types named in lower case are primitives, which only primitives derive from (`code`
            // from `string`), and no system type is: `ofType(canonical)` over every descendant
            // looks nothing up for the complex ones.
            let isLowercase = Self.startsLowercase(type.name)
            if !isLowercase || Self.startsLowercase(element.type), derives(element.type, from: type.name) {
                return true
            }
            // (Only a primitive with a value has a system value: the set is not asked for others.)
            if type.namespace == nil, !isLowercase, element.value != nil, Self.systemTypeNames.contains(type.name),
                let system = Value.system(of: element),
                Self.systemTypeName(system) == type.name
            {
                return true
            }
            return false
        default:
            guard type.namespace == nil || type.namespace == "System" else { return false }
            return Self.systemTypeName(value) == type.name
        }
    }
}
