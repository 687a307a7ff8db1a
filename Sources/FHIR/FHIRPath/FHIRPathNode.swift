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

    var kind: Kind
    var offset: Int
}
