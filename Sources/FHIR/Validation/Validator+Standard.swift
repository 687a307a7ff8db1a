extension Validator {
    /// A validator that checks invariants with FHIRPath: each expression is compiled once (and
    /// shared by the constraints that have it); an invariant holds when it evaluates to `true` or
    /// to nothing; one that cannot be compiled or evaluated is not reported. `ele-1` runs as Swift
    /// code (``NativeInvariants``), and the parts of expressions that only test the element's
    /// children (`contained.meta.security.empty()`, `reference.startsWith('#').not() or …`) are
    /// answered from the children, with the evaluator's result (``NativeCondition``).
    public static func standard(definitions: Definitions = .r4) -> Validator {
        var validator = Validator(definitions: definitions) { expression, element, resource, rootResource in
            CompiledInvariant.named(expression).evaluate(on: element, resource: resource, rootResource: rootResource, definitions: definitions)
        }
        validator.standardInvariants = definitions
        return validator
    }
}
