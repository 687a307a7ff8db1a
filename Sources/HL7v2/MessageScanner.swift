/// The single pass that indexes a message: segment boundaries, field boundaries and escape
/// sequences, with every problem located. Values are not decoded here.
struct MessageScanner {
    /// Which segment IDs start something new (a message, a batch or a file).
    enum HeaderKind: Sendable {
        case msh, fhs, bhs, bts, fts

        init?(_ p: UnsafeBufferPointer<UInt8>, at i: Int) {
            guard i + 3 <= p.count else { return nil }
            let a = p[i]
            let b = p[i + 1]
            let c = p[i + 2]
            switch (a, b, c) {
            case (0x4D, 0x53, 0x48): self = .msh  // MSH
            case (0x46, 0x48, 0x53): self = .fhs  // FHS
            case (0x42, 0x48, 0x53): self = .bhs  // BHS
            case (0x42, 0x54, 0x53): self = .bts  // BTS
            case (0x46, 0x54, 0x53): self = .fts  // FTS
            default: return nil
            }
        }

        /// Header segments carry their own delimiters in fields 1 and 2.
        var definesDelimiters: Bool { self == .msh || self == .fhs || self == .bhs }
    }

    /// Byte classes used by the hot loop.
    private static let plain: UInt8 = 0
    private static let fieldClass: UInt8 = 1
    private static let escapeClass: UInt8 = 2
    private static let crClass: UInt8 = 3
    private static let lfClass: UInt8 = 4
    private static let highClass: UInt8 = 5

    /// What a scan produced.
    struct Index: Sendable {
        var encoding: EncodingCharacters
        var segments: [SegmentRecord]
        var fieldStarts: [UInt32]
        var issues: [Issue]
        var terminator: SegmentTerminator
        var sawHighBytes: Bool
    }

    /// The result of a scan and where the next one starts.
    struct Outcome {
        var result: Result<Index, ParseError>
        var end: Int
    }

    private var table: [UInt8] = []
    private let scratch = Scratch()
    private var tableKey: EncodingCharacters?

    init() {}

    /// Classifies bytes for one set of delimiters; reused while the delimiters stay the same.
    private mutating func prepareTable(for encoding: EncodingCharacters) {
        if tableKey == encoding { return }
        var t = [UInt8](repeating: Self.plain, count: 256)
        for b in 0x80...0xFF { t[b] = Self.highClass }
        t[Int(encoding.field)] = Self.fieldClass
        t[Int(encoding.escape)] = Self.escapeClass
        t[0x0D] = Self.crClass
        t[0x0A] = Self.lfClass
        table = t
        tableKey = encoding
    }

    /// Indexes the message (or the single header/trailer segment) that starts at `start`.
    ///
    /// - Parameters:
    ///   - p: the whole input.
    ///   - start: the first byte of the first segment.
    ///   - single: index only one segment (FHS, BHS, BTS, FTS).
    ///   - inherited: delimiters for segments that do not define their own (BTS, FTS).
    mutating func scan(
        _ p: UnsafeBufferPointer<UInt8>,
        from start: Int,
        single: Bool = false,
        inherited: EncodingCharacters = .standard
    ) -> Outcome {
        let n = p.count
        let kind = HeaderKind(p, at: start)
        var encoding = inherited
        var issues: [Issue] = []
        var i = start

        // Delimiters from MSH-1 / MSH-2.
        var firstFieldBodyStart: Int? = nil
        if let kind, kind.definesDelimiters {
            guard start + 3 < n, p[start + 3] != 0x0D, p[start + 3] != 0x0A else {
                let end = Self.nextHeader(p, after: start)
                return Outcome(
                    result: .failure(ParseError(.invalidEncodingCharacters, at: Location(segment: Self.id(kind), segmentIndex: 1, field: 1, byteOffset: start), "the header segment ends before its field separator")),
                    end: end)
            }
            let field = p[start + 3]
            var j = start + 4
            while j < n, p[j] != field, p[j] != 0x0D, p[j] != 0x0A { j += 1 }
            let reading = EncodingCharacters.read(field: field, msh2: UnsafeBufferPointer(rebasing: p[(start + 4)..<j]))
            switch reading {
            case .failure(let rejection):
                let end = Self.nextHeader(p, after: start)
                return Outcome(
                    result: .failure(ParseError(.invalidEncodingCharacters, at: Location(segment: Self.id(kind), segmentIndex: 1, field: 2, byteOffset: start + 4), rejection.reason)),
                    end: end)
            case .success(let value):
                encoding = value.characters
                if let warning = value.warning {
                    issues.append(Issue(.invalidEncodingCharacters, severity: .warning, at: Location(segment: Self.id(kind), segmentIndex: 1, field: 2, byteOffset: start + 4), warning))
                }
            }
            firstFieldBodyStart = j
        }
        prepareTable(for: encoding)

        var segments: [SegmentRecord] = []
        var fieldStarts = OffsetBuffer(scratch)
        segments.reserveCapacity(16)
        var terminator: SegmentTerminator? = nil
        var sawHigh = false
        let fieldByte = encoding.field
        let words = SpecialWords(encoding)

        return table.withUnsafeBufferPointer { classes in
            var segmentStart = start
            // First segment: the header (or whatever the caller found).
            fieldStarts.append(UInt32(truncatingIfNeeded: start))
            if let bodyStart = firstFieldBodyStart {
                // MSH-2 is opaque: index it as one field and resume after it.
                fieldStarts.append(UInt32(truncatingIfNeeded: start + 4))
                i = bodyStart
            } else {
                if !Self.validSegmentID(p, at: start, field: fieldByte) {
                    issues.append(Issue(.invalidSegmentID, at: Location(segmentIndex: 1, byteOffset: start), "a segment must start with a three-character upper-case ID"))
                }
                i = start
            }

            while true {
                // Inner loop: one segment.
                var segmentEnd = n
                while true {
                    i = Self.recordFields(p, from: i, words: words, highMask: sawHigh ? 0 : Self.highBits, classes: classes, into: &fieldStarts)
                    if i >= n { break }
                    let k = classes[Int(p[i])]
                    if k == Self.escapeClass {
                        i = Self.checkEscape(p, at: i, encoding: encoding, segments: segments, segmentStart: segmentStart, fieldCount: fieldStarts.count, issues: &issues, sawHigh: &sawHigh)
                    } else if k == Self.highClass {
                        sawHigh = true
                    } else if k == Self.crClass || k == Self.lfClass {
                        segmentEnd = i
                        break
                    }
                    i &+= 1
                }
                let firstField = segments.isEmpty ? 0 : Int(segments[segments.count - 1].firstField + segments[segments.count - 1].fieldCount)
                segments.append(SegmentRecord(
                    start: UInt32(truncatingIfNeeded: segmentStart),
                    end: UInt32(truncatingIfNeeded: segmentEnd),
                    firstField: UInt32(truncatingIfNeeded: firstField),
                    fieldCount: UInt32(truncatingIfNeeded: fieldStarts.count - firstField)))
                // Terminator, then blank lines.
                if i < n {
                    if terminator == nil {
                        terminator = (p[i] == 0x0D && i + 1 < n && p[i + 1] == 0x0A) ? .crlf : (p[i] == 0x0D ? .cr : .lf)
                    }
                    while i < n, p[i] == 0x0D || p[i] == 0x0A { i &+= 1 }
                }
                if single || i >= n { break }
                if HeaderKind(p, at: i) != nil { break }
                // Next segment of this message.
                segmentStart = i
                fieldStarts.append(UInt32(truncatingIfNeeded: i))
                if !Self.validSegmentID(p, at: i, field: fieldByte) {
                    issues.append(Issue(.invalidSegmentID, at: Location(segmentIndex: segments.count + 1, byteOffset: i), "a segment must start with a three-character upper-case ID"))
                }
            }
            let index = Index(
                encoding: encoding,
                segments: segments,
                fieldStarts: fieldStarts.array(),
                issues: issues,
                terminator: terminator ?? .cr,
                sawHighBytes: sawHigh)
            return Outcome(result: .success(index), end: i)
        }
    }

    private static let lowBits: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The four bytes the scan stops at, each repeated in every byte of a word.
    struct SpecialWords {
        var field: UInt64
        var escape: UInt64
        init(_ encoding: EncodingCharacters) {
            field = UInt64(encoding.field) &* MessageScanner.lowBits
            escape = UInt64(encoding.escape) &* MessageScanner.lowBits
        }
        /// Bytes below 0x0E include CR and LF.
        static let controlLimit: UInt64 = 0x0E &* MessageScanner.lowBits
    }

    private static let low7Bits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// Flags (bit 7 of each byte) the bytes of `v` equal to the byte repeated in `word`.
    /// Exact for every byte: no borrow crosses from one byte to the next.
    @inline(__always)
    private static func equalBytes(_ v: UInt64, _ word: UInt64) -> UInt64 {
        let x = v ^ word
        return ~(((x & low7Bits) &+ low7Bits) | x) & highBits
    }

    /// Records the field separators from `start` on and returns the index of the next escape
    /// character, CR, LF or (while `highMask` is set) byte ≥ 0x80, or `p.count`.
    ///
    /// Eight bytes at a time (SWAR): every field separator in a word is recorded from a bit mask
    /// without a branch per byte; the scan stops at the first rarer byte for the caller to handle.
    @inline(__always)
    private static func recordFields(
        _ p: UnsafeBufferPointer<UInt8>,
        from start: Int,
        words: SpecialWords,
        highMask: UInt64,
        classes: UnsafeBufferPointer<UInt8>,
        into fieldStarts: inout OffsetBuffer
    ) -> Int {
        let n = p.count
        var i = start
        if let base = p.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i &+ 8 <= n {
                let v = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                var fields = equalBytes(v, words.field)
                // Only the lowest flag of `rare` is used, so the cheaper borrowing tests do:
                // a zero byte of v ^ escape, a byte below 0x0E (CR, LF; other control
                // characters are passed over by the slow path), a byte ≥ 0x80.
                let e = v ^ words.escape
                let rare = (((e &- lowBits) & ~e) | ((v &- SpecialWords.controlLimit) & ~v)) & highBits | (v & highMask)
                if rare != 0 {
                    let stop = rare.trailingZeroBitCount
                    fields &= (UInt64(1) &<< UInt64(stop)) &- 1
                    while fields != 0 {
                        fieldStarts.append(UInt32(truncatingIfNeeded: i &+ (fields.trailingZeroBitCount &>> 3) &+ 1))
                        fields &= fields &- 1
                    }
                    return i &+ (stop &>> 3)
                }
                while fields != 0 {
                    fieldStarts.append(UInt32(truncatingIfNeeded: i &+ (fields.trailingZeroBitCount &>> 3) &+ 1))
                    fields &= fields &- 1
                }
                i &+= 8
            }
        }
        while i < n {
            let k = classes[Int(p[i])]
            if k == fieldClass {
                fieldStarts.append(UInt32(truncatingIfNeeded: i &+ 1))
            } else if k != plain && (k != highClass || highMask != 0) {
                return i
            }
            i &+= 1
        }
        return n
    }

    /// The start of the next line that begins a message, batch or file segment, or the end.
    static func nextHeader(_ p: UnsafeBufferPointer<UInt8>, after start: Int) -> Int {
        var i = start
        let n = p.count
        while i < n {
            while i < n, p[i] != 0x0D, p[i] != 0x0A { i += 1 }
            while i < n, p[i] == 0x0D || p[i] == 0x0A { i += 1 }
            if i < n, HeaderKind(p, at: i) != nil { return i }
        }
        return n
    }

    private static func id(_ kind: HeaderKind) -> String {
        switch kind {
        case .msh: "MSH"
        case .fhs: "FHS"
        case .bhs: "BHS"
        case .bts: "BTS"
        case .fts: "FTS"
        }
    }

    private static func validSegmentID(_ p: UnsafeBufferPointer<UInt8>, at i: Int, field: UInt8) -> Bool {
        guard i + 3 <= p.count else { return false }
        for k in i..<(i + 3) {
            let b = p[k]
            let ok = (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
            if !ok { return false }
        }
        if i + 3 == p.count { return true }
        let next = p[i + 3]
        return next == field || next == 0x0D || next == 0x0A
    }

    /// Checks the escape sequence starting at `i`; returns the index of its closing escape
    /// character, or `i` when it is not a valid sequence (the character then stays literal and
    /// a warning is recorded). Sets `sawHigh` for a byte ≥ 0x80 inside the sequence (`\Z…\`
    /// may hold any text), which the caller's scan then skips.
    private static func checkEscape(
        _ p: UnsafeBufferPointer<UInt8>,
        at i: Int,
        encoding: EncodingCharacters,
        segments: [SegmentRecord],
        segmentStart: Int,
        fieldCount: Int,
        issues: inout [Issue],
        sawHigh: inout Bool
    ) -> Int {
        let n = p.count
        var j = i + 1
        while j < n {
            let b = p[j]
            if b == encoding.escape { break }
            if b >= 0x80 { sawHigh = true }
            if b == encoding.field || b == encoding.component || b == encoding.repetition
                || b == encoding.subcomponent || b == 0x0D || b == 0x0A
            {
                j = n
                break
            }
            j += 1
        }
        if j < n, let problem = EscapeSequence.problem(in: UnsafeBufferPointer(rebasing: p[(i + 1)..<j]), encoding: encoding) {
            issues.append(Issue(.invalidEscape, severity: .warning, at: location(of: i, segments: segments, segmentStart: segmentStart, fieldCount: fieldCount, p: p), problem))
            return i
        }
        if j >= n {
            issues.append(Issue(.invalidEscape, severity: .warning, at: location(of: i, segments: segments, segmentStart: segmentStart, fieldCount: fieldCount, p: p), "an escape character without its closing escape character is kept as a literal"))
            return i
        }
        return j
    }

    /// The location of a byte inside the segment being scanned.
    private static func location(of offset: Int, segments: [SegmentRecord], segmentStart: Int, fieldCount: Int, p: UnsafeBufferPointer<UInt8>) -> Location {
        let firstField = segments.isEmpty ? 0 : Int(segments[segments.count - 1].firstField + segments[segments.count - 1].fieldCount)
        let fieldIndex = fieldCount - 1 - firstField
        let id = segmentStart + 3 <= p.count ? String(decoding: UnsafeBufferPointer(rebasing: p[segmentStart..<(segmentStart + 3)]), as: UTF8.self) : "?"
        let isHeader = id == "MSH" || id == "FHS" || id == "BHS"
        return Location(segment: id, segmentIndex: segments.count + 1, field: isHeader ? fieldIndex + 1 : fieldIndex, byteOffset: offset)
    }
}

/// Memory for field offsets, reused from message to message.
final class Scratch {
    var pointer: UnsafeMutablePointer<UInt32>
    var capacity: Int

    init() {
        capacity = 4096
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }
}

/// The field offsets of the message being scanned, written into a ``Scratch``. Pointer and
/// capacity are copied into the struct so the hot loop keeps them in registers, and appends
/// skip the checks of `Array.append`.
struct OffsetBuffer {
    private let scratch: Scratch
    private var pointer: UnsafeMutablePointer<UInt32>
    private var capacity: Int
    private(set) var count = 0

    init(_ scratch: Scratch) {
        self.scratch = scratch
        pointer = scratch.pointer
        capacity = scratch.capacity
    }

    @inline(__always)
    mutating func append(_ offset: UInt32) {
        if count == capacity { grow() }
        pointer[count] = offset
        count &+= 1
    }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity * 2)
        larger.update(from: pointer, count: count)
        pointer.deallocate()
        pointer = larger
        capacity *= 2
        scratch.pointer = larger
        scratch.capacity = capacity
    }

    /// A copy of the offsets as an array owned by the message.
    func array() -> [UInt32] {
        Array(UnsafeBufferPointer(start: pointer, count: count))
    }
}

/// Where a segment and its fields are in the message's bytes.
struct SegmentRecord: Sendable, Hashable {
    /// Offset of the segment ID.
    var start: UInt32
    /// Offset just past the last byte of the segment (its terminator is not included).
    var end: UInt32
    /// Index of the segment's first field start in `fieldStarts` (the ID counts as a field).
    var firstField: UInt32
    /// Number of fields stored, the ID included.
    var fieldCount: UInt32
}
