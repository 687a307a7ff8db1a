// What a compiled expression's value depends on besides the environment's variables, so that a
// caller evaluating one expression on many inputs with one environment can evaluate it once when
// it depends on none of them (FHIRPath.isIndependentOfInput(in:)).

extension FHIRPathNode {
    /// What a value reads besides the environment's variables and definitions.
    struct Reads: OptionSet, Sendable {
        let rawValue: UInt8

        /// The input: the focus, `$this`, `$index`, `$total`; also the clock (`now()`) and
        /// `trace()`, which are not the same from one evaluation to the next.
        static let input = Reads(rawValue: 1 << 0)
        /// `%context`, which is the input when the environment does not set it.
        static let context = Reads(rawValue: 1 << 1)
        /// `%resource`, `%rootResource` and `resolve()` (which searches them): the input when
        /// the environment does not set ``FHIRPathEnvironment/resource``.
        static let resource = Reads(rawValue: 1 << 2)
    }

    /// The functions whose arguments are evaluated on each item of their input (with `$this` and
    /// `$index` the item's), not on the expression's focus.
    private static let itemFunctions: Set<FHIRPathFunction> = [.where, .select, .repeat, .exists, .all]

    /// What the value reads. Inside the arguments of `where`, `select`, `repeat`, `exists` and
    /// `all`, a name, `$this` and `$index` read the item (they do not count); `$total` always
    /// counts.
    var reads: Reads { reads(onItem: false) }

    private func reads(onItem: Bool) -> Reads {
        let focus: Reads = onItem ? [] : .input
        switch kind {
        case .empty, .literal:
            return []
        case .this, .index:
            return focus
        case .total:
            return .input
        case .variable(let name):
            switch name {
            case "context": return .context
            case "resource", "rootResource": return .resource
            default: return []
            }
        case .member(let target, _):
            return target?.reads(onItem: onItem) ?? focus
        case .call(let target, let call):
            var reads = target?.reads(onItem: onItem) ?? focus
            switch call.function {
            case .trace, .now, .today, .timeOfDay: reads.insert(.input)
            case .resolve: reads.insert(.resource)
            default: break
            }
            // The type argument of `ofType`, `is` and `as` is a name, not evaluated.
            if call.type == nil {
                let perItem = onItem || Self.itemFunctions.contains(call.function)
                for argument in call.arguments { reads.formUnion(argument.reads(onItem: perItem)) }
            }
            return reads
        case .indexer(let target, let index):
            return target.reads(onItem: onItem).union(index.reads(onItem: onItem))
        case .negate(let operand), .type(_, let operand, _):
            return operand.reads(onItem: onItem)
        case .binary(_, let left, let right):
            return left.reads(onItem: onItem).union(right.reads(onItem: onItem))
        }
    }
}
