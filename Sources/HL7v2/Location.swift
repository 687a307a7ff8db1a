/// Where in a message (and in its input) something is.
///
/// All positions are 1-based, as HL7 numbers them. The description never contains a value from
/// the message, only positions, so locations are safe to log.
public struct Location: Hashable, Sendable, CustomStringConvertible {
    /// The segment ID, e.g. `PID`.
    public var segment: String?
    /// The position of the segment in its message (1 = MSH).
    public var segmentIndex: Int?
    /// The field number (`PID-3` → 3).
    public var field: Int?
    /// The repetition of the field (1 = first).
    public var repetition: Int?
    /// The component number.
    public var component: Int?
    /// The subcomponent number.
    public var subcomponent: Int?
    /// The byte offset in the parsed input.
    public var byteOffset: Int?
    /// The line in the parsed input (segments count as lines), when known.
    public var line: Int?

    /// Creates a location.
    public init(
        segment: String? = nil,
        segmentIndex: Int? = nil,
        field: Int? = nil,
        repetition: Int? = nil,
        component: Int? = nil,
        subcomponent: Int? = nil,
        byteOffset: Int? = nil,
        line: Int? = nil
    ) {
        self.segment = segment
        self.segmentIndex = segmentIndex
        self.field = field
        self.repetition = repetition
        self.component = component
        self.subcomponent = subcomponent
        self.byteOffset = byteOffset
        self.line = line
    }

    /// The HL7 path of this location, e.g. `PID-3(2).1`, or `nil` when it has no segment.
    public var path: String? {
        guard let segment else { return nil }
        var text = segment
        guard let field else { return text }
        text += "-\(field)"
        if let repetition, repetition != 1 { text += "(\(repetition))" }
        if let component { text += ".\(component)" }
        if let subcomponent { text += ".\(subcomponent)" }
        return text
    }

    public var description: String {
        var parts: [String] = []
        if let path { parts.append(path) }
        var position: [String] = []
        if let segmentIndex { position.append("segment \(segmentIndex)") }
        if let line { position.append("line \(line)") }
        if let byteOffset { position.append("byte \(byteOffset)") }
        if !position.isEmpty { parts.append("(" + position.joined(separator: ", ") + ")") }
        return parts.isEmpty ? "(unknown location)" : parts.joined(separator: " ")
    }
}
