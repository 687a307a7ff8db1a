// Paths of names (`code.coding.code`, `performer.actor.identifier.value`) navigated in one walk
// down the tree: step by step, each name but the last would make a collection only to be
// navigated from.

extension FHIRPathNode {
    /// This expression with ``names`` set on each name that follows other names, everywhere
    /// (function arguments too). A name whose value is kept (``memoSlot``, ``sharedSlot``,
    /// ``constantSlot``) is evaluated on its own, so the walk starts after it. Made again after
    /// the slots change.
    func fusingNames() -> FHIRPathNode {
        var node = mappingChildren(arguments: true) { $0.fusingNames() }
        node.names = nil
        if case .member(let target?, let name) = node.kind, case .member(let inner, let innerName) = target.kind,
            target.memoSlot == nil, target.sharedSlot == nil, target.constantSlot == nil
        {
            node.names = target.names.map { Names(base: $0.base, names: $0.names + [name]) }
                ?? Names(base: inner, names: [innerName, name])
        }
        return node
    }
}
