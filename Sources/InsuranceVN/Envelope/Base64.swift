import Foundation

/// Encodes and decodes the base64 of an envelope's `NOIDUNGFILE` on its bytes.
///
/// Encoding writes what `Data.base64EncodedString()` writes (standard alphabet, `=` padding, no
/// line breaks) straight into the envelope being written.
///
/// White space (space, tab, CR, LF) is skipped, as a line-wrapped file needs. The fast path
/// takes the canonical form only: the standard alphabet, whole 4-character groups, `=` padding
/// at the end, zero padding bits. Anything else goes to Foundation's decoder, which decides, so
/// what is accepted and what it decodes to is exactly Foundation's.
enum Base64 {
    /// The bytes, or `nil` when the text is not base64.
    static func decode(_ text: String) -> Data? {
        var text = text
        let decoded = text.withUTF8 { decodeCanonical($0) }
        if let decoded { return decoded }
        let compact = String(text.unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) })
        return Data(base64Encoded: compact)
    }

    /// The two characters of each 12-bit value, the first in the low byte: a group of three
    /// bytes is two lookups.
    private static let pairs: [UInt16] = {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        return (0..<4096).map { UInt16(alphabet[$0 >> 6]) | UInt16(alphabet[$0 & 0x3F]) << 8 }
    }()

    /// Writes the base64 of `bytes` at `target`: `(bytes.count + 2) / 3 * 4` bytes.
    static func encode(_ bytes: UnsafeRawBufferPointer, into target: UnsafeMutablePointer<UInt8>) {
        pairs.withUnsafeBufferPointer { pairs in
            let whole = bytes.count / 3 * 3
            var input = 0
            var output = UnsafeMutableRawPointer(target)
            while input < whole {
                let group = Int(bytes[input]) << 16 | Int(bytes[input + 1]) << 8 | Int(bytes[input + 2])
                let characters = UInt32(pairs[group >> 12]) | UInt32(pairs[group & 0xFFF]) << 16
                output.storeBytes(of: UInt32(littleEndian: characters), as: UInt32.self)
                input += 3
                output += 4
            }
            let rest = bytes.count - whole
            guard rest > 0 else { return }
            let group = Int(bytes[input]) << 16 | (rest == 2 ? Int(bytes[input + 1]) << 8 : 0)
            let first = pairs[group >> 12]
            output.storeBytes(of: UInt8(truncatingIfNeeded: first), as: UInt8.self)
            output.storeBytes(of: UInt8(truncatingIfNeeded: first >> 8), toByteOffset: 1, as: UInt8.self)
            output.storeBytes(of: rest == 2 ? UInt8(truncatingIfNeeded: pairs[group & 0xFFF]) : UInt8(ascii: "="), toByteOffset: 2, as: UInt8.self)
            output.storeBytes(of: UInt8(ascii: "="), toByteOffset: 3, as: UInt8.self)
        }
    }

    /// The value of each byte in the alphabet; 0x40 for white space, 0xFF for anything else.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(value)
        }
        for byte in " \t\r\n".utf8 { table[Int(byte)] = 0x40 }
        return table
    }()

    /// Decodes canonical base64; `nil` for anything else (including the empty text).
    private static func decodeCanonical(_ bytes: UnsafeBufferPointer<UInt8>) -> Data? {
        guard !bytes.isEmpty else { return nil }
        return values.withUnsafeBufferPointer { values -> Data? in
            var output = Data(count: bytes.count / 4 * 3 + 3)
            let written = output.withUnsafeMutableBytes { raw -> Int? in
                let out = raw.bindMemory(to: UInt8.self)
                var quad: UInt32 = 0
                var filled = 0
                var count = 0
                var padding = 0
                for byte in bytes {
                    let value = values[Int(byte)]
                    if value < 0x40 {
                        guard padding == 0 else { return nil }
                        quad = quad << 6 | UInt32(value)
                        filled += 1
                    } else if value == 0x40 {
                        continue
                    } else if byte == UInt8(ascii: "=") {
                        // `=` ends a group of 2 or 3 characters (`QQ==`, `QUI=`).
                        guard (padding == 0 && filled >= 2) || (padding == 1 && filled == 3) else { return nil }
                        padding += 1
                        quad <<= 6
                        filled += 1
                    } else {
                        return nil
                    }
                    if filled == 4 {
                        out[count] = UInt8(truncatingIfNeeded: quad >> 16)
                        out[count + 1] = UInt8(truncatingIfNeeded: quad >> 8)
                        out[count + 2] = UInt8(truncatingIfNeeded: quad)
                        count += 3
                        filled = 0
                        quad = 0
                        if padding > 0 {
                            // The padded group ends the text: its unused bits must be zero.
                            let unused = UInt8(truncatingIfNeeded: padding == 2 ? out[count - 3 + 1] : out[count - 3 + 2])
                            guard unused == 0 else { return nil }
                            count -= padding
                            padding = 3  // nothing but white space may follow
                        }
                    }
                }
                guard filled == 0, count > 0 else { return nil }
                return count
            }
            guard let written else { return nil }
            output.count = written
            return output
        }
    }
}
