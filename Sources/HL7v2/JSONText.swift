/// A tiny JSON writer for the fixed shapes this module emits (ordered keys, no Foundation).
struct JSONText {
    private(set) var output = ""

    mutating func raw(_ text: String) { output += text }

    mutating func string(_ value: String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{0}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    mutating func key(_ name: String) {
        string(name)
        output += ":"
    }

    mutating func optional(_ value: String?) {
        if let value { string(value) } else { output += "null" }
    }
}
