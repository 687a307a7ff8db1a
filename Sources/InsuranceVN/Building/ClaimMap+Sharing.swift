import FHIR
import Mapping

// The rules of one record (XML1's, or a block's for one line) begin with the same paths many
// times: XML2's drug line resolves `service.resolve().select(request |
// authorizingPrescription).resolve()` for four fields. They are numbered once, when the map is
// loaded, and evaluated once per record.

extension ClaimMap {
    /// This map with the subexpressions its rules (and conditions) share on one record numbered
    /// (``FHIR/FHIRPath/sharingSubexpressions(_:)``): the flat rules among themselves, each
    /// block's condition and rules among themselves. Values do not change.
    func sharingSubexpressions() -> ClaimMap {
        var map = self
        let flat = Self.sharing(rules, condition: nil)
        map.rules = flat.rules
        map.sharedSlots = flat.slots
        map.blocks = blocks.map { block in
            var block = block
            let shared = Self.sharing(block.rules, condition: block.condition)
            block.rules = shared.rules
            block.condition = shared.condition
            block.sharedSlots = shared.slots
            return block
        }
        return map
    }

    /// The rules and the condition with the subexpressions they share numbered.
    private static func sharing(
        _ rules: [Rule], condition: Expression?
    ) -> (rules: [Rule], condition: Expression?, slots: Int) {
        // Every expression evaluated on the record, in order: the condition, then each rule's
        // condition and source.
        var paths: [FHIRPath] = []
        if let condition { paths.append(condition.path) }
        paths += Self.paths(of: rules)
        let (shared, slots) = FHIRPath.sharingSubexpressions(paths)
        guard slots > 0 else { return (rules, condition, 0) }
        var next = shared.makeIterator()
        var newCondition = condition
        if newCondition != nil { newCondition!.path = next.next()! }
        return (Self.rules(rules, withPathsFrom: &next), newCondition, slots)
    }

    /// The expressions of rules, in order: each rule's condition, then its source.
    private static func paths(of rules: [Rule]) -> [FHIRPath] {
        var paths: [FHIRPath] = []
        for rule in rules {
            if let condition = rule.condition { paths.append(condition.path) }
            if case .expression(let expression) = rule.source { paths.append(expression.path) }
        }
        return paths
    }

    /// The rules with their expressions replaced, in the order of ``paths(of:)``, by the next of
    /// `next`.
    private static func rules(_ rules: [Rule], withPathsFrom next: inout IndexingIterator<[FHIRPath]>) -> [Rule] {
        rules.map { rule in
            var rule = rule
            if rule.condition != nil { rule.condition!.path = next.next()! }
            if case .expression(var expression) = rule.source {
                expression.path = next.next()!
                rule.source = .expression(expression)
            }
            return rule
        }
    }
}

extension ClaimMap {
    /// The maps with the subexpressions that depend only on the build's variables and that
    /// several of their expressions compute numbered (``FHIR/FHIRPath/sharingConstants(_:)``:
    /// `%bundle.entry.resource` begins a dozen), and how many there are; a build keeps their
    /// values. Values do not change.
    static func sharingConstants(_ maps: [ClaimMap]) -> (maps: [ClaimMap], slots: Int) {
        // Every expression, in one order: each map's rules (condition, then source), then each
        // block's source, condition and rules.
        var paths: [FHIRPath] = []
        for map in maps {
            paths += Self.paths(of: map.rules)
            for block in map.blocks {
                paths.append(block.source.path)
                if let condition = block.condition { paths.append(condition.path) }
                paths += Self.paths(of: block.rules)
            }
        }
        let (shared, slots) = FHIRPath.sharingConstants(paths)
        guard slots > 0 else { return (maps, 0) }
        var next = shared.makeIterator()
        let sharedMaps = maps.map { map in
            var map = map
            map.rules = Self.rules(map.rules, withPathsFrom: &next)
            map.blocks = map.blocks.map { block in
                var block = block
                block.source.path = next.next()!
                if block.condition != nil { block.condition!.path = next.next()! }
                block.rules = Self.rules(block.rules, withPathsFrom: &next)
                return block
            }
            return map
        }
        return (sharedMaps, slots)
    }
}
