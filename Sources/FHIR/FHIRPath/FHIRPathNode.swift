import Foundation

/// A node of a compiled FHIRPath expression, with its character offset in the expression.
struct FHIRPathNode: Sendable {
    indirect enum Kind: Sendable {
        /// `{}`.
        case empty
        /// A literal: boolean, string, number, date/time or quantity.
        case literal(FHIRPathValue)
        /// A name: the children so named of each item of `target` (of the focus when `nil`).
        case member(FHIRPathNode?, String)
        /// A function called on `target` (on the focus when `nil`).
        case call(FHIRPathNode?, Call)
        /// `$this`.
        case this
        /// `$index`.
        case index
        /// `$total`.
        case total
        /// `%name`.
        case variable(String)
        /// `target[index]`.
        case indexer(FHIRPathNode, FHIRPathNode)
        /// `-operand` (`+operand` compiles to the operand).
        case negate(FHIRPathNode)
        /// A binary operator.
        case binary(BinaryOperator, FHIRPathNode, FHIRPathNode)
        /// `operand is Type` (`isOperator`) or `operand as Type`.
        case type(isOperator: Bool, FHIRPathNode, TypeSpecifier)
    }

    enum BinaryOperator: String, Sendable {
        case multiply = "*", divide = "/", div, mod
        case add = "+", subtract = "-", concatenate = "&"
        case union = "|"
        case less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
        case equal = "=", equivalent = "~", notEqual = "!=", notEquivalent = "!~"
        case `in`, contains
        case and
        case or, xor
        case implies
    }

    /// A function call: the function, its arguments (unevaluated), and what was compiled from
    /// them.
    struct Call: Sendable {
        var function: FHIRPathFunction
        var arguments: [FHIRPathNode]
        /// The type argument of `ofType`, `is` and `as`.
        var type: TypeSpecifier?
        /// The compiled regular expression of `matches`/`replaceMatches` when the pattern is a
        /// literal.
        var regex: NSRegularExpression?
    }

    /// A type name, qualified (`FHIR.string`, `System.Boolean`) or not (`Patient`).
    struct TypeSpecifier: Sendable, Hashable, CustomStringConvertible {
        var namespace: String?
        var name: String

        var description: String { namespace.map { "\($0).\(name)" } ?? name }
    }

    var kind: Kind {
        didSet { made = Self.collection(of: kind).map { .collection($0) } }
    }
    /// The character offset in the expression.
    var offset: Int {
        get { Int(storedOffset) }
        set { storedOffset = Int32(clamping: newValue) }
    }
    // Offset and slots in 32 bits (a slot -1 when none): nodes are copied all the time as
    // they are evaluated, and a smaller node is less to copy.
    private var storedOffset: Int32
    private var memo: Int32 = -1
    private var shared: Int32 = -1
    private var constant: Int32 = -1

    private static func slot(_ stored: Int32) -> Int? { stored < 0 ? nil : Int(stored) }
    private static func stored(_ slot: Int?) -> Int32 { slot.map { Int32($0) } ?? -1 }
    /// The collection of a literal's one value, made once: a literal in a `where` criterion is
    /// evaluated once per item, and a new one-item array is a heap allocation.
    var literalCollection: [FHIRPathValue]? {
        if case .collection(let collection)? = made { collection } else { nil }
    }
    /// What is made once for a node of some kinds (one field for both: a smaller node).
    private var made: Made?

    private enum Made: Sendable {
        case collection([FHIRPathValue])
        case names(Names)
    }
    /// For a subexpression inside a function argument whose value is the same wherever it is
    /// evaluated in one evaluation (it depends on no focus, `$this`, `$index` or `$total`, as
    /// `%resource.descendants()` in `contained.where('#' + id in %resource.descendants()…)`):
    /// where the evaluation keeps its value, so it is computed once, not once per item.
    var memoSlot: Int? {
        get { Self.slot(memo) }
        set { memo = Self.stored(newValue) }
    }
    /// For a subexpression evaluated on the expression's input (the root, and the targets and
    /// operands below it outside function arguments) that several expressions of a set share:
    /// where ``FHIRPathSharedValues`` keeps its value, so expressions evaluated on the same
    /// input compute it once (``FHIRPath/sharingSubexpressions(_:)``).
    var sharedSlot: Int? {
        get { Self.slot(shared) }
        set { shared = Self.stored(newValue) }
    }
    /// For a subexpression that depends only on the environment's variables
    /// (`%bundle.entry.resource`) that several expressions of a set compute: where a store kept
    /// for the environment has its value, so the set computes it once
    /// (``FHIRPath/sharingConstants(_:)``).
    var constantSlot: Int? {
        get { Self.slot(constant) }
        set { constant = Self.stored(newValue) }
    }
    /// For a name after other names (`coding.code` in `code.coding.code`), set by
    /// ``fusingNames()``: all of them, navigated at once.
    var names: Names? {
        get { if case .names(let names)? = made { names } else { nil } }
        set {
            if let newValue {
                made = .names(newValue)
            } else if case .names? = made {
                made = nil
            }
        }
    }

    /// Names navigated one after another from a base, without a collection for each step.
    final class Names: Sendable {
        /// What the first name is navigated from: the focus when `nil` (and the first name may
        /// then be a type name).
        let base: FHIRPathNode?
        /// The names, first to last (two or more).
        let names: [String]

        init(base: FHIRPathNode?, names: [String]) {
            self.base = base
            self.names = names
        }
    }

    init(kind: Kind, offset: Int) {
        self.kind = kind
        self.storedOffset = Int32(clamping: offset)
        made = Self.collection(of: kind).map { .collection($0) }
    }

    private static func collection(of kind: Kind) -> [FHIRPathValue]? {
        guard case .literal(let value) = kind else { return nil }
        return [value]
    }
}

extension FHIRPathNode {
    /// This expression with ``memoSlot`` set on the largest constant subexpressions inside
    /// function arguments; `slots` counts the slots given.
    func numberingConstants(inArgument: Bool = false, slots: inout Int) -> FHIRPathNode {
        if inArgument, isConstant, isWorthKeeping {
            var node = self
            node.memoSlot = slots
            slots += 1
            return node
        }
        func number(_ node: FHIRPathNode) -> FHIRPathNode { node.numberingConstants(inArgument: inArgument, slots: &slots) }
        var node = self
        switch kind {
        case .empty, .literal, .this, .index, .total, .variable:
            break
        case .member(let target, let name):
            node.kind = .member(target.map(number), name)
        case .call(let target, var call):
            let target = target.map(number)
            call.arguments = call.arguments.map { $0.numberingConstants(inArgument: true, slots: &slots) }
            node.kind = .call(target, call)
        case .indexer(let target, let index):
            node.kind = .indexer(number(target), number(index))
        case .negate(let operand):
            node.kind = .negate(number(operand))
        case .binary(let op, let left, let right):
            node.kind = .binary(op, number(left), number(right))
        case .type(let isOperator, let operand, let type):
            node.kind = .type(isOperator: isOperator, number(operand), type)
        }
        return node
    }

    /// Whether the value depends on nothing but the evaluation's variables.
    private var isConstant: Bool {
        switch kind {
        case .empty, .literal, .variable:
            return true
        case .this, .index, .total, .member(nil, _), .call(nil, _):
            return false
        case .member(let target?, _):
            return target.isConstant
        case .call(let target?, let call):
            // `trace` logs each time it is evaluated; the argument of `ofType`, `is` and `as` is a
            // type name, not a value.
            guard call.function != .trace, target.isConstant else { return false }
            return call.type != nil || call.arguments.allSatisfy(\.isConstant)
        case .indexer(let target, let index):
            return target.isConstant && index.isConstant
        case .negate(let operand), .type(_, let operand, _):
            return operand.isConstant
        case .binary(_, let left, let right):
            return left.isConstant && right.isConstant
        }
    }

    /// Whether computing the value costs more than keeping it: not for literals and variables.
    private var isWorthKeeping: Bool {
        switch kind {
        case .empty, .literal, .variable: false
        default: true
        }
    }
}
