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
    var root: FHIRPathNode
    /// How many values one evaluation keeps (``FHIRPathNode/memoSlot``).
    let memoSlots: Int
    /// What the value reads besides the environment's variables.
    let reads: FHIRPathNode.Reads

    /// Compiles an expression.
    ///
    /// - Throws: ``FHIRPathError`` with the character offset of the problem: a syntax error, an
    ///   unknown function, a wrong number of arguments, a regular expression that does not
    ///   compile.
    public init(_ expression: String) throws(FHIRPathError) {
        self.expression = expression
        var slots = 0
        self.root = try FHIRPathParser.parse(expression).numberingConstants(slots: &slots)
        self.memoSlots = slots
        self.reads = root.reads
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
    ///
    /// - Parameter sharing: for an expression of a set numbered by ``sharingSubexpressions(_:)``:
    ///   the values of the subexpressions the set shares on this input, taken when another
    ///   expression of the set computed them, kept when this one does. Made (or reset) for each
    ///   input.
    public func evaluate(
        _ input: [FHIRPathValue], environment: FHIRPathEnvironment = FHIRPathEnvironment(), sharing: FHIRPathSharedValues? = nil
    ) throws(FHIRPathError) -> [FHIRPathValue] {
        let evaluator = FHIRPathEvaluator(environment: environment, input: input, memoSlots: memoSlots, shared: sharing)
        return try evaluator.evaluate(root, input, FHIRPathEvaluator.Scope(this: input))
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
