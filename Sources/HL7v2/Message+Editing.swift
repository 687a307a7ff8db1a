extension Message {
    /// Sets the value at a path, escaping it; missing fields, repetitions and components are
    /// added. A path to the segment occurrence just past the last one appends that segment.
    ///
    /// ```swift
    /// try message.setValue("NGUYỄN", at: "PID-5.1")
    /// try message.setValue("A|B", at: "NTE-3")      // written as A\F\B
    /// ```
    ///
    /// - Throws: ``ParseError`` with ``ErrorCode/invalidPath`` for MSH-1/MSH-2 or an occurrence
    ///   beyond the next one.
    public mutating func setValue(_ value: String, at path: Path) throws(ParseError) {
        let bytes = EscapeSequence.escape(value, encoding: encodingCharacters, characterSet: characterSet)
        try replace(at: path, with: bytes)
    }

    /// Sets ER7 text (escapes and lower-level delimiters included) at a path, e.g. a whole
    /// composite `DOE^JOHN` at `PID-5`.
    ///
    /// - Throws: ``ParseError`` with ``ErrorCode/unexpectedData`` when the text holds delimiters
    ///   of the path's level or above (or line breaks).
    public mutating func setER7(_ er7: String, at path: Path) throws(ParseError) {
        var bytes: [UInt8] = []
        for scalar in er7.unicodeScalars where !characterSet.encode(scalar, into: &bytes) {
            throw ParseError(.invalidText, at: path.location, "the ER7 text holds a character that \(characterSet.name) cannot represent; use setValue, which escapes it")
        }
        let e = encodingCharacters
        var forbidden: Set<UInt8> = [e.field, 0x0D, 0x0A]
        if path.repetition != nil || path.component != nil { forbidden.insert(e.repetition) }
        if path.component != nil { forbidden.insert(e.component) }
        if path.subcomponent != nil { forbidden.insert(e.subcomponent) }
        if bytes.contains(where: forbidden.contains) {
            throw ParseError(.unexpectedData, at: path.location, "the ER7 text holds a delimiter that does not fit the level of \(path)")
        }
        try replace(at: path, with: bytes)
    }

    /// Appends a segment given as ER7 text with this message's delimiters (no terminator).
    public mutating func appendSegment(_ er7: String) throws(ParseError) {
        try insertSegment(er7, at: segmentCount)
    }

    /// Inserts a segment given as ER7 text at a position (0 = before MSH is not allowed).
    public mutating func insertSegment(_ er7: String, at index: Int) throws(ParseError) {
        let bytes = Array(er7.utf8)
        guard index >= 1, index <= segmentCount else {
            throw ParseError(.invalidPath, at: Location(segmentIndex: index + 1), "a segment can be inserted after MSH and at most at the end")
        }
        guard bytes.count >= 3, !bytes.contains(0x0D), !bytes.contains(0x0A),
            bytes.prefix(3).allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }),
            bytes.count == 3 || bytes[3] == encodingCharacters.field
        else {
            throw ParseError(.invalidSegmentID, at: Location(segmentIndex: index + 1), "a segment is a three-character upper-case ID followed by its fields, on one line")
        }
        guard !["MSH", "FHS", "BHS", "BTS", "FTS"].contains(String(decoding: bytes.prefix(3), as: UTF8.self)) else {
            throw ParseError(.invalidSegmentID, at: Location(segmentIndex: index + 1), "header and trailer segments cannot be inserted into a message")
        }
        var segments = segmentBytes()
        segments.insert(bytes, at: index)
        try rebuild(segments)
    }

    /// Removes the segment at a position (MSH cannot be removed).
    public mutating func removeSegment(at index: Int) throws(ParseError) {
        guard index >= 1, index < segmentCount else {
            throw ParseError(.invalidPath, at: Location(segmentIndex: index + 1), "no removable segment at this position (MSH stays)")
        }
        var segments = segmentBytes()
        segments.remove(at: index)
        try rebuild(segments)
    }

    /// Removes every segment with the given ID (not MSH).
    public mutating func removeSegments(_ id: String) throws(ParseError) {
        guard id != "MSH" else {
            throw ParseError(.invalidPath, at: Location(segment: "MSH"), "MSH cannot be removed")
        }
        let kept = segments.filter { $0.id != id }.map { Array(storage[$0.byteRange]) }
        try rebuild(kept)
    }

    // MARK: Implementation

    private func segmentBytes() -> [[UInt8]] {
        records.map { Array(storage[Int($0.start)..<Int($0.end)]) }
    }

    private mutating func replace(at path: Path, with value: [UInt8]) throws(ParseError) {
        let e = encodingCharacters
        let isHeader = ["MSH", "FHS", "BHS"].contains(path.segment)
        if isHeader && path.field <= 2 {
            throw ParseError(.invalidPath, at: path.location, "the delimiters in fields 1 and 2 of a header segment cannot be set")
        }
        var segments = segmentBytes()
        var index: Int
        if let existing = segment(path.segment, occurrence: path.occurrence) {
            index = existing.index
        } else if path.occurrence == self.segments(path.segment).count + 1, !isHeader {
            guard path.segment.utf8.count == 3,
                path.segment.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) })
            else {
                throw ParseError(.invalidSegmentID, at: path.location, "a segment ID is three upper-case letters or digits")
            }
            segments.append(Array(path.segment.utf8))
            index = segments.count - 1
        } else {
            throw ParseError(.invalidPath, at: path.location, "the message has fewer occurrences of the segment than the path names")
        }
        // In a header segment the first split piece after the ID is field 2.
        let fieldPiece = isHeader ? path.field - 1 : path.field
        segments[index] = Self.replacing(piece: fieldPiece, of: segments[index], separator: e.field) { field in
            guard path.repetition != nil || path.component != nil else { return value }
            return Self.replacing(piece: (path.repetition ?? 1) - 1, of: field, separator: e.repetition) { repetition in
                guard let component = path.component else { return value }
                return Self.replacing(piece: component - 1, of: repetition, separator: e.component) { componentBytes in
                    guard let subcomponent = path.subcomponent else { return value }
                    return Self.replacing(piece: subcomponent - 1, of: componentBytes, separator: e.subcomponent) { _ in value }
                }
            }
        }
        try rebuild(segments)
    }

    /// Splits `bytes` on `separator`, pads to `piece + 1` pieces, transforms that piece, joins.
    private static func replacing(piece: Int, of bytes: [UInt8], separator: UInt8, _ transform: ([UInt8]) -> [UInt8]) -> [UInt8] {
        var pieces = bytes.split(separator: separator, omittingEmptySubsequences: false).map(Array.init)
        while pieces.count <= piece { pieces.append([]) }
        pieces[piece] = transform(pieces[piece])
        return Array(pieces.joined(separator: [separator]))
    }

    /// Replaces the message with one built from the given segments, re-indexed.
    private mutating func rebuild(_ segments: [[UInt8]]) throws(ParseError) {
        let terminator = segmentTerminator
        var bytes: [UInt8] = []
        bytes.reserveCapacity(segments.reduce(0) { $0 + $1.count + terminator.bytes.count })
        for segment in segments {
            bytes.append(contentsOf: segment)
            bytes.append(contentsOf: terminator.bytes)
        }
        var scanner = MessageScanner()
        let outcome = bytes.withUnsafeBufferPointer { scanner.scan($0, from: 0) }
        guard outcome.end == bytes.count else {
            throw ParseError(.unexpectedData, at: Location(byteOffset: outcome.end), "the edit would split the message in two")
        }
        self = try Message(storage: bytes, index: outcome.result.get())
    }
}
