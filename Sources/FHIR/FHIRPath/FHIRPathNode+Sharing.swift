// Subexpressions shared by the expressions of a set evaluated on one input (the rules of a
// claims map's line: `service.resolve().select(request | authorizingPrescription).resolve()`
// begins four of them): each gets a slot of FHIRPathSharedValues, found by a key that is the
// same exactly when two subexpressions are written the same (up to spaces and parentheses).

extension FHIRPathNode {
    /// A text that is the same for two nodes exactly when they compute the same thing: every
    /// kind, name, function, operator, type and literal spelled out, names and literals with
    /// their length so that no two different trees give one key.
    var key: String {
        func text(_ string: String) -> String { "\(string.utf8.count):\(string)" }
        switch kind {
        case .empty:
            return "{}"
        case .literal(let value):
            return "lit(\(value.typeName),\(text(value.description)))"
        case .member(let target, let name):
            return "mem(\(target?.key ?? "_"),\(text(name)))"
        case .call(let target, let call):
            let arguments = call.arguments.map(\.key).joined(separator: ",")
            return "call(\(target?.key ?? "_"),\(call.function.rawValue),\(call.type.map { text($0.description) } ?? "_"),[\(arguments)])"
        case .this:
            return "$this"
        case .index:
            return "$index"
        case .total:
            return "$total"
        case .variable(let name):
            return "var(\(text(name)))"
        case .indexer(let target, let index):
            return "idx(\(target.key),\(index.key))"
        case .negate(let operand):
            return "neg(\(operand.key))"
        case .binary(let op, let left, let right):
            return "bin(\(op.rawValue),\(left.key),\(right.key))"
        case .type(let isOperator, let operand, let type):
            return "\(isOperator ? "is" : "as")(\(operand.key),\(text(type.description)))"
        }
    }

    /// Calls `body` with each node evaluated on the expression's input and scope: this one, and
    /// the targets, operands and indexes below it; not the arguments of functions (evaluated on
    /// other items by `where`, `select` …).
    func forEachOnInput(_ body: (FHIRPathNode) -> Void) {
        forEachNode(arguments: false, body)
    }

    /// Calls `body` with this node and every node below it, function arguments included when
    /// `arguments` is true.
    func forEachNode(arguments: Bool = true, _ body: (FHIRPathNode) -> Void) {
        body(self)
        switch kind {
        case .empty, .literal, .this, .index, .total, .variable:
            break
        case .member(let target, _):
            target?.forEachNode(arguments: arguments, body)
        case .call(let target, let call):
            target?.forEachNode(arguments: arguments, body)
            if arguments {
                for argument in call.arguments { argument.forEachNode(arguments: arguments, body) }
            }
        case .indexer(let target, let index):
            target.forEachNode(arguments: arguments, body)
            index.forEachNode(arguments: arguments, body)
        case .negate(let operand), .type(_, let operand, _):
            operand.forEachNode(arguments: arguments, body)
        case .binary(_, let left, let right):
            left.forEachNode(arguments: arguments, body)
            right.forEachNode(arguments: arguments, body)
        }
    }

    /// This node with ``sharedSlot`` set on the nodes evaluated on the input whose key has a
    /// slot in `slots`.
    func sharing(_ slots: [String: Int]) -> FHIRPathNode {
        var node = mappingChildren(arguments: false) { $0.sharing(slots) }
        node.sharedSlot = isWorthSharing ? slots[key] : nil
        return node
    }

    /// This node with `transform` applied to each node right below it: targets, operands and
    /// indexes, and function arguments when `arguments` is true.
    func mappingChildren(arguments: Bool, _ transform: (FHIRPathNode) -> FHIRPathNode) -> FHIRPathNode {
        var node = self
        switch kind {
        case .empty, .literal, .this, .index, .total, .variable:
            break
        case .member(let target, let name):
            node.kind = .member(target.map(transform), name)
        case .call(let target, var call):
            if arguments { call.arguments = call.arguments.map(transform) }
            node.kind = .call(target.map(transform), call)
        case .indexer(let target, let index):
            node.kind = .indexer(transform(target), transform(index))
        case .negate(let operand):
            node.kind = .negate(transform(operand))
        case .type(let isOperator, let operand, let type):
            node.kind = .type(isOperator: isOperator, transform(operand), type)
        case .binary(let op, let left, let right):
            node.kind = .binary(op, transform(left), transform(right))
        }
        return node
    }

    /// Whether the value depends on the environment's variables and definitions alone, and is
    /// worth keeping (`%bundle.entry.resource`, not `%bundle` or `name`).
    var isSharedConstant: Bool { isWorthSharing && reads.isEmpty }

    /// This node with ``constantSlot`` set on every node below it (function arguments
    /// included) that depends only on the environment and whose key has a slot in `slots`.
    func sharingConstants(_ slots: [String: Int]) -> FHIRPathNode {
        var node = mappingChildren(arguments: true) { $0.sharingConstants(slots) }
        node.constantSlot = isSharedConstant ? slots[key] : nil
        return node
    }

    /// Whether a node's value is worth keeping for other expressions: not a literal or a
    /// variable (they cost nothing), and nothing that calls `trace()` (which logs each time).
    var isWorthSharing: Bool {
        switch kind {
        case .empty, .literal, .variable, .this, .index, .total: return false
        default: return !callsTrace
        }
    }

    /// Whether `trace()` is called anywhere in the node.
    private var callsTrace: Bool {
        switch kind {
        case .empty, .literal, .this, .index, .total, .variable:
            return false
        case .member(let target, _):
            return target?.callsTrace ?? false
        case .call(let target, let call):
            return call.function == .trace || (target?.callsTrace ?? false) || call.arguments.contains { $0.callsTrace }
        case .indexer(let target, let index):
            return target.callsTrace || index.callsTrace
        case .negate(let operand), .type(_, let operand, _):
            return operand.callsTrace
        case .binary(_, let left, let right):
            return left.callsTrace || right.callsTrace
        }
    }
}
