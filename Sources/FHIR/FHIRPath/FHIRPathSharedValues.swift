/// Values of subexpressions kept by slot: those that several expressions evaluated on one
/// ``FHIRPathInput`` share (``FHIRPath/sharingSubexpressions(_:)``, kept by the input), or those
/// that a set of expressions computes from the environment alone (``FHIRPath/sharingConstants(_:)``):
/// make one of these per environment and give it to each input.
public final class FHIRPathSharedValues {
    /// The values computed so far, by slot.
    var values: [[FHIRPathValue]?]

    /// Creates an empty store with room for `slots` values.
    public init(slots: Int) {
        values = Array(repeating: nil, count: slots)
    }
}

extension FHIRPath {
    /// The expressions with the subexpressions that more than one of them computes on the input
    /// (`code.coding.where(system = 'x')` in `code.coding.where(system = 'x').code` and
    /// `code.coding.where(system = 'x').display`) numbered, and how many there are: evaluated on
    /// one ``FHIRPathInput`` made with that many slots, such a subexpression is computed once.
    /// The expressions' values do not change.
    public static func sharingSubexpressions(_ paths: [FHIRPath]) -> (paths: [FHIRPath], slots: Int) {
        // Every occurrence counts: a subexpression repeated within one expression on the input
        // (`a.b.c | a.b.d`) is shared too.
        numbering(paths) { root, report in
            root.forEachOnInput { node in if node.isWorthSharing { report(node) } }
        } number: { node, slots in
            node.sharing(slots)
        }
    }

    /// Slots, in key order, for the keys of the nodes `visit` reports more than once over all
    /// of `paths`, and the paths with them given by `number`; the paths unchanged when there are
    /// none.
    private static func numbering(
        _ paths: [FHIRPath], visit: (FHIRPathNode, (FHIRPathNode) -> Void) -> Void,
        number: (FHIRPathNode, [String: Int]) -> FHIRPathNode
    ) -> (paths: [FHIRPath], slots: Int) {
        var counts: [String: Int] = [:]
        for path in paths {
            visit(path.root) { node in counts[node.key, default: 0] += 1 }
        }
        var slots: [String: Int] = [:]
        for (key, count) in counts.sorted(by: { $0.key < $1.key }) where count > 1 { slots[key] = slots.count }
        guard !slots.isEmpty else { return (paths, 0) }
        let numbered = paths.map { path in
            var path = path
            path.root = number(path.root, slots)
            return path
        }
        return (numbered, slots.count)
    }

    /// The expressions with the subexpressions that depend only on the environment's variables
    /// and definitions (`%bundle.entry.resource`, `%encounter.diagnosis`) and that more than one
    /// of them computes numbered, anywhere in them, and how many there are: evaluated on inputs
    /// made with one ``FHIRPathSharedValues`` of that many slots (and one environment), such a
    /// subexpression is computed once. The expressions' values do not change.
    public static func sharingConstants(_ paths: [FHIRPath]) -> (paths: [FHIRPath], slots: Int) {
        numbering(paths) { root, report in
            root.forEachNode { node in if node.isSharedConstant { report(node) } }
        } number: { node, slots in
            node.sharingConstants(slots)
        }
    }
}
