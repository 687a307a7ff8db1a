/// The values of subexpressions that several expressions share, kept while they are evaluated
/// on one input (``FHIRPath/sharingSubexpressions(_:)``, ``FHIRPath/evaluate(_:environment:sharing:)``).
///
/// Make one per input (or ``reset()`` it before the next input): a value kept is the value on
/// the input it was computed on, with the environment it was computed with.
///
/// ```swift
/// let (paths, slots) = FHIRPath.sharingSubexpressions(compiled)
/// for item in items {
///     let shared = FHIRPathSharedValues(slots: slots)
///     for path in paths { let values = try path.evaluate([item], environment: environment, sharing: shared) }
/// }
/// ```
public final class FHIRPathSharedValues {
    /// The values computed so far, by slot.
    var values: [[FHIRPathValue]?]

    /// Creates an empty store with room for `slots` values.
    public init(slots: Int) {
        values = Array(repeating: nil, count: slots)
    }

    /// Forgets every value, for the next input.
    public func reset() {
        for index in values.indices { values[index] = nil }
    }
}

extension FHIRPath {
    /// The expressions with the subexpressions that more than one of them computes on the input
    /// (`code.coding.where(system = 'x')` in `code.coding.where(system = 'x').code` and
    /// `code.coding.where(system = 'x').display`) numbered, and how many there are: evaluated with
    /// one ``FHIRPathSharedValues`` on the same input and environment, such a subexpression is
    /// computed once. The expressions' values do not change.
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
