import Foundation

/// Writes a small XML document as UTF-8: a declaration, one element per line, two-space indent.
/// Texts are escaped (`&`, `<`, `>`, and carriage return as `&#13;` so it survives reading).
struct XMLWriter {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    private var open: [String] = []

    mutating func start(_ name: String) {
        text += indent + "<\(name)>\n"
        open.append(name)
    }

    mutating func end() {
        let name = open.removeLast()
        text += indent + "</\(name)>\n"
    }

    /// An element holding text; empty text gives `<NAME/>`.
    /// - Throws: the error `invalid` makes when the text holds a character XML 1.0 cannot carry.
    mutating func leaf(_ name: String, _ value: String, invalid: () -> ClaimError) throws {
        if value.isEmpty {
            text += indent + "<\(name)/>\n"
        } else {
            text += indent + "<\(name)>" + (try XMLWriter.escaped(value, invalid: invalid)) + "</\(name)>\n"
        }
    }

    /// An element holding text the module made itself (digits, base64, a table name), which
    /// needs no escaping.
    mutating func leaf(_ name: String, plain value: String) {
        text += indent + (value.isEmpty ? "<\(name)/>\n" : "<\(name)>\(value)</\(name)>\n")
    }

    var data: Data { Data(text.utf8) }

    private var indent: String { String(repeating: "  ", count: open.count) }

    static func escaped(_ value: String, invalid: () -> ClaimError) throws -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\r": result += "&#13;"
            case "\t", "\n": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                throw invalid()
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
