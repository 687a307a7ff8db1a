import Synchronization

/// An invariant's expression as ``Validator/standard(definitions:)`` checks it: by Swift code
/// (``NativeInvariants``), by the part of it answered from the element's children
/// (``NativeCondition``), or by its compiled FHIRPath expression (after Swift code that needs
/// the resource, such as dom-3's, when that decides).
///
/// One instance per expression text, compiled when a constraint with that text is first made
/// and shared by every ``ElementDefinition/Constraint`` with it, so the validator finds it from
/// the constraint without looking anything up.
final class CompiledInvariant: Sendable {
    /// How an invariant is checked.
    enum Check: Sendable {
        /// By Swift code.
        case native(NativeInvariants.Check)
        /// By its compiled expression, after the condition and the Swift code when those answer.
        case fhirPath(FHIRPath, NativeCondition, NativeInvariants.ResourceCheck?)
        /// Not at all: the expression does not compile.
        case invalid
    }

    /// The expression's text (before an erratum's correction).
    let expression: String
    private let check: Check

    private init(expression: String) {
        self.expression = expression
        if let native = NativeInvariants.checks[expression] {
            check = .native(native)
        } else if let path = try? FHIRPath(InvariantErrata.corrected[expression] ?? expression) {
            check = .fhirPath(path, NativeCondition(path.root), NativeInvariants.resourceChecks[expression])
        } else {
            check = .invalid
        }
    }

    /// The invariant with this expression text.
    static func named(_ expression: String) -> CompiledInvariant {
        all.withLock { all in
            if let known = all[expression] { return known }
            let invariant = CompiledInvariant(expression: expression)
            all[expression] = invariant
            return invariant
        }
    }

    /// Every invariant made so far, by expression text.
    private static let all = Mutex<[String: CompiledInvariant]>([:])

    /// Whether the invariant holds on `element`: `true` when its expression gives `true` or
    /// nothing, `false` when it gives `false`, `nil` when it cannot be compiled or evaluated.
    func evaluate(on element: Element, resource: Element, rootResource: Element, definitions: Definitions) -> Bool? {
        let compiled: FHIRPath
        switch check {
        case .native(let check):
            return check(element)
        case .fhirPath(let path, let condition, let resourceCheck):
            switch condition.verdict(on: element) {
            case .true, .empty: return true
            case .false: return false
            case .unknown: compiled = path
            }
            if let resourceCheck, let holds = resourceCheck(element, resource, rootResource, definitions) { return holds }
        case .invalid:
            return nil
        }
        let environment = FHIRPathEnvironment(resource: resource, rootResource: rootResource, context: element, definitions: definitions)
        do {
            return try compiled.evaluateBoolean(element, environment: environment) ?? true
        } catch {
            return nil
        }
    }
}
