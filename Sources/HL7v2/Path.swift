/// A location in a message written as HL7 people write it: `PID-3`, `PID-3(2).1`, `OBX[3]-5`,
/// `MSH-9.2`, `PID-3.4.2`.
///
/// `SEG[occurrence]-field(repetition).component.subcomponent`; everything is 1-based and
/// everything after the field number is optional.
public struct Path: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The segment ID.
    public var segment: String
    /// Which occurrence of the segment (1 = first).
    public var occurrence: Int
    /// The field number.
    public var field: Int
    /// The repetition, when given.
    public var repetition: Int?
    /// The component, when given.
    public var component: Int?
    /// The subcomponent, when given.
    public var subcomponent: Int?

    /// Creates a path from its parts.
    public init(segment: String, occurrence: Int = 1, field: Int, repetition: Int? = nil, component: Int? = nil, subcomponent: Int? = nil) {
        self.segment = segment
        self.occurrence = occurrence
        self.field = field
        self.repetition = repetition
        self.component = component
        self.subcomponent = subcomponent
    }

    /// Parses a path such as `PID-3(2).1`.
    public init(_ text: String) throws(ParseError) {
        var bytes = Array(text.utf8)[...]
        func fail(_ reason: String) -> ParseError {
            ParseError(.invalidPath, at: Location(), "invalid path: \(reason)")
        }
        func number() -> Int? {
            var value = 0
            var digits = 0
            while let b = bytes.first, b >= 0x30, b <= 0x39 {
                value = value * 10 + Int(b - 0x30)
                digits += 1
                bytes.removeFirst()
                if digits > 6 { return nil }
            }
            return digits == 0 ? nil : value
        }
        guard bytes.count >= 3 else { throw fail("a path starts with a three-character segment ID") }
        let id = bytes.prefix(3)
        guard id.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }) else {
            throw fail("a path starts with a three-character upper-case segment ID")
        }
        segment = String(decoding: id, as: UTF8.self)
        bytes.removeFirst(3)
        occurrence = 1
        if bytes.first == UInt8(ascii: "[") {
            bytes.removeFirst()
            guard let n = number(), n >= 1, bytes.first == UInt8(ascii: "]") else { throw fail("expected [n] with n ≥ 1 after the segment ID") }
            bytes.removeFirst()
            occurrence = n
        }
        guard bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: ".") else { throw fail("expected '-' and a field number after the segment") }
        bytes.removeFirst()
        guard let f = number(), f >= 1 else { throw fail("expected a field number ≥ 1") }
        field = f
        repetition = nil
        component = nil
        subcomponent = nil
        if bytes.first == UInt8(ascii: "(") {
            bytes.removeFirst()
            guard let r = number(), r >= 1, bytes.first == UInt8(ascii: ")") else { throw fail("expected (n) with n ≥ 1 after the field") }
            bytes.removeFirst()
            repetition = r
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes.removeFirst()
            guard let c = number(), c >= 1 else { throw fail("expected a component number ≥ 1") }
            component = c
            if bytes.first == UInt8(ascii: ".") {
                bytes.removeFirst()
                guard let s = number(), s >= 1 else { throw fail("expected a subcomponent number ≥ 1") }
                subcomponent = s
            }
        }
        guard bytes.isEmpty else { throw fail("unexpected characters after the path") }
    }

    /// Creates a path from a literal; an invalid literal is a programming error.
    public init(stringLiteral value: String) {
        do {
            try self.init(value)
        } catch {
            preconditionFailure("invalid HL7 path literal '\(value)': \(error)")
        }
    }

    public var description: String {
        var text = segment
        if occurrence != 1 { text += "[\(occurrence)]" }
        text += "-\(field)"
        if let repetition { text += "(\(repetition))" }
        if let component { text += ".\(component)" }
        if let subcomponent { text += ".\(subcomponent)" }
        return text
    }

    /// The location this path names, for error reports.
    public var location: Location {
        Location(segment: segment, field: field, repetition: repetition, component: component, subcomponent: subcomponent)
    }
}

extension Message {
    /// The element a path names, or `nil` when the message does not have it.
    public func element(at path: Path) -> Element? {
        guard let segment = segment(path.segment, occurrence: path.occurrence),
            let field = segment.field(path.field)
        else { return nil }
        guard path.repetition != nil || path.component != nil else { return field }
        guard let repetition = field.repetition(path.repetition ?? 1) else { return nil }
        guard let componentNumber = path.component else { return repetition }
        guard let component = repetition.child(componentNumber) else { return nil }
        guard let subcomponentNumber = path.subcomponent else { return component }
        return component.child(subcomponentNumber)
    }

    /// The value at a path: unescaped text for a leaf, ER7 text for an element with structure
    /// below it, `nil` when the message does not have it.
    public func value(at path: Path) -> String? {
        element(at: path)?.value
    }

    /// The value at a path written as text (`message["PID-3(2).1"]`); `nil` for a path that does
    /// not parse or is not in the message.
    public subscript(path: String) -> String? {
        guard let parsed = try? Path(path) else { return nil }
        return value(at: parsed)
    }
}
