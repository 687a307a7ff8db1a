/// Splits a FHIRPath expression into tokens, with their character offsets.
struct FHIRPathLexer {
    /// One token.
    struct Token: Sendable, Equatable {
        enum Kind: Sendable, Equatable {
            /// A plain identifier or keyword (`name`, `and`, `div`).
            case identifier(String)
            /// A `` `delimited` `` identifier, never a keyword.
            case delimitedIdentifier(String)
            /// A string literal, unescaped.
            case string(String)
            /// A number literal as written.
            case number(String)
            /// `@2020-01-01`: the text after `@`.
            case date(String)
            /// `@2020-01-01T10:00+07:00`: the text after `@`.
            case dateTime(String)
            /// `@T10:00`: the text after `@T`.
            case time(String)
            /// `$this`, `$index`, `$total`: the name without `$`.
            case special(String)
            /// `%name`, `%'name'`: the name.
            case externalConstant(String)
            /// Punctuation and symbolic operators.
            case symbol(String)
            /// The end of the expression.
            case end
        }

        var kind: Kind
        /// Characters (Unicode scalars) from the start of the expression.
        var offset: Int
    }

    let scalars: [Unicode.Scalar]
    var index = 0

    init(_ expression: String) {
        scalars = Array(expression.unicodeScalars)
    }

    /// Every token, ending with `.end`.
    static func tokens(_ expression: String) throws(FHIRPathError) -> [Token] {
        var lexer = FHIRPathLexer(expression)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    private static func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return scalar >= "0" && scalar <= "9"
    }

    private static func isIdentifierStart(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
    }

    private static func isIdentifierPart(_ scalar: Unicode.Scalar?) -> Bool {
        isIdentifierStart(scalar) || isDigit(scalar)
    }

    private mutating func skipSpaceAndComments() throws(FHIRPathError) {
        while let scalar = peek() {
            switch scalar {
            case " ", "\t", "\r", "\n", "\u{0C}":
                index += 1
            case "/" where peek(1) == "/":
                while let next = peek(), next != "\n" { index += 1 }
            case "/" where peek(1) == "*":
                let start = index
                index += 2
                while true {
                    guard let next = peek() else {
                        throw FHIRPathError(.invalidLiteral, at: start, "the comment is not closed")
                    }
                    if next == "*", peek(1) == "/" {
                        index += 2
                        break
                    }
                    index += 1
                }
            default:
                return
            }
        }
    }

    private mutating func next() throws(FHIRPathError) -> Token {
        try skipSpaceAndComments()
        let start = index
        guard let scalar = peek() else { return Token(kind: .end, offset: index) }
        func token(_ kind: Token.Kind) -> Token { Token(kind: kind, offset: start) }

        if Self.isIdentifierStart(scalar) {
            return token(.identifier(identifier()))
        }
        if Self.isDigit(scalar) {
            while Self.isDigit(peek()) { index += 1 }
            if peek() == ".", Self.isDigit(peek(1)) {
                index += 1
                while Self.isDigit(peek()) { index += 1 }
            }
            return token(.number(text(from: start)))
        }
        switch scalar {
        case "'":
            return token(.string(try quoted("'")))
        case "`":
            return token(.delimitedIdentifier(try quoted("`")))
        case "@":
            index += 1
            return token(try dateTimeLiteral(start: start))
        case "$":
            index += 1
            let name = identifier()
            guard ["this", "index", "total"].contains(name) else {
                throw FHIRPathError(.syntax, at: start, "unknown special variable '$\(name)'")
            }
            return token(.special(name))
        case "%":
            index += 1
            if peek() == "'" { return token(.externalConstant(try quoted("'"))) }
            if peek() == "`" { return token(.externalConstant(try quoted("`"))) }
            if peek() == "\"" { return token(.externalConstant(try quoted("\""))) }
            guard Self.isIdentifierStart(peek()) else {
                throw FHIRPathError(.syntax, at: start, "'%' must be followed by a name")
            }
            // `%vs-name` and `%ext-name` are names with hyphens in FHIR.
            var name = identifier()
            if name == "vs" || name == "ext", peek() == "-" {
                while let next = peek(), Self.isIdentifierPart(next) || next == "-" { index += 1 }
                name = text(from: start + 1)
            }
            return token(.externalConstant(name))
        case "<", ">", "!":
            index += 1
            if peek() == "=" {
                index += 1
                return token(.symbol(String(scalar) + "="))
            }
            if scalar == "!", peek() == "~" {
                index += 1
                return token(.symbol("!~"))
            }
            guard scalar != "!" else { throw FHIRPathError(.syntax, at: start, "'!' must be followed by '=' or '~'") }
            return token(.symbol(String(scalar)))
        case ".", "[", "]", "(", ")", "{", "}", ",", "+", "-", "*", "/", "&", "|", "=", "~":
            index += 1
            return token(.symbol(String(scalar)))
        default:
            throw FHIRPathError(.syntax, at: start, "unexpected character '\(scalar.escaped(asASCII: true))'")
        }
    }

    private mutating func identifier() -> String {
        let start = index
        while Self.isIdentifierPart(peek()) { index += 1 }
        return text(from: start)
    }

    private func text(from start: Int) -> String {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[start..<index])
        return String(text)
    }

    /// A string or delimited identifier, unescaped; `index` is at the opening quote.
    private mutating func quoted(_ quote: Unicode.Scalar) throws(FHIRPathError) -> String {
        let start = index
        index += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                throw FHIRPathError(.invalidLiteral, at: start, quote == "'" ? "the string is not closed" : "the delimited identifier is not closed")
            }
            index += 1
            if scalar == quote { break }
            guard scalar == "\\" else {
                result.append(scalar)
                continue
            }
            guard let escaped = peek() else {
                throw FHIRPathError(.invalidLiteral, at: start, "the string ends in an escape")
            }
            index += 1
            switch escaped {
            case "'", "\"", "`", "\\", "/": result.append(escaped)
            case "r": result.append("\r")
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "f": result.append("\u{0C}")
            case "u":
                var value: UInt32 = 0
                for _ in 0..<4 {
                    guard let digit = peek(), let hex = UInt32(String(digit), radix: 16) else {
                        throw FHIRPathError(.invalidLiteral, at: index, "\\u must be followed by four hexadecimal digits")
                    }
                    value = value * 16 + hex
                    index += 1
                }
                guard let unicode = Unicode.Scalar(value) else {
                    throw FHIRPathError(.invalidLiteral, at: index - 6, "\\u names no Unicode scalar")
                }
                result.append(unicode)
            default:
                // Not an escape of the grammar: kept as written (regular expressions use `\d`).
                result.append("\\")
                result.append(escaped)
            }
        }
        return String(result)
    }

    /// A date, date-time or time literal; `index` is after `@`.
    private mutating func dateTimeLiteral(start: Int) throws(FHIRPathError) -> Token.Kind {
        if peek() == "T" {
            index += 1
            let timeStart = index
            scanTime()
            guard index > timeStart else { throw FHIRPathError(.invalidLiteral, at: start, "a time literal needs an hour") }
            return .time(text(from: timeStart))
        }
        let dateStart = index
        guard (0..<4).allSatisfy({ Self.isDigit(peek($0)) }) else {
            throw FHIRPathError(.invalidLiteral, at: start, "a date literal starts with a four-digit year")
        }
        index += 4
        for _ in 0..<2 where peek() == "-" && Self.isDigit(peek(1)) {
            index += 1
            while Self.isDigit(peek()) { index += 1 }
        }
        guard peek() == "T" else { return .date(text(from: dateStart)) }
        index += 1
        scanTime()
        if peek() == "Z" {
            index += 1
        } else if peek() == "+" || peek() == "-", Self.isDigit(peek(1)), Self.isDigit(peek(2)), peek(3) == ":" {
            index += 4
            while Self.isDigit(peek()) { index += 1 }
        }
        return .dateTime(text(from: dateStart))
    }

    /// `hh(:mm(:ss(.fff)?)?)?`.
    private mutating func scanTime() {
        guard Self.isDigit(peek()), Self.isDigit(peek(1)) else { return }
        index += 2
        for _ in 0..<2 where peek() == ":" && Self.isDigit(peek(1)) {
            index += 1
            while Self.isDigit(peek()) { index += 1 }
        }
        if peek() == ".", Self.isDigit(peek(1)) {
            index += 1
            while Self.isDigit(peek()) { index += 1 }
        }
    }
}
