/// A field, repetition, component or subcomponent of a message: a view onto its bytes.
///
/// Text is decoded only when asked for. ``value`` gives the unescaped text of a leaf and the
/// ER7 text (escapes intact) of an element that still has structure below it.
public struct Element: Sendable, CustomStringConvertible {
    /// The level of an element in the ER7 hierarchy.
    public enum Level: Int, Sendable, Comparable {
        case field, repetition, component, subcomponent

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        var child: Level? { Level(rawValue: rawValue + 1) }
    }

    let storage: [UInt8]
    /// The byte range of the element in its message's storage.
    let range: Range<Int>
    /// The level of this element.
    public let level: Level
    /// The delimiters of the message.
    public let encoding: EncodingCharacters
    /// The character set of the message.
    public let characterSet: CharacterSet
    /// MSH-1 and MSH-2 hold delimiters themselves and are never split or unescaped.
    let isOpaque: Bool

    init(storage: [UInt8], range: Range<Int>, level: Level, encoding: EncodingCharacters, characterSet: CharacterSet, isOpaque: Bool = false) {
        self.storage = storage
        self.range = range
        self.level = level
        self.encoding = encoding
        self.characterSet = characterSet
        self.isOpaque = isOpaque
    }

    /// The delimiter that separates this element's children, if it has a level below.
    private var childDelimiter: UInt8? {
        switch level {
        case .field: encoding.repetition
        case .repetition: encoding.component
        case .component: encoding.subcomponent
        case .subcomponent: nil
        }
    }

    /// Whether the element has no bytes.
    public var isEmpty: Bool { range.isEmpty }

    /// Whether the element is the explicit null `""` (the sender asks to delete the value).
    public var isNull: Bool {
        range.count == 2 && storage[range.lowerBound] == 0x22 && storage[range.lowerBound + 1] == 0x22
    }

    /// Whether the element has no structure below it (no lower-level delimiters in it).
    public var isLeaf: Bool {
        if isOpaque { return true }
        let repetition = encoding.repetition
        let component = encoding.component
        let subcomponent = encoding.subcomponent
        switch level {
        case .field: return !storage[range].contains { $0 == repetition || $0 == component || $0 == subcomponent }
        case .repetition: return !storage[range].contains { $0 == component || $0 == subcomponent }
        case .component: return !storage[range].contains(subcomponent)
        case .subcomponent: return true
        }
    }

    /// The element's bytes as ER7 text, escapes and delimiters intact.
    public var er7: String {
        storage.withUnsafeBufferPointer { characterSet.decode(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// The element's raw bytes.
    public var bytes: ArraySlice<UInt8> { storage[range] }

    /// The unescaped text of a leaf, or the ER7 text of an element with structure below it.
    public var value: String { isLeaf ? text() : er7 }

    /// The unescaped text of the whole element, delimiters inside it left as they are.
    public func text(options: EscapeSequence.Options = .default) -> String {
        if isOpaque { return er7 }
        return storage.withUnsafeBufferPointer {
            EscapeSequence.unescape(UnsafeBufferPointer(rebasing: $0[range]), encoding: encoding, characterSet: characterSet, options: options)
        }
    }

    /// The children one level down: repetitions of a field, components of a repetition,
    /// subcomponents of a component. A subcomponent has none.
    public var children: [Element] {
        guard let childLevel = level.child else { return [] }
        guard !isOpaque, let delimiter = childDelimiter else {
            return [Element(storage: storage, range: range, level: childLevel, encoding: encoding, characterSet: characterSet, isOpaque: true)]
        }
        var result: [Element] = []
        var start = range.lowerBound
        for i in range where storage[i] == delimiter {
            result.append(Element(storage: storage, range: start..<i, level: childLevel, encoding: encoding, characterSet: characterSet))
            start = i + 1
        }
        result.append(Element(storage: storage, range: start..<range.upperBound, level: childLevel, encoding: encoding, characterSet: characterSet))
        return result
    }

    /// Child `number` (1-based), or `nil` when there are fewer.
    public func child(_ number: Int) -> Element? {
        guard number >= 1, let childLevel = level.child else { return nil }
        guard !isOpaque, let delimiter = childDelimiter else {
            return number == 1 ? Element(storage: storage, range: range, level: childLevel, encoding: encoding, characterSet: characterSet, isOpaque: true) : nil
        }
        var start = range.lowerBound
        var seen = 1
        var i = range.lowerBound
        while i < range.upperBound {
            if storage[i] == delimiter {
                if seen == number { return Element(storage: storage, range: start..<i, level: childLevel, encoding: encoding, characterSet: characterSet) }
                seen += 1
                start = i + 1
            }
            i += 1
        }
        return seen == number ? Element(storage: storage, range: start..<range.upperBound, level: childLevel, encoding: encoding, characterSet: characterSet) : nil
    }

    /// The element at `path`, child numbers one level after another (`[2, 1]`: child 2, then
    /// its child 1; `[]`: this element), or `nil` where a child is missing. As ``child(_:)``
    /// level by level, but the bytes are scanned once per level and only the last element is made.
    package func descendant(_ path: [Int]) -> Element? {
        guard !path.isEmpty else { return self }
        var range = self.range
        var level = self.level
        for number in path {
            guard number >= 1, let childLevel = level.child else { return nil }
            if isOpaque {
                guard number == 1 else { return nil }
            } else {
                let delimiter = Self.delimiter(below: level, encoding)
                guard let found = storage.withUnsafeBufferPointer({ Self.childRange(number, in: range, of: $0, delimiter: delimiter) }) else {
                    return nil
                }
                range = found
            }
            level = childLevel
        }
        return Element(storage: storage, range: range, level: level, encoding: encoding, characterSet: characterSet, isOpaque: isOpaque)
    }

    /// Calls `body` with each child in order (what ``children`` lists, without making the
    /// array) until it returns `false`.
    package func forEachChild(_ body: (Element) -> Bool) {
        guard let childLevel = level.child else { return }
        guard !isOpaque, let delimiter = childDelimiter else {
            _ = body(Element(storage: storage, range: range, level: childLevel, encoding: encoding, characterSet: characterSet, isOpaque: true))
            return
        }
        var start = range.lowerBound
        var i = range.lowerBound
        while i < range.upperBound {
            if storage[i] == delimiter {
                guard body(Element(storage: storage, range: start..<i, level: childLevel, encoding: encoding, characterSet: characterSet)) else { return }
                start = i + 1
            }
            i += 1
        }
        _ = body(Element(storage: storage, range: start..<range.upperBound, level: childLevel, encoding: encoding, characterSet: characterSet))
    }

    /// The delimiter between the children of an element at `level` (which has a level below).
    private static func delimiter(below level: Level, _ encoding: EncodingCharacters) -> UInt8 {
        switch level {
        case .field: encoding.repetition
        case .repetition: encoding.component
        case .component, .subcomponent: encoding.subcomponent
        }
    }

    /// The range of child `number` (1-based) of the element at `range`, or `nil` when there are fewer.
    private static func childRange(_ number: Int, in range: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> Range<Int>? {
        var start = range.lowerBound
        var seen = 1
        var i = range.lowerBound
        while i < range.upperBound {
            if bytes[i] == delimiter {
                if seen == number { return start..<i }
                seen += 1
                start = i + 1
            }
            i += 1
        }
        return seen == number ? start..<range.upperBound : nil
    }

    /// The repetitions of a field.
    public var repetitions: [Element] { level == .field ? children : [self] }

    /// Repetition `number` of a field (1-based).
    public func repetition(_ number: Int) -> Element? {
        level == .field ? child(number) : (number == 1 ? self : nil)
    }

    /// Component `number`; on a field, of its first repetition.
    public func component(_ number: Int) -> Element? {
        switch level {
        case .field: child(1)?.child(number)
        case .repetition: child(number)
        case .component, .subcomponent: number == 1 ? self : nil
        }
    }

    /// The components; on a field, of its first repetition.
    public var components: [Element] {
        switch level {
        case .field: child(1)?.children ?? []
        case .repetition: children
        case .component, .subcomponent: [self]
        }
    }

    /// The subcomponents of a component.
    public var subcomponents: [Element] {
        switch level {
        case .component: children
        case .subcomponent: [self]
        case .field, .repetition: component(1)?.children ?? []
        }
    }

    public var description: String { "\(level) element of \(range.count) bytes" }
}
