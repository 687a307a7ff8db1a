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
        var counts: [String: Int] = [:]
        for path in paths {
            path.root.forEachOnInput { node in
                guard node.isWorthSharing else { return }
                counts[node.key, default: 0] += 1
            }
        }
        var slots: [String: Int] = [:]
        for (key, count) in counts.sorted(by: { $0.key < $1.key }) where count > 1 { slots[key] = slots.count }
        guard !slots.isEmpty else { return (paths, 0) }
        let shared = paths.map { path in
            var path = path
            path.root = path.root.sharing(slots)
            return path
        }
        return (shared, slots.count)
    }
}

extension FHIRPath {
    /// The expressions with the subexpressions that depend only on the environment's variables
    /// and definitions (`%bundle.entry.resource`, `%encounter.diagnosis`) and that more than one
    /// of them computes numbered, anywhere in them, and how many there are: evaluated on inputs
    /// made with one ``FHIRPathSharedValues`` of that many slots (and one environment), such a
    /// subexpression is computed once. The expressions' values do not change.
    public static func sharingConstants(_ paths: [FHIRPath]) -> (paths: [FHIRPath], slots: Int) {
        var counts: [String: Int] = [:]
        for path in paths {
            path.root.forEachNode { node in
                guard node.isSharedConstant else { return }
                counts[node.key, default: 0] += 1
            }
        }
        var slots: [String: Int] = [:]
        for (key, count) in counts.sorted(by: { $0.key < $1.key }) where count > 1 { slots[key] = slots.count }
        guard !slots.isEmpty else { return (paths, 0) }
        let shared = paths.map { path in
            var path = path
            path.root = path.root.sharingConstants(slots)
            return path
        }
        return (shared, slots.count)
    }
}
