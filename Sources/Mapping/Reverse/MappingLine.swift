/// One line of a mapping file whose rules read FHIR with FHIRPath (FHIR → HL7 v2 here, FHIR →
/// claims in `InsuranceVN`), without its indentation and comment, and where it starts.
package struct MappingLine: Sendable {
    /// The line number (1-based).
    package var number: Int
    /// The count of leading spaces.
    package var indent: Int
    /// The text after the indentation, without the comment and trailing spaces.
    package var text: Substring
    /// The column (1-based) of `text`'s first character.
    package var column: Int { indent + 1 }

    /// `raw` without its indentation, its comment (`#` outside quotes) and trailing spaces and
    /// carriage returns; `nil` when nothing is left, or when it is indented with a tab (an error
    /// for `file` is appended to `errors`).
    package init?(_ raw: Substring, number: Int, file: String, errors: inout [MappingError]) {
        var indent = 0
        for character in raw {
            if character == " " { indent += 1; continue }
            if character == "\t" {
                errors.append(MappingError(file: file, line: number, column: indent + 1, "indent with spaces, not tabs"))
                return nil
            }
            break
        }
        var text = raw.dropFirst(indent)
        var quote: Character?
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" || character == "`" {
                quote = character
            } else if character == "#" {
                text = text[..<index]
                break
            }
        }
        while text.last == " " || text.last == "\r" { text = text.dropLast() }
        guard !text.isEmpty else { return nil }
        self.number = number
        self.indent = indent
        self.text = text
    }

    /// The first `token` (`->`, ` if `) in `text` outside quotes (with `\` escapes), parentheses
    /// and brackets.
    package static func topLevel(_ token: String, in text: Substring) -> Range<Substring.Index>? {
        var quote: Character?
        var depth = 0
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == "\\" {
                    index = text.index(after: index)
                    if index == text.endIndex { break }
                } else if character == open {
                    quote = nil
                }
            } else if character == "'" || character == "\"" || character == "`" {
                quote = character
            } else if character == "(" || character == "[" {
                depth += 1
            } else if character == ")" || character == "]" {
                depth -= 1
            } else if depth == 0, text[index...].hasPrefix(token) {
                return index..<text.index(index, offsetBy: token.count)
            }
            index = text.index(after: index)
        }
        return nil
    }
}
