import Foundation
import Synchronization

/// The definitions of the children of one element, as the readers, the writer and the
/// validator need them: an element defined by reference to another
/// (`Questionnaire.item.item` → `#Questionnaire.item`) resolved, and each name an element can
/// have in JSON or XML (`valueQuantity` for `value[x]`) mapped to its definition and type.
final class ChildDefinitions: Sendable {
    /// The structure the children are defined in (another one for a reference across types).
    let structure: StructureDefinition
    /// The path of the element whose children these are, after resolving a reference.
    let path: String
    /// The children, in definition order.
    let elements: [ElementDefinition]
    /// JSON/XML name → (index in ``elements``, type).
    let byName: [String: (index: Int, type: String)]
    /// ``byName`` by the length of the name, with each name's UTF-8 bytes: the JSON reader
    /// finds a property's definition from the bytes of its name, without making a String.
    private let byNameLength: [[(head0: UInt64, head1: UInt64, name: [UInt8], index: Int, type: String)]]
    /// Whether each of ``elements`` is a choice (`value[x]`).
    let isChoice: [Bool]
    /// Element name (`value` for `value[x]`) → index in ``elements``.
    let byElementName: [String: Int]
    /// ``byElementName`` by the length of the name, with each name's UTF-8 bytes: the validator
    /// finds each child's definition without hashing its name.
    private let byElementNameLength: [[(head0: UInt64, head1: UInt64, name: [UInt8], index: Int)]]
    /// For each of ``elements``, the index its name has in ``byElementName`` (the first child
    /// of that name), where the validator counts the items of that name.
    let countIndexes: [Int]
    /// The cardinality of each of ``elements``.
    let cardinalities: [(min: Int, max: Int?)]
    /// The indexes in ``elements`` of the children that are sliced (have slices in ``structure``).
    let sliced: [Int]
    /// The definition of the element itself (at `path` in the structure asked for, before a
    /// reference is resolved).
    let own: ElementDefinition?

    /// The plans of the types each child can hold, found once and read without a lock or a
    /// reference count: child `number`'s types have the slots from `slotStarts[number]` to
    /// `slotStarts[number + 1]`, in definition order (a group defined by reference, which has no
    /// type, has two: `BackboneElement`, as the validator sees it, and the empty type the readers
    /// give it).
    private let slotStarts: [Int]
    /// The type of each slot.
    private let slotTypes: [String]
    /// The slot of each type of a choice child (`value[x]` of an extension has fifty), by child.
    private let choiceSlots: [Int: [String: Int]]
    /// The plan of each slot, once found.
    private let slotPlans: LazyObjectSlots<ChildPlan>
    /// The plans of types that are not a child's own (a resource type where the child holds
    /// `Resource`), found so far, by child.
    private let otherPlans: Mutex<[[ChildPlan]]>

    /// Calls `body` with what reading and validating child `number` holding a `type` needs,
    /// found once, then kept. The plan is lent, not retained: every element read or validated
    /// looks one up.
    @inline(__always)
    func withPlan<Result>(
        ofChild number: Int, type: String, definitions: Definitions, _ body: (ChildPlan) throws -> Result
    ) rethrows -> Result {
        let start = slotStarts[number]
        let end = slotStarts[number + 1]
        var found: Int?
        if slotTypes[start] == type {
            found = start
        } else if end - start > 2 {
            found = choiceSlots[number]?[type]
        } else if end - start == 2, slotTypes[start + 1] == type {
            found = start + 1
        }
        guard let slot = found else { return try body(otherPlan(ofChild: number, type: type, definitions: definitions)) }
        return try slotPlans.withValue(at: slot, { ChildPlan(ofChild: number, in: self, type: type, definitions: definitions) }, body)
    }

    /// The plan of a type that is not one of the child's own.
    private func otherPlan(ofChild number: Int, type: String, definitions: Definitions) -> ChildPlan {
        let known = otherPlans.withLock { plans in plans[number].first { $0.type == type } }
        if let known { return known }
        let plan = ChildPlan(ofChild: number, in: self, type: type, definitions: definitions)
        otherPlans.withLock { $0[number].append(plan) }
        return plan
    }

    /// A child and a type it holds.
    private struct ContentKey: Hashable {
        var number: Int
        var type: String
    }

    /// ``content(ofChild:type:definitions:)`` found so far.
    private let contents = Mutex<[ContentKey: ChildDefinitions?]>([:])

    /// The children of the element at `path` in `structure`.
    init(of path: String, in structure: StructureDefinition, definitions: Definitions) {
        self.own = structure.element(at: path)
        var structure = structure
        var path = path
        if let reference = structure.element(at: path)?.contentReference {
            let target = String(reference.drop { $0 == "#" }.split(separator: "#").last ?? "")
            let targetType = String(target.split(separator: ".").first ?? "")
            // In a profile, the referenced element's content is the base type's: the profile's
            // constraints on that element (a pattern for the top-level `Parameters.parameter.name`)
            // do not follow the recursion (`Parameters.parameter.part`).
            if targetType != structure.type || structure.derivation == "constraint", let other = definitions.structure(forType: targetType) {
                structure = other
            }
            path = target
        }
        self.structure = structure
        self.path = path
        let elements = structure.children(of: path)
        self.elements = elements
        var byName: [String: (index: Int, type: String)] = [:]
        for (index, definition) in elements.enumerated() {
            if definition.isChoice {
                for type in definition.types { byName[definition.jsonName(for: type.code)] = (index, type.code) }
            } else {
                byName[definition.name] = (index, definition.types.first?.code ?? "")
            }
        }
        self.byName = byName
        var byNameLength: [[(head0: UInt64, head1: UInt64, name: [UInt8], index: Int, type: String)]] =
            Array(repeating: [], count: (byName.keys.map(\.utf8.count).max() ?? 0) + 1)
        for (name, entry) in byName where !name.isEmpty {
            let bytes = Array(name.utf8)
            let heads = bytes.withUnsafeBufferPointer { ByteScan.heads(of: $0) }
            byNameLength[bytes.count].append((heads.0, heads.1, bytes, entry.index, entry.type))
        }
        self.byNameLength = byNameLength
        self.isChoice = elements.map(\.isChoice)
        var byElementName: [String: Int] = [:]
        for (index, definition) in elements.enumerated() where byElementName[definition.name] == nil {
            byElementName[definition.name] = index
        }
        self.byElementName = byElementName
        var byElementNameLength: [[(head0: UInt64, head1: UInt64, name: [UInt8], index: Int)]] =
            Array(repeating: [], count: (byElementName.keys.map(\.utf8.count).max() ?? 0) + 1)
        for (name, index) in byElementName where !name.isEmpty {
            let bytes = Array(name.utf8)
            let heads = bytes.withUnsafeBufferPointer { ByteScan.heads(of: $0) }
            byElementNameLength[bytes.count].append((heads.0, heads.1, bytes, index))
        }
        self.byElementNameLength = byElementNameLength
        self.countIndexes = elements.map { byElementName[$0.name] ?? 0 }
        self.cardinalities = elements.map { ($0.min, $0.max) }
        self.sliced = elements.indices.filter { !structure.slices(of: elements[$0].id).isEmpty }
        var slotStarts: [Int] = []
        var slotTypes: [String] = []
        var choiceSlots: [Int: [String: Int]] = [:]
        for (number, definition) in elements.enumerated() {
            slotStarts.append(slotTypes.count)
            let types = definition.types.isEmpty ? ["BackboneElement", ""] : definition.types.map(\.code)
            if types.count > 2 {
                var slots: [String: Int] = [:]
                for (offset, type) in types.enumerated() where slots[type] == nil { slots[type] = slotTypes.count + offset }
                choiceSlots[number] = slots
            }
            slotTypes += types
        }
        slotStarts.append(slotTypes.count)
        self.slotStarts = slotStarts
        self.slotTypes = slotTypes
        self.choiceSlots = choiceSlots
        self.slotPlans = LazyObjectSlots(count: slotTypes.count)
        self.otherPlans = Mutex(Array(repeating: [], count: elements.count))
    }

    /// ``byName`` for the name with these UTF-8 bytes.
    func entry(named name: UnsafeBufferPointer<UInt8>) -> (index: Int, type: String)? {
        guard !name.isEmpty, name.count < byNameLength.count else { return nil }
        // The names of this length compared by their first sixteen bytes in place (no copy of a
        // candidate), the rest only for longer names.
        let (head0, head1) = ByteScan.heads(of: name)
        return byNameLength[name.count].withUnsafeBufferPointer { candidates in
            for index in candidates.indices where candidates[index].head0 == head0 && candidates[index].head1 == head1
                && (name.count <= 16 || candidates[index].name.withUnsafeBufferPointer { ByteScan.equal($0, name) })
            {
                return (candidates[index].index, candidates[index].type)
            }
            return nil
        }
    }

    /// The child definition named `name` in the tree (`value` for a choice).
    func element(named name: String) -> ElementDefinition? {
        byElementName[name].map { elements[$0] }
    }

    /// The index in ``elements`` of the child definition named `name` in the tree.
    func index(named name: String) -> Int? {
        ByteScan.withBytes(of: name) { name in
            guard !name.isEmpty, name.count < byElementNameLength.count else { return nil }
            let (head0, head1) = ByteScan.heads(of: name)
            return byElementNameLength[name.count].withUnsafeBufferPointer { candidates in
                for index in candidates.indices where candidates[index].head0 == head0 && candidates[index].head1 == head1
                    && (name.count <= 16 || candidates[index].name.withUnsafeBufferPointer { ByteScan.equal($0, name) })
                {
                    return candidates[index].index
                }
                return nil
            }
        }
    }

    /// Children read in document order, put in definition order (`orders` has the index in
    /// ``elements`` of each); items of one element keep their document order.
    static func inDefinitionOrder(_ read: [Element], orders: ArraySlice<Int>) -> [Element] {
        let base = orders.startIndex
        if zip(orders, orders.dropFirst()).allSatisfy({ $0 <= $1 }) { return read }
        return read.indices.sorted { (orders[base + $0], $0) < (orders[base + $1], $1) }.map { read[$0] }
    }

    /// The definitions of the children of child `number` when it holds a `type`: under
    /// `Element` for a primitive, under the child's own path for an inline group, under its type
    /// otherwise; `nil` for a type not defined here. Found once, then kept.
    func content(ofChild number: Int, type: String, definitions: Definitions) -> ChildDefinitions? {
        let key = ContentKey(number: number, type: type)
        if let known = contents.withLock({ $0[key] }) { return known }
        let content = definitions.content(ofType: type, definition: elements[number], in: structure)
            .map { definitions.children(of: $0.path, in: $0.structure) }
        contents.withLock { $0[key] = content }
        return content
    }
}
