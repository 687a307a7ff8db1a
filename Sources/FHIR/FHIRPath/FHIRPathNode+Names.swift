// Paths of names (`code.coding.code`, `performer.actor.identifier.value`) navigated in one walk
// down the tree: step by step, each name but the last would make a collection only to be
// navigated from.

extension FHIRPathNode {
    /// This expression with ``names`` set on each name that follows other names, everywhere
    /// (function arguments too). A name whose value is kept (``memoSlot``, ``sharedSlot``,
    /// ``constantSlot``) is
    /// evaluated on its own, so the walk starts after it. Made again after the slots change.
    func fusingNames() -> FHIRPathNode {
        var node = self
        node.names = nil
        switch kind {
        case .empty, .literal, .this, .index, .total, .variable:
            break
        case .member(let target, let name):
            let target = target?.fusingNames()
            node.kind = .member(target, name)
            if let target, case .member(let inner, let innerName) = target.kind, target.memoSlot == nil, target.sharedSlot == nil,
                target.constantSlot == nil
            {
                node.names = target.names.map { Names(base: $0.base, names: $0.names + [name]) }
                    ?? Names(base: inner, names: [innerName, name])
            }
        case .call(let target, var call):
            call.arguments = call.arguments.map { $0.fusingNames() }
            node.kind = .call(target?.fusingNames(), call)
        case .indexer(let target, let index):
            node.kind = .indexer(target.fusingNames(), index.fusingNames())
        case .negate(let operand):
            node.kind = .negate(operand.fusingNames())
        case .type(let isOperator, let operand, let type):
            node.kind = .type(isOperator: isOperator, operand.fusingNames(), type)
        case .binary(let op, let left, let right):
            node.kind = .binary(op, left.fusingNames(), right.fusingNames())
        }
        return node
    }
}
