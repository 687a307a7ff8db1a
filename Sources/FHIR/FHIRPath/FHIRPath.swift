/// A compiled FHIRPath expression (FHIRPath N1 with the FHIR R4 additions), evaluated on FHIR
/// ``Element`` trees.
///
/// Compile once, evaluate many times; a compiled expression is a `Sendable` value.
///
/// ```swift
/// let invariant = try FHIRPath("name.exists() or telecom.exists()")
/// let result = try invariant.evaluate(patient)          // [.boolean(true)]
/// let holds = try invariant.evaluateBoolean(patient)    // true
/// ```
///
/// Evaluation follows the specification: collections everywhere, empty propagation, singleton
/// evaluation, three-valued logic, equality versus equivalence, dates and times compared at
/// their precision (unknown, so empty, when the precisions differ), quantities with the same
/// unit or convertible time units. FHIR primitives convert to system values when an operator or
/// function needs their value.
public struct FHIRPath: Sendable, CustomStringConvertible {
    /// The expression's text.
    public let expression: String
    /// What was compiled, in one box: rules and conditions are copied where they are evaluated,
    /// and a copy is then one reference count, not a walk over the nodes' fields.
    private(set) var compiled: Compiled

    /// A compiled expression's nodes and what is known of them.
    final class Compiled: Sendable {
        let root: FHIRPathNode
        /// How many values one evaluation keeps (``FHIRPathNode/memoSlot``).
        let memoSlots: Int
        /// What the value reads besides the environment's variables.
        let reads: FHIRPathNode.Reads

        init(root: FHIRPathNode, memoSlots: Int, reads: FHIRPathNode.Reads) {
            self.root = root
            self.memoSlots = memoSlots
            self.reads = reads
        }
    }

    var root: FHIRPathNode {
        get { compiled.root }
        set { compiled = Compiled(root: newValue.fusingNames(), memoSlots: memoSlots, reads: reads) }
    }
    var memoSlots: Int { compiled.memoSlots }
    var reads: FHIRPathNode.Reads { compiled.reads }

    /// Compiles an expression.
    ///
    /// - Throws: ``FHIRPathError`` with the character offset of the problem: a syntax error, an
    ///   unknown function, a wrong number of arguments, a regular expression that does not
    ///   compile.
    public init(_ expression: String) throws(FHIRPathError) {
        self.expression = expression
        var slots = 0
        let root = try FHIRPathParser.parse(expression).numberingConstants(slots: &slots).fusingNames()
        self.compiled = Compiled(root: root, memoSlots: slots, reads: root.reads)
    }

    /// Whether the value depends only on the environment, not on the input: two evaluations
    /// with `environment` give the same value whatever their inputs (`%patient.name.first().family`,
    /// `%bundle.entry.resource.ofType(Condition).where(code.exists())`). It does when the
    /// expression reads the focus, `$this`, `$index` or `$total` outside the arguments of
    /// `where`, `select`, `repeat`, `exists` and `all`, calls `now()`, `today()`,
    /// `timeOfDay()` or `trace()`, or reads `%context`, `%resource`, `%rootResource` or calls
    /// `resolve()` when the environment does not set the context or the resource.
    package func isIndependentOfInput(in environment: FHIRPathEnvironment) -> Bool {
        !reads.contains(.input) && (!reads.contains(.context) || environment.context != nil)
            && (!reads.contains(.resource) || environment.resource != nil)
    }

    /// The expression's text.
    public var description: String { expression }

    /// Evaluates the expression on an element (a resource, or any element of one).
    ///
    /// - Throws: ``FHIRPathError`` when the expression cannot be evaluated on this input: more
    ///   than one item where one is required, operands of the wrong type, an unknown `%variable`.
    public func evaluate(_ input: Element, environment: FHIRPathEnvironment = FHIRPathEnvironment()) throws(FHIRPathError) -> [FHIRPathValue] {
        try evaluate([.element(input)], environment: environment)
    }

    /// Evaluates the expression on a collection.
    public func evaluate(_ input: [FHIRPathValue], environment: FHIRPathEnvironment = FHIRPathEnvironment()) throws(FHIRPathError) -> [FHIRPathValue] {
        try evaluate(with: FHIRPathEvaluator(environment: environment, input: input))
    }

    /// Evaluates the expression on an input several expressions are evaluated on; for an
    /// expression of a set numbered by ``sharingSubexpressions(_:)``, the values of the
    /// subexpressions the set shares are taken when another expression of the set computed
    /// them on this input, kept when this one does.
    public func evaluate(_ input: FHIRPathInput) throws(FHIRPathError) -> [FHIRPathValue] {
        try evaluate(with: input.evaluator)
    }

    private func evaluate(with evaluator: FHIRPathEvaluator) throws(FHIRPathError) -> [FHIRPathValue] {
        let compiled = compiled
        evaluator.memo = compiled.memoSlots > 0 ? FHIRPathEvaluator.Memo(slots: compiled.memoSlots) : nil
        return try evaluator.evaluate(compiled.root, evaluator.input, FHIRPathEvaluator.Scope(this: evaluator.input))
    }

    /// Evaluates the expression as a condition: `true` or `false` for a single boolean (or a
    /// single other item, which counts as `true`), `nil` for the empty collection.
    ///
    /// - Throws: ``FHIRPathError`` as `evaluate(_:environment:)` does, and
    ///   ``FHIRPathError/Code-swift.struct/singletonExpected`` for more than one item.
    public func evaluateBoolean(_ input: Element, environment: FHIRPathEnvironment = FHIRPathEnvironment()) throws(FHIRPathError) -> Bool? {
        let values = try evaluate(input, environment: environment)
        return try FHIRPathEvaluator.boolean(values, at: root.offset)
    }
}
