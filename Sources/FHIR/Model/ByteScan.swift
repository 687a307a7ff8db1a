#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Tests on the UTF-8 bytes of a value that every primitive goes through (control characters,
/// whitespace, ASCII, a separator), eight bytes at a time: the validator runs them on every
/// string, and `String.UTF8View`'s iterator costs several instructions per byte.
enum ByteScan {
    /// `0x0101…01`: a byte value repeated in a word by multiplication.
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    /// `0x8080…80`: the high bit of each byte.
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether some byte of `word` is less than `limit` (at most 128): exact for "some byte",
    /// though not for which one.
    @inline(__always)
    private static func hasByte(in word: UInt64, lessThan limit: UInt8) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highBits != 0
    }

    /// Runs `body` on the bytes of `text`, copying them only if the string has no contiguous
    /// UTF-8 storage.
    @inline(__always)
    static func withBytes<Result>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// Whether some byte is less than `limit` (at most 128) and satisfies `where`, which is asked
    /// only about bytes less than `limit`.
    @inline(__always)
    private static func contains(in bytes: UnsafeBufferPointer<UInt8>, lessThan limit: UInt8, where predicate: (UInt8) -> Bool) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            if hasByte(in: word, lessThan: limit) {
                for index in offset..<offset + 8 where bytes[index] < limit && predicate(bytes[index]) { return true }
            }
            offset += 8
        }
        while offset < bytes.count {
            if bytes[offset] < limit && predicate(bytes[offset]) { return true }
            offset += 1
        }
        return false
    }

    /// Whether `text` has a control character other than tab, line feed and carriage return
    /// (a byte under 32: in UTF-8 those are the characters themselves).
    static func hasControlCharacter(_ text: String) -> Bool {
        withBytes(of: text) { contains(in: $0, lessThan: 0x20) { $0 != 0x09 && $0 != 0x0A && $0 != 0x0D } }
    }

    /// Whether `text` has a space, tab, line feed or carriage return.
    static func hasWhitespace(_ text: String) -> Bool {
        withBytes(of: text) { contains(in: $0, lessThan: 0x21) { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } }
    }

    /// Whether every byte of `bytes` is ASCII.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        var high: UInt64 = 0
        while offset + 8 <= bytes.count {
            high |= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        var tail: UInt8 = 0
        while offset < bytes.count {
            tail |= bytes[offset]
            offset += 1
        }
        return high & highBits == 0 && tail < 0x80
    }

    /// The first sixteen bytes as two words (zero-padded): two names of one length whose heads
    /// are equal are equal when the length is at most 16.
    static func heads(of bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for index in 0..<min(bytes.count, 8) { low |= UInt64(bytes[index]) << (8 * index) }
        if bytes.count > 8 {
            for index in 8..<min(bytes.count, 16) { high |= UInt64(bytes[index]) << (8 * (index - 8)) }
        }
        return (low, high)
    }

    /// Whether `bytes` and `other` hold the same bytes: for names, too short for a call to
    /// `memcmp` to pay.
    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == other.count else { return false }
        guard let base = bytes.baseAddress, let otherBase = other.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let otherRaw = UnsafeRawPointer(otherBase)
        var offset = 0
        while offset + 8 <= bytes.count {
            if raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != otherRaw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) {
                return false
            }
            offset += 8
        }
        while offset < bytes.count {
            if bytes[offset] != other[offset] { return false }
            offset += 1
        }
        return true
    }

    /// The offset of the first `byte` in `bytes`.
    static func firstOffset(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress, let found = memchr(base, Int32(byte), bytes.count) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// How many `byte`s `bytes` holds, and the offsets of the last two (-1 where there are
    /// fewer): the `/`s around the `Type/id` at the end of a URL.
    static func lastTwoOffsets(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> (count: Int, beforeLast: Int, last: Int) {
        var count = 0
        var beforeLast = -1
        var last = -1
        var start = 0
        while let offset = firstOffset(of: byte, in: UnsafeBufferPointer(rebasing: bytes[start...])) {
            count += 1
            beforeLast = last
            last = start + offset
            start = last + 1
        }
        return (count, beforeLast, last)
    }

    /// The offset of the first `byte` in the UTF-8 of `text`.
    static func firstOffset(of byte: UInt8, in text: String) -> Int? {
        withBytes(of: text) { firstOffset(of: byte, in: $0) }
    }

    /// Whether the UTF-8 of `text` holds the bytes of the ASCII `needle` (`"://"`): a byte
    /// search, where `String.contains` compares characters through a generic searcher.
    static func contains(_ text: String, _ needle: StaticString) -> Bool {
        withBytes(of: text) { bytes in
            contains(bytes, UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount))
        }
    }

    /// Whether `bytes` holds `needle`: `memchr` for its first byte, `memcmp` for the rest.
    private static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = needle.count
        guard count > 0 else { return true }
        guard bytes.count >= count, let needleStart = needle.baseAddress else { return false }
        let first = needleStart.pointee
        var start = 0
        while start + count <= bytes.count, let offset = firstOffset(of: first, in: UnsafeBufferPointer(rebasing: bytes[start...])) {
            let at = start + offset
            guard at + count <= bytes.count else { return false }
            if memcmp(bytes.baseAddress! + at, needleStart, count) == 0 { return true }
            start = at + 1
        }
        return false
    }

    /// Whether `text` holds `part`, by their bytes when both are ASCII (where no two different
    /// texts are canonically equivalent, so the answer is Foundation's `contains`); `nil` when
    /// either is not ASCII. Foundation's search goes through `NSString`, some 2,500
    /// instructions a call.
    static func asciiContains(_ text: String, _ part: String) -> Bool? {
        withBytes(of: text) { text -> Bool? in
            withBytes(of: part) { part -> Bool? in
                guard isASCII(text), isASCII(part) else { return nil }
                return contains(text, part)
            }
        }
    }
}
