public import HL7v2

/// One test of a message value, written as in channel configurations: `PID-8 = F`,
/// `MSH-4.1 != TEST`, `PV1-2 in (I, E)`, `PID-3 exists`, `PID-29 missing`.
///
/// Values are compared after unescaping; a value may be quoted (`"A B"`) to keep spaces.
public struct FilterCondition: Hashable, Sendable, CustomStringConvertible {
    /// How the value at the path is tested.
    public enum Test: Hashable, Sendable {
        /// Equal to the value.
        case equals(String)
        /// Present and not equal to the value, or absent.
        case notEquals(String)
        /// Equal to one of the values.
        case oneOf([String])
        /// Present and not empty.
        case exists
        /// Absent or empty.
        case missing
    }

    /// The value tested.
    public var path: Path
    /// The test.
    public var test: Test

    /// Creates a condition.
    public init(path: Path, test: Test) {
        self.path = path
        self.test = test
    }

    /// Parses a condition such as `PID-8 = F`.
    public init(_ text: String) throws(FilterError) {
        var rest = Substring(text).drop { $0 == " " }
        let pathText = rest.prefix { $0 != " " && $0 != "=" && $0 != "!" }
        rest = rest.dropFirst(pathText.count).drop { $0 == " " }
        do {
            path = try Path(String(pathText))
        } catch {
            throw FilterError(condition: text, reason: "\(error.message)")
        }
        if rest.hasPrefix("!=") {
            test = .notEquals(try Self.value(rest.dropFirst(2), in: text))
        } else if rest.hasPrefix("=") {
            test = .equals(try Self.value(rest.dropFirst(1), in: text))
        } else if rest.hasPrefix("in ") || rest.hasPrefix("in(") {
            let list = rest.dropFirst(2).trimmingSpaces()
            guard list.first == "(", list.last == ")" else {
                throw FilterError(condition: text, reason: "'in' takes a list in parentheses: in (A, B)")
            }
            let items = list.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
            var values: [String] = []
            for item in items { values.append(try Self.value(item, in: text)) }
            test = .oneOf(values)
        } else if rest.trimmingSpaces() == "exists" {
            test = .exists
        } else if rest.trimmingSpaces() == "missing" {
            test = .missing
        } else {
            throw FilterError(condition: text, reason: "expected =, !=, in (…), exists or missing after the path")
        }
    }

    private static func value(_ raw: Substring, in text: String) throws(FilterError) -> String {
        let trimmed = raw.trimmingSpaces()
        if trimmed.first == "\"" {
            guard trimmed.count >= 2, trimmed.last == "\"" else {
                throw FilterError(condition: text, reason: "unterminated quoted value")
            }
            return String(trimmed.dropFirst().dropLast())
        }
        guard !trimmed.isEmpty else { throw FilterError(condition: text, reason: "missing value") }
        return String(trimmed)
    }

    /// Whether the message passes the test.
    public func matches(_ message: Message) -> Bool {
        let value = message.value(at: path)
        switch test {
        case .equals(let expected): return value == expected
        case .notEquals(let expected): return value != expected
        case .oneOf(let values): return value.map(values.contains) ?? false
        case .exists: return !(value ?? "").isEmpty
        case .missing: return (value ?? "").isEmpty
        }
    }

    public var description: String {
        switch test {
        case .equals(let value): "\(path) = \(value)"
        case .notEquals(let value): "\(path) != \(value)"
        case .oneOf(let values): "\(path) in (\(values.joined(separator: ", ")))"
        case .exists: "\(path) exists"
        case .missing: "\(path) missing"
        }
    }
}

/// A filter or condition that cannot be read; names the text and the reason.
public struct FilterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The condition as written in the configuration.
    public var condition: String
    /// What is wrong with it.
    public var reason: String

    public var description: String { "invalid filter condition '\(condition)': \(reason)" }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var slice = self
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return slice
    }
}
