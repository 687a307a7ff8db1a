import Foundation

/// The part of an invariant's FHIRPath expression that can be answered from the element's
/// children alone, without the evaluator: `name.exists()`, `a.b.empty()`, `x.hasValue()`,
/// `reference.startsWith('#')`, `fullUrl.contains('/_history/')`, `htmlChecks()`, joined by
/// `not()`, `and`, `or`, `xor`, `implies`. Anything else is ``opaque``.
///
/// Each node answers exactly as the evaluator does (same three-valued logic, same
/// short-circuits), or says ``Verdict/unknown``: then the expression goes to the evaluator.
/// `contained.meta.security.empty()` is always answered here; `reference.startsWith('#').not() or
/// (…)` only when its left side decides.
indirect enum NativeCondition: Sendable {
    /// A part the evaluator must compute.
    case opaque
    /// `htmlChecks()`: always `true` here (the evaluator's answer).
    case constant(Bool)
    /// `path.exists()`; with `filtered`, `path` followed by `where`, `select` or `trace` calls,
    /// whose result is known only when `path` finds nothing.
    case exists(path: [String], filtered: Bool)
    /// `path.hasValue()`: one element found, with a value.
    case hasValue(path: [String])
    /// `path.startsWith('prefix')`.
    case startsWith(path: [String], prefix: String)
    /// `path.contains('part')` (the string function).
    case contains(path: [String], part: String)
    case not(NativeCondition)
    case and(NativeCondition, NativeCondition)
    case or(NativeCondition, NativeCondition)
    case xor(NativeCondition, NativeCondition)
    case implies(NativeCondition, NativeCondition)

    /// An answer: a boolean, the empty collection, or not known without the evaluator.
    enum Verdict: Equatable {
        case `true`, `false`, empty, unknown

        init(_ value: Bool) { self = value ? .true : .false }
    }

    /// The condition of a compiled expression.
    init(_ node: FHIRPathNode) {
        switch node.kind {
        case .binary(let op, let left, let right):
            let (left, right) = (NativeCondition(left), NativeCondition(right))
            switch op {
            case .and: self = .and(left, right)
            case .or: self = .or(left, right)
            case .xor: self = .xor(left, right)
            case .implies: self = .implies(left, right)
            default: self = .opaque
            }
        case .call(let target, let call):
            switch (call.function, call.arguments.count) {
            case (.htmlChecks, 0) where target == nil:
                self = .constant(true)
            case (.not, 0):
                self = target.map { .not(NativeCondition($0)) } ?? .opaque
            case (.exists, 0), (.empty, 0):
                let exists: NativeCondition
                if let path = target.flatMap(Self.path) {
                    exists = .exists(path: path, filtered: false)
                } else if let path = target.flatMap(Self.filteredPath) {
                    exists = .exists(path: path, filtered: true)
                } else {
                    exists = .opaque
                }
                self = call.function == .exists ? exists : .not(exists)
            case (.hasValue, 0):
                self = target.flatMap(Self.path).map { .hasValue(path: $0) } ?? .opaque
            case (.startsWith, 1), (.contains, 1):
                guard let path = target.flatMap(Self.path), case .literal(.string(let text)) = call.arguments[0].kind else {
                    self = .opaque
                    return
                }
                self = call.function == .startsWith ? .startsWith(path: path, prefix: text) : .contains(path: path, part: text)
            default:
                self = .opaque
            }
        default:
            self = .opaque
        }
    }

    /// Whether any part is answered here.
    var isUseful: Bool {
        if case .opaque = self { return false }
        return true
    }

    /// Child names from the focus: `a.b.c` with every name starting with a lower-case letter
    /// (an upper-case first name could be a type name, which the evaluator treats apart).
    private static func path(_ node: FHIRPathNode) -> [String]? {
        guard case .member(let target, let name) = node.kind, let first = name.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z")
        else { return nil }
        guard let target else { return [name] }
        return path(target).map { $0 + [name] }
    }

    /// A ``path(_:)`` followed by `where`, `select` or `trace` calls: functions that give nothing
    /// for nothing, without evaluating their arguments.
    private static func filteredPath(_ node: FHIRPathNode) -> [String]? {
        guard case .call(let target?, let call) = node.kind, [.where, .select, .trace].contains(call.function) else { return nil }
        return path(target) ?? filteredPath(target)
    }

    /// The answer on `element` (the focus), as the evaluator would give it.
    func verdict(on element: Element) -> Verdict {
        switch self {
        case .opaque:
            return .unknown
        case .constant(let value):
            return Verdict(value)
        case .exists(let path, let filtered):
            let found = Self.exists(path[...], in: element)
            if filtered, found { return .unknown }
            return Verdict(found)
        case .hasValue(let path):
            // `hasValue()` is `false` unless exactly one element is found.
            var found: Element?
            var count = 0
            Self.visit(path[...], in: element) { item in
                count += 1
                found = item
                return count < 2
            }
            return Verdict(count == 1 && found?.value != nil)
        case .startsWith(let path, let prefix):
            guard let text = Self.singleText(path, in: element) else { return .empty }
            return text.map { Verdict($0.hasPrefix(prefix)) } ?? .unknown
        case .contains(let path, let part):
            guard let text = Self.singleText(path, in: element) else { return .empty }
            return text.map { Verdict(part.isEmpty || (ByteScan.asciiContains($0, part) ?? $0.contains(part))) } ?? .unknown
        case .not(let operand):
            switch operand.verdict(on: element) {
            case .true: return .false
            case .false: return .true
            case let other: return other
            }
        case .and(let left, let right):
            let a = left.verdict(on: element)
            if a == .unknown || a == .false { return a }
            let b = right.verdict(on: element)
            if b == .unknown || b == .false { return b }
            return a == .true && b == .true ? .true : .empty
        case .or(let left, let right):
            let a = left.verdict(on: element)
            if a == .unknown || a == .true { return a }
            let b = right.verdict(on: element)
            if b == .unknown || b == .true { return b }
            return a == .false && b == .false ? .false : .empty
        case .xor(let left, let right):
            let a = left.verdict(on: element)
            if a == .unknown { return a }
            let b = right.verdict(on: element)
            if b == .unknown { return b }
            if a == .empty || b == .empty { return .empty }
            return Verdict(a != b)
        case .implies(let left, let right):
            let a = left.verdict(on: element)
            if a == .unknown { return a }
            if a == .false { return .true }
            let b = right.verdict(on: element)
            if b == .unknown || b == .true { return b }
            return a == .true ? b : .empty
        }
    }

    /// The text a string function works on: `nil` when `path` finds nothing (the function gives
    /// nothing), `.some(nil)` when the evaluator decides (several elements, an error; one without
    /// a value, a type error), else the value's text.
    private static func singleText(_ path: [String], in element: Element) -> String?? {
        var found: Element?
        var count = 0
        visit(path[...], in: element) { item in
            count += 1
            found = item
            return count < 2
        }
        if count == 0 { return nil }
        guard count == 1, let text = found?.value?.text else { return .some(nil) }
        return .some(text)
    }

    /// Whether `path` finds an element under `element`.
    private static func exists(_ path: ArraySlice<String>, in element: Element) -> Bool {
        guard let name = path.first else { return true }
        let rest = path.dropFirst()
        for child in element.children where child.name == name {
            if exists(rest, in: child) { return true }
        }
        return false
    }

    /// Calls `body` with each element `path` finds under `element`, in order, while it returns
    /// `true`; returns `false` once `body` did.
    @discardableResult
    private static func visit(_ path: ArraySlice<String>, in element: Element, _ body: (Element) -> Bool) -> Bool {
        guard let name = path.first else { return body(element) }
        let rest = path.dropFirst()
        for child in element.children where child.name == name {
            if !visit(rest, in: child, body) { return false }
        }
        return true
    }
}
