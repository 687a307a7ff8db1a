import Foundation

/// A value of a suite manifest (decoded YAML: maps, lists, text), with the key path that leads
/// to it, so that every error names the file and the key.
struct ManifestNode: @unchecked Sendable {
    /// The decoded value: `[String: Any]`, `[Any]`, `String`, `Int`, `Double`, `Bool` or `NSNull`.
    let value: Any
    /// The key path from the manifest's root (`cases[2].expect`).
    let key: String
    /// The manifest file, for errors.
    let file: String

    func error(_ message: String, key: String? = nil) -> ConformanceError {
        ConformanceError(.invalidManifest, file: file, key: key ?? self.key, message)
    }

    private func childKey(_ name: String) -> String { key.isEmpty ? name : "\(key).\(name)" }

    /// The map's keys; an error when this is no map.
    func map() throws(ConformanceError) -> [String: Any] {
        guard let map = value as? [String: Any] else { throw error("expected a map of keys") }
        return map
    }

    /// The child under `name`, or `nil` when the key is absent.
    func optional(_ name: String) throws(ConformanceError) -> ManifestNode? {
        guard let value = try map()[name], !(value is NSNull) else { return nil }
        return ManifestNode(value: value, key: childKey(name), file: file)
    }

    /// The child under `name`; an error when it is absent.
    func required(_ name: String) throws(ConformanceError) -> ManifestNode {
        guard let child = try optional(name) else { throw error("the key \(name) is required", key: childKey(name)) }
        return child
    }

    /// Fails on keys not in `known` (a misspelt key must not be silently ignored).
    func allowKeys(_ known: Set<String>) throws(ConformanceError) {
        for name in try map().keys.sorted() where !known.contains(name) {
            throw error("unknown key \(name) (known: \(known.sorted().joined(separator: ", ")))", key: childKey(name))
        }
    }

    /// The value as text (numbers and booleans are written as YAML wrote them).
    func text() throws(ConformanceError) -> String {
        switch value {
        case let text as String: return text
        case let number as Int: return String(number)
        case let number as Double: return String(number)
        case let flag as Bool: return flag ? "true" : "false"
        default: throw error("expected a text value")
        }
    }

    func int() throws(ConformanceError) -> Int {
        if let number = value as? Int { return number }
        if let text = value as? String, let number = Int(text) { return number }
        throw error("expected a whole number")
    }

    func bool() throws(ConformanceError) -> Bool {
        if let flag = value as? Bool { return flag }
        switch (try text()).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false")
        }
    }

    /// A duration: `500ms`, `2s`, `1.5s`, `1m`, or a bare number of seconds.
    func duration() throws(ConformanceError) -> Duration {
        guard let duration = Self.duration(try text()) else { throw error("expected a duration such as 500ms, 2s or 1m") }
        return duration
    }

    static func duration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (unit, scale) in units where text.hasSuffix(unit) {
            guard let number = Double(text.dropLast(unit.count)), number >= 0 else { return nil }
            return .milliseconds(Int((number * scale * 1000).rounded()))
        }
        guard let seconds = Double(text), seconds >= 0 else { return nil }
        return .milliseconds(Int((seconds * 1000).rounded()))
    }

    /// The items of a list (a single value counts as a list of one).
    func list() -> [ManifestNode] {
        guard let items = value as? [Any] else { return [self] }
        return items.enumerated().map { ManifestNode(value: $1, key: "\(key)[\($0)]", file: file) }
    }

    /// A list of texts (a single text counts as a list of one).
    func texts() throws(ConformanceError) -> [String] {
        var result: [String] = []
        for item in list() { result.append(try item.text()) }
        return result
    }

    /// A map of texts, sorted by key.
    func textMap() throws(ConformanceError) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        for name in try map().keys.sorted() {
            result.append((name, try required(name).text()))
        }
        return result
    }
}
