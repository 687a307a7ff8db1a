/// One segment of a ``Message``: a view, not a copy.
public struct Segment: Sendable, CustomStringConvertible {
    /// The message the segment belongs to.
    public let message: Message
    /// The position of the segment in the message, from 0.
    public let index: Int

    /// The segment ID, e.g. `PID`.
    public var id: String { message.segmentID(at: index) }

    /// Whether this is a header segment (MSH, FHS, BHS), whose field 1 is the field separator
    /// and field 2 the encoding characters.
    public var isHeader: Bool { message.isHeaderSegment(at: index) }

    /// The number of the last field present (`PID|1||x` has 3).
    public var fieldCount: Int {
        let stored = Int(message.records[index].fieldCount)
        return isHeader ? stored : stored - 1
    }

    /// Field `number` (1-based, as in `PID-3`), or `nil` when the segment has fewer fields.
    public func field(_ number: Int) -> Element? {
        guard number >= 1, number <= fieldCount else { return nil }
        if isHeader {
            if number == 1 {
                let start = Int(message.records[index].start) + 3
                return element(start..<(start + 1), opaque: true)
            }
            return element(message.fieldRange(segment: index, stored: number - 1), opaque: number == 2)
        }
        return element(message.fieldRange(segment: index, stored: number), opaque: false)
    }

    /// Field `number` (1-based).
    public subscript(_ number: Int) -> Element? { field(number) }

    /// All fields, from field 1.
    public var fields: [Element] { (1...max(fieldCount, 1)).compactMap(field) }

    /// The segment as ER7 text, without its terminator.
    public var er7: String {
        let record = message.records[index]
        return String(decoding: message.storage[Int(record.start)..<Int(record.end)], as: UTF8.self)
    }

    /// The byte range of the segment in ``Message/storage``.
    var byteRange: Range<Int> {
        let record = message.records[index]
        return Int(record.start)..<Int(record.end)
    }

    public var description: String { "\(id) segment \(index + 1)" }

    private func element(_ range: Range<Int>, opaque: Bool) -> Element {
        Element(storage: message.storage, range: range, level: .field, encoding: message.encodingCharacters, characterSet: message.characterSet, isOpaque: opaque)
    }
}

extension Message {
    /// The segments of a message as a random-access collection.
    public struct Segments: RandomAccessCollection, Sendable {
        let message: Message
        public var startIndex: Int { 0 }
        public var endIndex: Int { message.records.count }
        public subscript(position: Int) -> Segment { Segment(message: message, index: position) }
    }
}
