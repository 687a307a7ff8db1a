/// Takes the document's values out of libxml2's messages, which quote them
/// (`The value 'Nguyễn Văn A' has a length of '300'`).
enum XMLSchemaRedaction {
    /// The message, trimmed, with each quoted occurrence of a value (as written, and with its
    /// white space collapsed as libxml2 does for non-string types) replaced by `'…'`, and the
    /// bytes a wrong-encoding message lists cut off.
    static func redacted(_ message: String, values: [String]) -> String {
        var result = message.trimmingWhitespace()
        var forms: [String] = []
        for value in values where !value.isEmpty {
            forms.append(value)
            let collapsed = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
                .joined(separator: " ")
            if !collapsed.isEmpty && collapsed != value { forms.append(collapsed) }
        }
        // Longest first, so a value that contains another is replaced whole.
        for form in forms.sorted(by: { $0.count > $1.count }) {
            result = result.replacing("'" + form + "'", with: "'…'")
        }
        if let bytes = result.firstRange(of: "Bytes:") {
            result = String(result[..<bytes.lowerBound]).trimmingWhitespace() + " Bytes: …"
        }
        return result
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
