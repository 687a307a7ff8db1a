/// Compares two JSON documents structurally: object keys in any order, numbers by value, paths
/// matching an ignore pattern left out. A pattern is a dotted path whose parts are keys, `[n]` or
/// `[*]` (array items), `*` (any one key) or `**` (any number of levels): `**.id`,
/// `entry[*].fullUrl`, `entry[*].resource.meta.lastUpdated`.
struct StructuralDiff: Sendable {
    /// The ignore patterns, split into parts.
    let patterns: [[String]]

    init(ignoring patterns: [String]) {
        self.patterns = patterns.map(Self.parts)
    }

    /// The parts of a path or pattern: `entry[*].resource.id` → `entry`, `[*]`, `resource`, `id`.
    static func parts(_ path: String) -> [String] {
        var parts: [String] = []
        for piece in path.split(separator: ".") {
            var rest = Substring(piece)
            if let open = rest.firstIndex(of: "["), open != rest.startIndex {
                parts.append(String(rest[..<open]))
                rest = rest[open...]
            }
            while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                parts.append(String(rest[...close]))
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty { parts.append(String(rest)) }
        }
        return parts
    }

    func isIgnored(_ path: [String]) -> Bool {
        patterns.contains { Self.matches($0[...], path[...]) }
    }

    static func matches(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            var rest = path
            while true {
                if matches(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let part = path.first else { return false }
        let fits = first == part || (first == "*" && !part.hasPrefix("[")) || (first == "[*]" && part.hasPrefix("["))
        return fits && matches(pattern.dropFirst(), path.dropFirst())
    }

    /// One difference: where, what was expected, what was found (`nil`: absent).
    struct Difference: Sendable, CustomStringConvertible {
        var path: String
        var expected: String?
        var actual: String?
        var description: String {
            switch (expected, actual) {
            case (let expected?, nil): return "\(path): missing (expected \(expected))"
            case (nil, let actual?): return "\(path): unexpected \(actual)"
            default: return "\(path): expected \(expected ?? ""), got \(actual ?? "")"
            }
        }
    }

    /// The differences of `actual` from `expected`, in document order.
    func differences(expected: JSONTree, actual: JSONTree) -> [Difference] {
        var result: [Difference] = []
        compare(expected, actual, path: [], into: &result)
        return result
    }

    private func compare(_ expected: JSONTree, _ actual: JSONTree, path: [String], into result: inout [Difference]) {
        if isIgnored(path) { return }
        switch (expected, actual) {
        case (.object(let expected), .object(let actual)):
            for key in expected.keys.sorted() {
                let child = path + [key]
                guard !isIgnored(child) else { continue }
                if let value = actual[key] {
                    compare(expected[key]!, value, path: child, into: &result)
                } else {
                    result.append(Difference(path: Self.text(child), expected: expected[key]!.short, actual: nil))
                }
            }
            for key in actual.keys.sorted() where expected[key] == nil && !isIgnored(path + [key]) {
                result.append(Difference(path: Self.text(path + [key]), expected: nil, actual: actual[key]!.short))
            }
        case (.array(let expected), .array(let actual)):
            for index in 0..<max(expected.count, actual.count) {
                let child = path + ["[\(index)]"]
                guard !isIgnored(child) else { continue }
                if index < expected.count && index < actual.count {
                    compare(expected[index], actual[index], path: child, into: &result)
                } else if index < expected.count {
                    result.append(Difference(path: Self.text(child), expected: expected[index].short, actual: nil))
                } else {
                    result.append(Difference(path: Self.text(child), expected: nil, actual: actual[index].short))
                }
            }
        default:
            if expected != actual {
                let place = Self.text(path)
                result.append(Difference(path: place.isEmpty ? "(root)" : place, expected: expected.short, actual: actual.short))
            }
        }
    }

    static func text(_ path: [String]) -> String {
        var text = ""
        for part in path {
            if part.hasPrefix("[") { text += part } else { text += text.isEmpty ? part : ".\(part)" }
        }
        return text
    }

    /// A copy of `tree` without the ignored paths (what the report shows as compared).
    func pruned(_ tree: JSONTree, path: [String] = []) -> JSONTree {
        switch tree {
        case .object(let members):
            var kept: [String: JSONTree] = [:]
            for (key, value) in members where !isIgnored(path + [key]) { kept[key] = pruned(value, path: path + [key]) }
            return .object(kept)
        case .array(let items):
            return .array(items.enumerated().filter { !isIgnored(path + ["[\($0.offset)]"]) }.map { pruned($0.element, path: path + ["[\($0.offset)]"]) })
        default:
            return tree
        }
    }
}
