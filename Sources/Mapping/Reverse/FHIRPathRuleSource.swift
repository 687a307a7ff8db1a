/// Where a value of a FHIRPath mapping rule comes from.
public enum FHIRPathRuleSource: Sendable, CustomStringConvertible {
    /// A FHIRPath expression (on the resource or value the rule reads).
    case expression(FHIRPathRuleExpression)
    /// A constant in double quotes (`"NM"`).
    case constant(String)

    public var description: String {
        switch self {
        case .expression(let expression): expression.text
        case .constant(let text): "\"\(text)\""
        }
    }
}
