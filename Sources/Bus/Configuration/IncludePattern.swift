/// The file-name patterns of `include` (`channels/*.yaml`): `*` matches any characters, `?` one.
enum IncludePattern {
    /// Whether `name` matches `pattern`.
    static func matches(_ name: some StringProtocol, _ pattern: some StringProtocol) -> Bool {
        matches(Substring(name), pattern: Substring(pattern))
    }

    private static func matches(_ name: Substring, pattern: Substring) -> Bool {
        guard let first = pattern.first else { return name.isEmpty }
        switch first {
        case "*":
            var rest = name
            while true {
                if matches(rest, pattern: pattern.dropFirst()) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        case "?":
            return !name.isEmpty && matches(name.dropFirst(), pattern: pattern.dropFirst())
        default:
            return name.first == first && matches(name.dropFirst(), pattern: pattern.dropFirst())
        }
    }
}
