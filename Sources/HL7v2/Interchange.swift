/// Everything in one input: an optional file (FHS … FTS) of batches (BHS … BTS) of messages,
/// or just messages one after another.
///
/// Parsing never throws: each message that cannot be parsed becomes an entry in ``errors`` with
/// its location, and parsing resumes at the next MSH, BHS or FHS.
///
/// ```swift
/// let input = Interchange(parsing: bytes)
/// for message in input.messages { … }
/// for error in input.errors { print(error) }
/// ```
public struct Interchange: Sendable {
    /// The FHS segment, when present.
    public var fileHeader: Segment?
    /// The batches; messages outside any BHS form an implicit batch.
    public var batches: [Batch]
    /// The FTS segment, when present.
    public var fileTrailer: Segment?
    /// Messages or segments that could not be parsed, with their locations.
    public var errors: [ParseError]

    /// All messages of all batches, in order.
    public var messages: [Message] { batches.flatMap(\.messages) }

    /// Parses an input of any size.
    public init(parsing bytes: [UInt8]) {
        self.init(parsing: bytes, keepMessages: true) { _ in }
    }

    /// Parses an input, handing each message to `body` as it is parsed.
    ///
    /// With `keepMessages: false` the messages are not collected in ``batches`` (their counts
    /// are), so a large input is parsed in constant memory.
    public init(parsing bytes: [UInt8], keepMessages: Bool, _ body: (Message) -> Void) {
        fileHeader = nil
        fileTrailer = nil
        batches = []
        errors = []
        guard bytes.count < Int(UInt32.max) else {
            errors.append(ParseError(.unexpectedData, at: Location(byteOffset: 0), "inputs of 4 GiB or more are not supported"))
            return
        }
        var scanner = MessageScanner()
        var delimiters = EncodingCharacters.standard
        var open: Batch? = nil
        var openHasHeader = false
        var lineMap: LineMap? = nil
        /// The line of an offset; the map is built at the first error only.
        func line(of offset: Int) -> Int {
            if lineMap == nil { lineMap = LineMap(bytes) }
            return lineMap!.line(of: offset)
        }
        var sawContent = false
        var i = Message.skipPreamble(bytes)
        if i >= bytes.count {
            errors.append(ParseError(.emptyInput, at: Location(byteOffset: 0, line: 1), "the input holds no message"))
            return
        }

        func closeBatch() {
            if let batch = open { batches.append(batch) }
            open = nil
            openHasHeader = false
        }

        while i < bytes.count {
            let kind = bytes.withUnsafeBufferPointer { MessageScanner.HeaderKind($0, at: i) }
            guard let kind else {
                let next = bytes.withUnsafeBufferPointer { MessageScanner.nextHeader($0, after: i) }
                errors.append(ParseError(.missingHeader, at: Location(byteOffset: i, line: line(of: i)), "segment received before a message header (MSH)"))
                i = next
                continue
            }
            let single = kind != .msh
            let outcome = bytes.withUnsafeBufferPointer { scanner.scan($0, from: i, single: single, inherited: delimiters) }
            let start = i
            i = outcome.end
            let message: Message
            do {
                message = try Message(storage: bytes, index: outcome.result.get())
            } catch {
                var error = error
                error.location.line = line(of: error.location.byteOffset ?? start)
                errors.append(error)
                continue
            }
            if kind.definesDelimiters { delimiters = message.encodingCharacters }
            let segment = Segment(message: message, index: 0)
            switch kind {
            case .msh:
                if open == nil { open = Batch() }
                if keepMessages { open?.messages.append(message) }
                body(message)
                sawContent = true
            case .fhs:
                if fileHeader != nil || sawContent {
                    errors.append(ParseError(.batchStructure, at: Location(segment: "FHS", byteOffset: start, line: line(of: start)), "a file cannot have more than one FHS segment, and FHS must come first"))
                } else {
                    fileHeader = segment
                }
            case .bhs:
                if openHasHeader && (open?.trailer == nil) {
                    errors.append(ParseError(.batchStructure, at: Location(segment: "BHS", byteOffset: start, line: line(of: start)), "a batch cannot have more than one BHS segment (BTS missing before the next BHS)"))
                    closeBatch()
                }
                closeBatch()
                open = Batch(header: segment)
                openHasHeader = true
                sawContent = true
            case .bts:
                if open == nil { open = Batch() }
                open?.trailer = segment
                closeBatch()
                sawContent = true
            case .fts:
                closeBatch()
                fileTrailer = segment
                sawContent = true
            }
        }
        closeBatch()
    }
}
