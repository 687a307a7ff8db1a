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
    /// The expression's text (before an erratum's correction).
    let expression: String
    /// Whether the text is empty (the validator skips such a constraint).
    let isEmpty: Bool
    /// The check in Swift, for an expression written so (``NativeInvariants/checks``).
    private let native: NativeInvariants.Check?
    /// The compiled expression (after an erratum's correction); `nil` when it does not compile,
    /// or when ``native`` checks it.
    private let path: FHIRPath?
    /// The part of ``path`` answered from the element's children.
    private let condition: NativeCondition
    /// Swift code that answers for ``path`` when ``condition`` does not.
    private let resourceCheck: NativeInvariants.ResourceCheck?

    private init(expression: String) {
        self.expression = expression
        self.isEmpty = expression.isEmpty
        self.native = NativeInvariants.checks[expression]
        self.path = native == nil ? try? FHIRPath(InvariantErrata.corrected[expression] ?? expression) : nil
        self.condition = path.map { NativeCondition($0.root) } ?? .opaque
        self.resourceCheck = path == nil ? nil : NativeInvariants.resourceChecks[expression]
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
        if let verdict = verdict(on: element) { return verdict }
        return evaluateWithResources(on: element, resource: resource, rootResource: rootResource, definitions: definitions)
    }

    /// ``evaluate(on:resource:rootResource:definitions:)`` when the element alone decides (by
    /// Swift code or the part answered from its children); `nil` when the resources are needed.
    func verdict(on element: Element) -> Bool?? {
        if let native { return .some(native(element)) }
        guard path != nil else { return .some(nil) }
        switch condition.verdict(on: element) {
        case .true, .empty: return .some(true)
        case .false: return .some(false)
        case .unknown: return nil
        }
    }

    /// ``evaluate(on:resource:rootResource:definitions:)`` when ``verdict(on:)`` is `nil`.
    func evaluateWithResources(on element: Element, resource: Element, rootResource: Element, definitions: Definitions) -> Bool? {
        guard let path else { return nil }
        if let resourceCheck, let holds = resourceCheck(element, resource, rootResource, definitions) { return holds }
        let environment = FHIRPathEnvironment(resource: resource, rootResource: rootResource, context: element, definitions: definitions)
        do {
            return try path.evaluateBoolean(element, environment: environment) ?? true
        } catch {
            return nil
        }
    }
}
