import Foundation
import Yams

/// One node of a YAML configuration with where it is (file, line, key path), and readers for the
/// value types the configuration uses. Every reader fails with a ``ConfigurationError`` that
/// points at the node.
struct ConfigurationNode {
    let node: Node
    /// The dotted key path (`channels.his.mllp.port`, `channels.his.routes[0].destination`).
    let key: String
    let file: String
    let environment: [String: String]

    func error(_ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: node.mark?.line, column: node.mark?.column, key: key, message: message)
    }

    private func child(_ node: Node, key name: String) -> ConfigurationNode {
        ConfigurationNode(node: node, key: key.isEmpty ? name : "\(key).\(name)", file: file, environment: environment)
    }

    // MARK: Structure

    /// The entries of a mapping, in file order; a key not in `allowed` is an error (a typo must
    /// not be silently ignored).
    func mapping(allowing allowed: Set<String>? = nil) throws(ConfigurationError) -> ConfigurationMapping {
        if isNull { return ConfigurationMapping(owner: self, entries: []) }
        guard case .mapping(let mapping) = node else { throw error("expected a mapping (key: value lines)") }
        var entries: [(String, ConfigurationNode)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw ConfigurationNode(node: keyNode, key: key, file: file, environment: environment).error("keys must be plain text")
            }
            let name = scalar.string
            if let allowed, !allowed.contains(name) {
                let known = allowed.sorted().joined(separator: ", ")
                throw ConfigurationNode(node: keyNode, key: key.isEmpty ? name : "\(key).\(name)", file: file, environment: environment)
                    .error("unknown key; expected one of: \(known)")
            }
            entries.append((name, child(value, key: name)))
        }
        return ConfigurationMapping(owner: self, entries: entries)
    }

    /// The items of a sequence; a single value is read as a sequence of one.
    func sequence() -> [ConfigurationNode] {
        if isNull { return [] }
        guard case .sequence(let sequence) = node else { return [self] }
        return sequence.enumerated().map { index, item in
            ConfigurationNode(node: item, key: "\(key)[\(index)]", file: file, environment: environment)
        }
    }

    /// An empty value (`key:` with nothing after it, `~`, `null`): an empty mapping or list.
    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The node's settings as one line of text, `${NAME}`s substituted: two nodes with the same
    /// text configure the same thing. A reload compares channels and destinations by it (the text
    /// holds secrets: it is compared, never shown).
    ///
    /// - Parameter skipping: top-level keys of a mapping left out (a channel's `routes`).
    func canonical(skipping: Set<String> = []) throws(ConfigurationError) -> String {
        if isNull { return "~" }
        switch node {
        case .scalar:
            return try string().debugDescription
        case .mapping:
            var parts: [String] = []
            for (name, value) in try mapping().entries where !skipping.contains(name) {
                parts.append("\(name.debugDescription): \(try value.canonical())")
            }
            return "{\(parts.joined(separator: ", "))}"
        case .sequence:
            var parts: [String] = []
            for item in sequence() { parts.append(try item.canonical()) }
            return "[\(parts.joined(separator: ", "))]"
        default:
            return "\(node)"
        }
    }

    // MARK: Scalars

    /// The text of a scalar, with `${NAME}` replaced by the environment variable `NAME`
    /// (`${NAME:-default}` when it may be unset).
    func string() throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a single value") }
        return try substitute(scalar.string)
    }

    func strings() throws(ConfigurationError) -> [String] {
        var values: [String] = []
        for item in sequence() { values.append(try item.string()) }
        return values
    }

    func int(in range: ClosedRange<Int>? = nil, what: String = "a whole number") throws(ConfigurationError) -> Int {
        let text = try string()
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), range.map({ $0.contains(value) }) ?? true else {
            throw error("expected \(what), found \"\(text)\"")
        }
        return value
    }

    func double() throws(ConfigurationError) -> Double {
        let text = try string()
        guard let value = Double(text), value.isFinite else { throw error("expected a number, found \"\(text)\"") }
        return value
    }

    func bool() throws(ConfigurationError) -> Bool {
        let text = try string()
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, found \"\(text)\"")
        }
    }

    /// A duration: a number with a unit `ms`, `s`, `m`, `h` or `d` (`250ms`, `30s`, `24h`).
    func duration() throws(ConfigurationError) -> Duration {
        let text = try string().trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (unit, seconds) in units where text.hasSuffix(unit) {
            let number = text.dropLast(unit.count).trimmingCharacters(in: .whitespaces)
            if let value = Double(number), value >= 0, value.isFinite {
                return .milliseconds(Int64((value * seconds * 1000).rounded()))
            }
        }
        throw error("expected a duration such as 500ms, 30s, 5m, 24h or 7d, found \"\(text)\"")
    }

    /// A size in bytes: a number with an optional unit `B`, `KiB`, `MiB`, `GiB` (or `KB`, `MB`, `GB`).
    func byteSize() throws(ConfigurationError) -> Int {
        let text = try string().trimmingCharacters(in: .whitespaces)
        let units: [(String, Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1),
        ]
        for (unit, factor) in units where text.hasSuffix(unit) {
            if let value = Int(text.dropLast(unit.count).trimmingCharacters(in: .whitespaces)), value > 0 {
                return value * factor
            }
        }
        if let value = Int(text), value > 0 { return value }
        throw error("expected a size such as 10MiB or 65536, found \"\(text)\"")
    }

    /// A file path; a relative path is taken relative to the configuration file's folder.
    func path(relativeTo base: URL) throws(ConfigurationError) -> String {
        let text = try string()
        guard !text.isEmpty else { throw error("expected a path") }
        if text.hasPrefix("/") { return text }
        return base.appendingPathComponent(text).standardizedFileURL.path
    }

    private func substitute(_ text: String) throws(ConfigurationError) -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw error("unterminated ${…} in a value")
            }
            let reference = rest[start.upperBound..<end]
            let name: Substring
            let fallback: Substring?
            if let separator = reference.range(of: ":-") {
                name = reference[..<separator.lowerBound]
                fallback = reference[separator.upperBound...]
            } else {
                name = reference
                fallback = nil
            }
            if let value = environment[String(name)], !value.isEmpty {
                result += value
            } else if let fallback {
                result += fallback
            } else {
                throw error("the environment variable \(name) is not set")
            }
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}

/// The entries of a YAML mapping, read by key.
struct ConfigurationMapping {
    let owner: ConfigurationNode
    let entries: [(String, ConfigurationNode)]

    subscript(_ key: String) -> ConfigurationNode? {
        entries.first(where: { $0.0 == key })?.1
    }

    /// Where `key` is written (its line and column; the mapping's own place when absent).
    func origin(ofKey key: String) -> ConfigurationOrigin {
        if case .mapping(let mapping) = owner.node, let keyNode = mapping.keys.first(where: { $0.string == key }), let mark = keyNode.mark {
            return ConfigurationOrigin(file: owner.file, line: mark.line, column: mark.column)
        }
        return ConfigurationOrigin(file: owner.file, line: owner.node.mark?.line, column: owner.node.mark?.column)
    }

    func required(_ key: String) throws(ConfigurationError) -> ConfigurationNode {
        guard let node = self[key] else { throw owner.error("missing required key \"\(key)\"") }
        return node
    }
}
