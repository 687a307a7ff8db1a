import Foundation

/// Parses FHIRPath (N1 grammar) into ``FHIRPathNode``s, with the specification's operator
/// precedence (from tightest): `.` and `[]`, unary `+ -`, `* / div mod`, `+ - &`, `is as`, `|`,
/// `< > <= >=`, `= ~ != !~`, `in contains`, `and`, `or xor`, `implies` (right-associative).
struct FHIRPathParser {
    typealias Token = FHIRPathLexer.Token
    typealias Node = FHIRPathNode

    private let tokens: [Token]
    private var position = 0

    /// Parses a whole expression.
    static func parse(_ expression: String) throws(FHIRPathError) -> Node {
        var parser = FHIRPathParser(tokens: try FHIRPathLexer.tokens(expression))
        let node = try parser.expression()
        guard parser.current.kind == .end else {
            throw FHIRPathError(.syntax, at: parser.current.offset, "unexpected \(parser.describe(parser.current))")
        }
        return node
    }

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    private var current: Token { tokens[position] }

    private func peek(_ ahead: Int) -> Token { tokens[min(position + ahead, tokens.count - 1)] }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .identifier(let name): "'\(name)'"
        case .delimitedIdentifier(let name): "`\(name)`"
        case .string: "string"
        case .number(let text): "number \(text)"
        case .date, .dateTime, .time: "date/time literal"
        case .special(let name): "$\(name)"
        case .externalConstant(let name): "%\(name)"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "end of expression"
        }
    }

    private func isSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

    private func isKeyword(_ keyword: String) -> Bool { current.kind == .identifier(keyword) }

    private mutating func expect(_ symbol: String) throws(FHIRPathError) {
        guard isSymbol(symbol) else {
            let code: FHIRPathError.Code = current.kind == .end ? .unexpectedEnd : .syntax
            throw FHIRPathError(code, at: current.offset, "expected '\(symbol)', found \(describe(current))")
        }
        position += 1
    }

    // MARK: Binary operators, loosest first

    private mutating func expression() throws(FHIRPathError) -> Node {
        let left = try orExpression()
        if isKeyword("implies") {
            let offset = current.offset
            position += 1
            let right = try expression()
            return Node(kind: .binary(.implies, left, right), offset: offset)
        }
        return left
    }

    private mutating func orExpression() throws(FHIRPathError) -> Node {
        var left = try andExpression()
        while isKeyword("or") || isKeyword("xor") {
            let op: Node.BinaryOperator = isKeyword("or") ? .or : .xor
            let offset = current.offset
            position += 1
            left = Node(kind: .binary(op, left, try andExpression()), offset: offset)
        }
        return left
    }

    private mutating func andExpression() throws(FHIRPathError) -> Node {
        var left = try membership()
        while isKeyword("and") {
            let offset = current.offset
            position += 1
            left = Node(kind: .binary(.and, left, try membership()), offset: offset)
        }
        return left
    }

    private mutating func membership() throws(FHIRPathError) -> Node {
        var left = try equality()
        while isKeyword("in") || isKeyword("contains") {
            let op: Node.BinaryOperator = isKeyword("in") ? .in : .contains
            let offset = current.offset
            position += 1
            left = Node(kind: .binary(op, left, try equality()), offset: offset)
        }
        return left
    }

    private mutating func equality() throws(FHIRPathError) -> Node {
        var left = try inequality()
        while case .symbol(let symbol) = current.kind, ["=", "~", "!=", "!~"].contains(symbol) {
            let offset = current.offset
            position += 1
            left = Node(kind: .binary(Node.BinaryOperator(rawValue: symbol)!, left, try inequality()), offset: offset)
        }
        return left
    }

    private mutating func inequality() throws(FHIRPathError) -> Node {
        var left = try union()
        while case .symbol(let symbol) = current.kind, ["<", ">", "<=", ">="].contains(symbol) {
            let offset = current.offset
            position += 1
            left = Node(kind: .binary(Node.BinaryOperator(rawValue: symbol)!, left, try union()), offset: offset)
        }
        return left
    }

    private mutating func union() throws(FHIRPathError) -> Node {
        var left = try typeExpression()
        while isSymbol("|") {
            let offset = current.offset
            position += 1
            left = Node(kind: .binary(.union, left, try typeExpression()), offset: offset)
        }
        return left
    }

    private mutating func typeExpression() throws(FHIRPathError) -> Node {
        var left = try additive()
        while isKeyword("is") || isKeyword("as") {
            let isOperator = isKeyword("is")
            let offset = current.offset
            position += 1
            left = Node(kind: .type(isOperator: isOperator, left, try typeSpecifier()), offset: offset)
        }
        return left
    }

    private mutating func additive() throws(FHIRPathError) -> Node {
        var left = try multiplicative()
        while case .symbol(let symbol) = current.kind, ["+", "-", "&"].contains(symbol) {
            let offset = current.offset
            position += 1
            left = Node(kind: .binary(Node.BinaryOperator(rawValue: symbol)!, left, try multiplicative()), offset: offset)
        }
        return left
    }

    private mutating func multiplicative() throws(FHIRPathError) -> Node {
        var left = try polarity()
        while true {
            let op: Node.BinaryOperator
            if isSymbol("*") {
                op = .multiply
            } else if isSymbol("/") {
                op = .divide
            } else if isKeyword("div") {
                op = .div
            } else if isKeyword("mod") {
                op = .mod
            } else {
                return left
            }
            let offset = current.offset
            position += 1
            left = Node(kind: .binary(op, left, try polarity()), offset: offset)
        }
    }

    private mutating func polarity() throws(FHIRPathError) -> Node {
        guard isSymbol("+") || isSymbol("-") else { return try postfix() }
        let negative = isSymbol("-")
        let offset = current.offset
        position += 1
        let operand = try polarity()
        guard negative else { return operand }
        // A negative number literal stays a literal.
        if case .literal(let value) = operand.kind {
            switch value {
            case .integer(let integer): return Node(kind: .literal(.integer(-integer)), offset: offset)
            case .decimal(let decimal): return Node(kind: .literal(.decimal(-decimal)), offset: offset)
            case .quantity(var quantity):
                quantity.value = -quantity.value
                return Node(kind: .literal(.quantity(quantity)), offset: offset)
            default: break
            }
        }
        return Node(kind: .negate(operand), offset: offset)
    }

    // MARK: Invocations and terms

    private mutating func postfix() throws(FHIRPathError) -> Node {
        var node = try term()
        while true {
            if isSymbol(".") {
                position += 1
                node = try invocation(on: node)
            } else if isSymbol("[") {
                let offset = current.offset
                position += 1
                let index = try expression()
                try expect("]")
                node = Node(kind: .indexer(node, index), offset: offset)
            } else {
                return node
            }
        }
    }

    /// A name or function call after `.` (any identifier, keywords included) or as a term.
    private mutating func invocation(on target: Node?) throws(FHIRPathError) -> Node {
        let token = current
        let name: String
        switch token.kind {
        case .identifier(let identifier):
            name = identifier
        case .delimitedIdentifier(let identifier):
            name = identifier
        case .special(let special) where target == nil:
            position += 1
            switch special {
            case "this": return Node(kind: .this, offset: token.offset)
            case "index": return Node(kind: .index, offset: token.offset)
            default: return Node(kind: .total, offset: token.offset)
            }
        default:
            let code: FHIRPathError.Code = token.kind == .end ? .unexpectedEnd : .syntax
            throw FHIRPathError(code, at: token.offset, "expected a name or function, found \(describe(token))")
        }
        position += 1
        guard isSymbol("("), case .identifier = token.kind else {
            return Node(kind: .member(target, name), offset: token.offset)
        }
        position += 1
        var arguments: [Node] = []
        if !isSymbol(")") {
            arguments.append(try expression())
            while isSymbol(",") {
                position += 1
                arguments.append(try expression())
            }
        }
        try expect(")")
        return Node(kind: .call(target, try call(name, arguments, at: token.offset)), offset: token.offset)
    }

    /// Checks a function call and compiles what can be compiled once.
    private func call(_ name: String, _ arguments: [Node], at offset: Int) throws(FHIRPathError) -> Node.Call {
        guard let function = FHIRPathFunction(rawValue: name) else {
            throw FHIRPathError(.unknownFunction, at: offset, "unknown function '\(name)'")
        }
        guard function.arity.contains(arguments.count) else {
            let arity = function.arity
            let expected = arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)"
            throw FHIRPathError(.invalidArguments, at: offset, "\(name) takes \(expected) argument(s), not \(arguments.count)")
        }
        var call = Node.Call(function: function, arguments: arguments)
        switch function {
        case .ofType, .is, .as:
            guard let type = Self.typeSpecifier(arguments[0]) else {
                throw FHIRPathError(.invalidArguments, at: arguments[0].offset, "\(name) needs a type name")
            }
            call.type = type
        case .matches, .replaceMatches:
            if case .literal(.string(let pattern)) = arguments[0].kind {
                call.regex = try Self.regex(pattern, at: arguments[0].offset)
            }
        default:
            break
        }
        return call
    }

    /// A type name written as an expression (`Patient`, `FHIR.string`).
    private static func typeSpecifier(_ node: Node) -> Node.TypeSpecifier? {
        switch node.kind {
        case .member(nil, let name):
            return Node.TypeSpecifier(namespace: nil, name: name)
        case .member(let target?, let name):
            guard case .member(nil, let namespace) = target.kind else { return nil }
            return Node.TypeSpecifier(namespace: namespace, name: name)
        default:
            return nil
        }
    }

    /// Compiles a regular expression: case-sensitive, `.` matching line ends too.
    static func regex(_ pattern: String, at offset: Int) throws(FHIRPathError) -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        } catch {
            throw FHIRPathError(.invalidRegex, at: offset, "the regular expression does not compile")
        }
    }

    /// `Name` or `Namespace.Name` after `is` / `as`.
    private mutating func typeSpecifier() throws(FHIRPathError) -> Node.TypeSpecifier {
        var parts: [String] = []
        repeat {
            if !parts.isEmpty { position += 1 }
            switch current.kind {
            case .identifier(let name), .delimitedIdentifier(let name):
                parts.append(name)
                position += 1
            default:
                let code: FHIRPathError.Code = current.kind == .end ? .unexpectedEnd : .syntax
                throw FHIRPathError(code, at: current.offset, "expected a type name, found \(describe(current))")
            }
        } while isSymbol(".") && parts.count < 2
        return parts.count == 2 ? Node.TypeSpecifier(namespace: parts[0], name: parts[1]) : Node.TypeSpecifier(namespace: nil, name: parts[0])
    }

    private static let calendarWords: Set<String> = [
        "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minute", "minutes", "second",
        "seconds", "millisecond", "milliseconds",
    ]

    private static let operatorKeywords: Set<String> = ["and", "or", "xor", "implies", "div", "mod", "is", "as", "in", "contains"]

    private mutating func term() throws(FHIRPathError) -> Node {
        let token = current
        switch token.kind {
        case .number(let text):
            position += 1
            let number: FHIRPathValue
            if text.contains(".") {
                guard let decimal = FHIRPathValue.decimal(text) else {
                    throw FHIRPathError(.invalidLiteral, at: token.offset, "the number is not a decimal")
                }
                number = .decimal(decimal)
            } else if let integer = Int(text) {
                number = .integer(integer)
            } else {
                throw FHIRPathError(.invalidLiteral, at: token.offset, "the integer is too large")
            }
            // A quantity: a number followed by a unit string or a calendar duration word.
            var unit: String?
            if case .string(let ucum) = current.kind {
                unit = ucum
            } else if case .identifier(let word) = current.kind, Self.calendarWords.contains(word) {
                unit = word
            }
            if let unit {
                position += 1
                let value: Decimal
                switch number {
                case .integer(let integer): value = Decimal(integer)
                case .decimal(let decimal): value = decimal
                default: value = 0
                }
                return Node(kind: .literal(.quantity(FHIRPathQuantity(value: value, unit: unit))), offset: token.offset)
            }
            return Node(kind: .literal(number), offset: token.offset)
        case .string(let text):
            position += 1
            return Node(kind: .literal(.string(text)), offset: token.offset)
        case .date(let text):
            position += 1
            guard let date = FHIRPathTemporal.date(text) else {
                throw FHIRPathError(.invalidLiteral, at: token.offset, "'@\(text)' is not a valid date")
            }
            return Node(kind: .literal(.date(date)), offset: token.offset)
        case .dateTime(let text):
            position += 1
            guard let dateTime = FHIRPathTemporal.dateTime(text) else {
                throw FHIRPathError(.invalidLiteral, at: token.offset, "'@\(text)' is not a valid date and time")
            }
            return Node(kind: .literal(.dateTime(dateTime)), offset: token.offset)
        case .time(let text):
            position += 1
            guard let time = FHIRPathTemporal.time(text) else {
                throw FHIRPathError(.invalidLiteral, at: token.offset, "'@T\(text)' is not a valid time")
            }
            return Node(kind: .literal(.time(time)), offset: token.offset)
        case .externalConstant(let name):
            position += 1
            return Node(kind: .variable(name), offset: token.offset)
        case .symbol("("):
            position += 1
            let inner = try expression()
            try expect(")")
            return inner
        case .symbol("{"):
            position += 1
            try expect("}")
            return Node(kind: .empty, offset: token.offset)
        case .identifier("true"), .identifier("false"):
            position += 1
            return Node(kind: .literal(.boolean(token.kind == .identifier("true"))), offset: token.offset)
        case .identifier(let name) where Self.operatorKeywords.contains(name):
            // Keywords name functions only when called: `as(canonical)`.
            guard peek(1).kind == .symbol("(") else {
                throw FHIRPathError(.syntax, at: token.offset, "expected an operand, found '\(name)'")
            }
            return try invocation(on: nil)
        case .identifier, .delimitedIdentifier, .special:
            return try invocation(on: nil)
        default:
            let code: FHIRPathError.Code = token.kind == .end ? .unexpectedEnd : .syntax
            throw FHIRPathError(code, at: token.offset, "expected an operand, found \(describe(token))")
        }
    }
}
