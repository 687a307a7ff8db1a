import HL7v2

/// An HL7 v2 segment while a FHIR → HL7 v2 map builds it: fields of repetitions of values, each
/// value text or components (whose components are subcomponents), written as ER7 at the end with
/// the delimiters in values escaped.
struct SegmentBuilder: Sendable {
    /// One repetition, component or subcomponent.
    struct Value: Sendable, Hashable {
        var text: String?
        /// Component 1 is `components[0]`.
        var components: [Value] = []

        static let empty = Value()

        init(text: String? = nil) {
            self.text = text
        }

        var isEmpty: Bool { (text ?? "").isEmpty && components.allSatisfy(\.isEmpty) }

        /// Sets the value at a component path (`[]`: this value), replacing what was there; a
        /// value that was text becomes its own first component.
        mutating func set(_ value: Value, at path: ArraySlice<Int>) {
            guard let first = path.first else {
                self = value
                return
            }
            if components.isEmpty, let text, !text.isEmpty { components = [Value(text: text)] }
            text = nil
            while components.count < first { components.append(.empty) }
            components[first - 1].set(value, at: path.dropFirst())
        }

        /// The value at a component path, when there is one.
        func value(at path: ArraySlice<Int>) -> Value? {
            guard let first = path.first else { return self }
            if components.isEmpty { return first == 1 && path.count == 1 && text != nil ? Value(text: text) : nil }
            return components.indices.contains(first - 1) ? components[first - 1].value(at: path.dropFirst()) : nil
        }

        /// ER7 at a depth: 0 a repetition (components by `^`), 1 a component (subcomponents by
        /// `&`), 2 a subcomponent (text only: anything deeper keeps its first text).
        func write(depth: Int, encoding: EncodingCharacters, into output: inout [UInt8]) {
            guard !components.isEmpty else {
                if let text { output += EscapeSequence.escape(text, encoding: encoding) }
                return
            }
            guard depth < 2 else {
                components.first?.write(depth: depth, encoding: encoding, into: &output)
                return
            }
            let separator = depth == 0 ? encoding.component : encoding.subcomponent
            let last = components.lastIndex { !$0.isEmpty } ?? -1
            for index in 0...max(last, 0) where index < components.count {
                if index > 0 { output.append(separator) }
                components[index].write(depth: depth + 1, encoding: encoding, into: &output)
            }
        }
    }

    /// The segment ID.
    let id: String
    /// Field `n` is `fields[n - 1]`, its repetitions. MSH-1 and MSH-2 (the delimiters) are
    /// written from the encoding characters.
    var fields: [[Value]] = []

    init(id: String) {
        self.id = id
    }

    /// Replaces a field's repetitions.
    mutating func set(field: Int, repetitions: [Value]) {
        while fields.count < field { fields.append([]) }
        fields[field - 1] = repetitions
    }

    /// Sets a component path of a field's first repetition.
    mutating func set(_ value: Value, field: Int, components: [Int]) {
        while fields.count < field { fields.append([]) }
        if fields[field - 1].isEmpty { fields[field - 1] = [.empty] }
        fields[field - 1][0].set(value, at: components[...])
    }

    /// Whether a field has a non-empty value.
    func isEmpty(field: Int) -> Bool {
        !fields.indices.contains(field - 1) || fields[field - 1].allSatisfy(\.isEmpty)
    }

    /// The segment as ER7 (without a terminator).
    func er7(encoding: EncodingCharacters) -> [UInt8] {
        var output = Array(id.utf8)
        var fields = self.fields
        let first: Int
        if id == "MSH" {
            output.append(encoding.field)
            output += encoding.msh2
            first = 3
        } else {
            first = 1
        }
        while let last = fields.last, last.allSatisfy(\.isEmpty), fields.count >= first { fields.removeLast() }
        guard fields.count >= first else { return output }
        for number in first...fields.count {
            output.append(encoding.field)
            let repetitions = fields[number - 1]
            let last = repetitions.lastIndex { !$0.isEmpty } ?? -1
            for index in 0...max(last, 0) where index < repetitions.count {
                if index > 0 { output.append(encoding.repetition) }
                repetitions[index].write(depth: 0, encoding: encoding, into: &output)
            }
        }
        return output
    }
}
