/// An input that several expressions are evaluated on, with one environment: what an
/// evaluation sets up is made once, not once per expression, and with slots the values of the
/// subexpressions the expressions share (``FHIRPath/sharingSubexpressions(_:)``) are computed
/// once.
///
/// Make one per input; it is not `Sendable` (it keeps values as expressions are evaluated).
///
/// ```swift
/// let (paths, slots) = FHIRPath.sharingSubexpressions(compiled)
/// for item in items {
///     let input = FHIRPathInput([item], environment: environment, sharedSlots: slots)
///     for path in paths { let values = try path.evaluate(input) }
/// }
/// ```
public final class FHIRPathInput {
    /// The evaluator of every expression evaluated on this input.
    let evaluator: FHIRPathEvaluator

    /// Creates an input.
    ///
    /// - Parameters:
    ///   - sharedSlots: the `slots` of ``FHIRPath/sharingSubexpressions(_:)`` for expressions it
    ///     numbered; 0 for others.
    ///   - constants: for expressions numbered by ``FHIRPath/sharingConstants(_:)``, the store
    ///     of their constant subexpressions for `environment` (with as many slots as it gave).
    public init(
        _ input: [FHIRPathValue], environment: FHIRPathEnvironment = FHIRPathEnvironment(), sharedSlots: Int = 0,
        constants: FHIRPathSharedValues? = nil
    ) {
        evaluator = FHIRPathEvaluator(
            environment: environment, input: input, shared: sharedSlots > 0 ? FHIRPathSharedValues(slots: sharedSlots) : nil,
            constants: constants)
    }
}
