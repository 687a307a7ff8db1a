import Synchronization

extension Validator {
    /// A validator that checks invariants with FHIRPath: each expression is compiled once (and
    /// cached); an invariant holds when it evaluates to `true` or to nothing; one that cannot be
    /// compiled or evaluated is not reported. The invariants every element carries (`ele-1`,
    /// `ext-1`, `dom-2`…`dom-6`) run as Swift code (``NativeInvariants``).
    public static func standard(definitions: Definitions = .r4) -> Validator {
        let cache = ExpressionCache()
        return Validator(definitions: definitions) { expression, element, resource, rootResource in
            if let native = NativeInvariants.checks[expression] { return native(element) }
            guard let compiled = cache.compiled(expression) else { return nil }
            let environment = FHIRPathEnvironment(resource: resource, rootResource: rootResource, context: element, definitions: definitions)
            do {
                return try compiled.evaluateBoolean(element, environment: environment) ?? true
            } catch {
                return nil
            }
        }
    }
}

/// Compiled FHIRPath expressions by text, shared by the validations of one validator.
final class ExpressionCache: Sendable {
    private let compiledExpressions = Mutex<[String: FHIRPath?]>([:])

    /// The compiled expression, or `nil` when it does not compile.
    func compiled(_ expression: String) -> FHIRPath? {
        if let known = compiledExpressions.withLock({ $0[expression] }) { return known }
        let compiled = try? FHIRPath(InvariantErrata.corrected[expression] ?? expression)
        compiledExpressions.withLock { $0[expression] = compiled }
        return compiled
    }
}
