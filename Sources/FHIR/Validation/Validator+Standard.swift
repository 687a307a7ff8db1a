import Synchronization

extension Validator {
    /// A validator that checks invariants with FHIRPath: each expression is compiled once (and
    /// cached); an invariant holds when it evaluates to `true` or to nothing; one that cannot be
    /// compiled or evaluated is not reported. The invariants every element carries (`ele-1`,
    /// `ext-1`, `dom-2`…`dom-6`) run as Swift code (``NativeInvariants``).
    public static func standard(definitions: Definitions = .r4) -> Validator {
        let cache = ExpressionCache()
        return Validator(definitions: definitions) { expression, element, resource, rootResource in
            let compiled: FHIRPath
            switch cache.invariant(expression) {
            case .native(let check): return check(element)
            case .fhirPath(let path): compiled = path
            case .invalid: return nil
            }
            let environment = FHIRPathEnvironment(resource: resource, rootResource: rootResource, context: element, definitions: definitions)
            do {
                return try compiled.evaluateBoolean(element, environment: environment) ?? true
            } catch {
                return nil
            }
        }
    }
}

/// Compiled invariants by expression, shared by the validations of one validator: one lookup
/// per invariant checked finds the Swift check or the compiled FHIRPath.
final class ExpressionCache: Sendable {
    /// How an invariant is checked.
    enum Invariant: Sendable {
        /// By Swift code (``NativeInvariants``).
        case native(NativeInvariants.Check)
        /// By its compiled FHIRPath expression.
        case fhirPath(FHIRPath)
        /// Not at all: the expression does not compile.
        case invalid
    }

    private let invariants = Mutex<[String: Invariant]>([:])

    /// How the invariant with this expression is checked (an expression with an erratum by its
    /// corrected text).
    func invariant(_ expression: String) -> Invariant {
        if let known = invariants.withLock({ $0[expression] }) { return known }
        let invariant: Invariant
        if let native = NativeInvariants.checks[expression] {
            invariant = .native(native)
        } else if let compiled = try? FHIRPath(InvariantErrata.corrected[expression] ?? expression) {
            invariant = .fhirPath(compiled)
        } else {
            invariant = .invalid
        }
        invariants.withLock { $0[expression] = invariant }
        return invariant
    }
}
