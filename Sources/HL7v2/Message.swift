/// An HL7 v2 message in ER7 form, indexed but not decoded.
///
/// Parsing records where every segment and field starts; components, repetitions and
/// subcomponents are found, and text is decoded, only when a value is read. Messages parsed from
/// one input share its bytes. A `Message` is a value: edits make a new copy of the bytes.
///
/// ```swift
/// let message = try Message("MSH|^~\\&|LAB|HOSP|||20260101||ORU^R01|42|P|2.5\rPID|1||123^^^HOSP^MR")
/// message.controlID            // "42"
/// message["PID-3.4"]           // "HOSP"
/// ```
public struct Message: Sendable {
    /// The bytes this message was read from (possibly a larger input shared with other messages).
    let storage: [UInt8]
    /// Segment boundaries.
    let records: [SegmentRecord]
    /// Field starts of all segments, as offsets into `storage`.
    let fieldStarts: [UInt32]

    /// The delimiters of this message (MSH-1 and MSH-2).
    public let encodingCharacters: EncodingCharacters
    /// The character set from MSH-18 (UTF-8 when empty).
    public let characterSet: CharacterSet
    /// The segment terminator the message was written with.
    public let segmentTerminator: SegmentTerminator
    /// Problems found while parsing that did not stop it (invalid escapes, bad segment IDs,
    /// bytes that are not valid in the character set). Severity `.error` means the message is
    /// malformed.
    public let issues: [Issue]

    /// Parses exactly one message.
    ///
    /// - Throws: ``ParseError`` when the input has no message header, unusable delimiters, an
    ///   unsupported character set, or more than one message.
    public init(_ bytes: some Sequence<UInt8>) throws(ParseError) {
        let array = Array(bytes)
        guard array.count < Int(UInt32.max) else {
            throw ParseError(.unexpectedData, at: Location(byteOffset: 0), "messages of 4 GiB or more are not supported")
        }
        var scanner = MessageScanner()
        let start = Message.skipPreamble(array)
        guard start < array.count else {
            throw ParseError(.emptyInput, at: Location(byteOffset: 0), "the input holds no message")
        }
        let outcome = array.withUnsafeBufferPointer { scanner.scan($0, from: start) }
        guard case .msh? = array.withUnsafeBufferPointer({ MessageScanner.HeaderKind($0, at: start) }) else {
            throw ParseError(.missingHeader, at: Location(segmentIndex: 1, byteOffset: start), "a message must start with an MSH segment")
        }
        let message = try Message(storage: array, index: outcome.result.get())
        if outcome.end < array.count {
            throw ParseError(.unexpectedData, at: Location(byteOffset: outcome.end), "the input holds more than one message or batch segment")
        }
        self = message
    }

    /// Parses exactly one message from text.
    public init(_ text: String) throws(ParseError) {
        try self.init(Array(text.utf8))
    }

    /// Builds a message from a scan, settling the character set and checking the text.
    init(storage: [UInt8], index: MessageScanner.Index) throws(ParseError) {
        self.storage = storage
        self.records = index.segments
        self.fieldStarts = index.fieldStarts
        self.encodingCharacters = index.encoding
        self.segmentTerminator = index.terminator
        var issues = index.issues
        // MSH-18: the first repetition names the default character set.
        var characterSet = CharacterSet.utf8
        let probe = Message.Probe(storage: storage, records: records, fieldStarts: fieldStarts, encoding: index.encoding)
        if let range = probe.headerFieldRange(18), !range.isEmpty,
            case let name = String(decoding: storage[range].prefix { $0 != index.encoding.repetition }, as: UTF8.self),
            !name.isEmpty
        {
            guard let known = CharacterSet(named: name) else {
                throw ParseError(.unsupportedCharacterSet, at: Location(segment: "MSH", segmentIndex: 1, field: 18, byteOffset: probe.fieldStart(18)), "MSH-18 names a character set this engine does not decode (supported: UNICODE UTF-8, ASCII, 8859/1, 8859/15)")
            }
            characterSet = known
        }
        self.characterSet = characterSet
        if index.sawHighBytes, let first = records.first, let last = records.last {
            let range = Int(first.start)..<Int(last.end)
            let invalid = storage.withUnsafeBufferPointer { characterSet.firstInvalidByte(in: UnsafeBufferPointer(rebasing: $0[range])) }
            if let invalid {
                var location = probe.location(ofByte: range.lowerBound + invalid)
                location.byteOffset = range.lowerBound + invalid
                issues.append(Issue(.invalidText, at: location, "the bytes are not valid \(characterSet.name) text"))
            }
        }
        self.issues = issues
    }

    /// Skips a UTF-8 byte order mark and leading blank lines.
    static func skipPreamble(_ bytes: [UInt8]) -> Int {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < bytes.count, bytes[i] == 0x0D || bytes[i] == 0x0A || bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        return i
    }

    // MARK: Structure

    /// The number of segments.
    public var segmentCount: Int { records.count }

    /// The segments in order.
    public var segments: Segments { Segments(message: self) }

    /// The `occurrence`-th segment with the given ID (1 = first).
    public func segment(_ id: String, occurrence: Int = 1) -> Segment? {
        var seen = 0
        for index in records.indices where segment(at: index, hasID: id) {
            seen += 1
            if seen == occurrence { return Segment(message: self, index: index) }
        }
        return nil
    }

    /// All segments with the given ID, in order.
    public func segments(_ id: String) -> [Segment] {
        records.indices.filter { segment(at: $0, hasID: id) }.map { Segment(message: self, index: $0) }
    }

    /// Whether any issue has severity error.
    public var isMalformed: Bool { issues.contains { $0.severity == .error } }

    /// The ID of segment `index`, e.g. `PID`.
    func segmentID(at index: Int) -> String {
        String(decoding: storage[idRange(of: index)], as: UTF8.self)
    }

    /// Whether segment `index` has the given ID, compared on bytes.
    func segment(at index: Int, hasID id: String) -> Bool {
        storage[idRange(of: index)].elementsEqual(id.utf8)
    }

    /// Whether segment `index` is a header segment (MSH, FHS, BHS). Compared on the bytes
    /// directly: every field read asks.
    func isHeaderSegment(at index: Int) -> Bool {
        let range = idRange(of: index)
        guard range.count == 3 else { return false }
        let (first, second, third) = (storage[range.lowerBound], storage[range.lowerBound + 1], storage[range.lowerBound + 2])
        if first == UInt8(ascii: "M") { return second == UInt8(ascii: "S") && third == UInt8(ascii: "H") }
        return (first == UInt8(ascii: "F") || first == UInt8(ascii: "B")) && second == UInt8(ascii: "H") && third == UInt8(ascii: "S")
    }

    private func idRange(of index: Int) -> Range<Int> {
        let record = records[index]
        let end = record.fieldCount > 1 ? Int(fieldStarts[Int(record.firstField) + 1]) - 1 : Int(record.end)
        return Int(record.start)..<end
    }

    /// The byte range of stored field `k` (0 = ID) of segment `index`.
    func fieldRange(segment index: Int, stored k: Int) -> Range<Int> {
        let record = records[index]
        let base = Int(record.firstField)
        let start = Int(fieldStarts[base + k])
        let end = k + 1 < Int(record.fieldCount) ? Int(fieldStarts[base + k + 1]) - 1 : Int(record.end)
        return start..<end
    }

    // MARK: Header

    /// MSH-9.1, e.g. `ADT`.
    public var messageType: String? { nonEmpty(HeaderPath.messageType) }
    /// MSH-9.2, e.g. `A01`.
    public var triggerEvent: String? { nonEmpty(HeaderPath.triggerEvent) }
    /// MSH-9.3, the message structure, e.g. `ADT_A01`.
    public var structureID: String? { nonEmpty(HeaderPath.structureID) }
    /// MSH-10, the message control ID.
    public var controlID: String? { nonEmpty(HeaderPath.controlID) }
    /// MSH-11.1, the processing ID (`P`, `T`, `D`).
    public var processingID: String? { nonEmpty(HeaderPath.processingID) }
    /// MSH-12.1, the version, e.g. `2.5.1`.
    public var version: String? { nonEmpty(HeaderPath.version) }
    /// MSH-3.1, the sending application.
    public var sendingApplication: String? { nonEmpty(HeaderPath.sendingApplication) }
    /// MSH-4.1, the sending facility.
    public var sendingFacility: String? { nonEmpty(HeaderPath.sendingFacility) }
    /// MSH-5.1, the receiving application.
    public var receivingApplication: String? { nonEmpty(HeaderPath.receivingApplication) }
    /// MSH-6.1, the receiving facility.
    public var receivingFacility: String? { nonEmpty(HeaderPath.receivingFacility) }
    /// MSH-15, the accept acknowledgment type (enhanced mode when present).
    public var acceptAcknowledgmentType: String? { nonEmpty(HeaderPath.acceptAcknowledgmentType) }
    /// MSH-16, the application acknowledgment type (enhanced mode when present).
    public var applicationAcknowledgmentType: String? { nonEmpty(HeaderPath.applicationAcknowledgmentType) }

    /// Header paths, parsed once.
    private enum HeaderPath {
        static let messageType: Path = "MSH-9.1"
        static let triggerEvent: Path = "MSH-9.2"
        static let structureID: Path = "MSH-9.3"
        static let controlID: Path = "MSH-10"
        static let processingID: Path = "MSH-11.1"
        static let version: Path = "MSH-12.1"
        static let sendingApplication: Path = "MSH-3.1"
        static let sendingFacility: Path = "MSH-4.1"
        static let receivingApplication: Path = "MSH-5.1"
        static let receivingFacility: Path = "MSH-6.1"
        static let acceptAcknowledgmentType: Path = "MSH-15"
        static let applicationAcknowledgmentType: Path = "MSH-16"
    }

    private func nonEmpty(_ path: Path) -> String? {
        guard let value = value(at: path), !value.isEmpty else { return nil }
        return value
    }

    // MARK: Encoding

    /// The message as ER7 bytes, each segment followed by `terminator`.
    ///
    /// A message that was parsed and not edited encodes to its input byte for byte, apart from
    /// the segment terminators and blank lines.
    public func encoded(terminator: SegmentTerminator = .cr) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(byteCount + records.count * terminator.bytes.count)
        for record in records {
            output.append(contentsOf: storage[Int(record.start)..<Int(record.end)])
            output.append(contentsOf: terminator.bytes)
        }
        return output
    }

    /// The message as ER7 text.
    public func er7(terminator: SegmentTerminator = .cr) -> String {
        String(decoding: encoded(terminator: terminator), as: UTF8.self)
    }

    /// The number of bytes of the segments (terminators not counted).
    public var byteCount: Int { records.reduce(0) { $0 + Int($1.end - $1.start) } }

    /// The offset of the message in the input it was parsed from.
    public var inputOffset: Int { records.first.map { Int($0.start) } ?? 0 }
}

extension Message {
    /// A minimal view used before the message is complete (to read MSH-18 and locate bytes).
    struct Probe {
        let storage: [UInt8]
        let records: [SegmentRecord]
        let fieldStarts: [UInt32]
        let encoding: EncodingCharacters

        func fieldStart(_ n: Int) -> Int? {
            guard let record = records.first, n - 1 < Int(record.fieldCount) else { return nil }
            return Int(fieldStarts[Int(record.firstField) + n - 1])
        }

        /// The byte range of MSH-`n` (n ≥ 2), or `nil` when the segment is shorter.
        func headerFieldRange(_ n: Int) -> Range<Int>? {
            guard let record = records.first, n - 1 < Int(record.fieldCount) else { return nil }
            let base = Int(record.firstField)
            let start = Int(fieldStarts[base + n - 1])
            let end = n < Int(record.fieldCount) ? Int(fieldStarts[base + n]) - 1 : Int(record.end)
            return start..<end
        }

        func location(ofByte offset: Int) -> Location {
            for (index, record) in records.enumerated() where offset < Int(record.end) || index == records.count - 1 {
                let base = Int(record.firstField)
                var stored = 0
                while stored + 1 < Int(record.fieldCount), Int(fieldStarts[base + stored + 1]) <= offset { stored += 1 }
                let idEnd = record.fieldCount > 1 ? Int(fieldStarts[base + 1]) - 1 : Int(record.end)
                let id = String(decoding: storage[Int(record.start)..<idEnd], as: UTF8.self)
                let isHeader = id == "MSH" || id == "FHS" || id == "BHS"
                return Location(segment: id, segmentIndex: index + 1, field: isHeader ? stored + 1 : stored)
            }
            return Location()
        }
    }
}
