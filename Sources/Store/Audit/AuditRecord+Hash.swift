import Crypto
import Foundation

extension AuditRecord {
    /// The bytes ``hash`` is computed over (version 1):
    ///
    /// ```
    /// lienthong-audit-v1\n
    /// then, for each of: previous hash, sequence (decimal), time (microseconds since 1970,
    /// decimal), actor, action, target, detail, client address:
    ///     <number of UTF-8 bytes, decimal>:<the UTF-8 bytes>\n
    /// with an absent client address written as `-\n` (no length).
    /// ```
    /// Length prefixes make the encoding unambiguous: no choice of field values can make two
    /// different records encode alike.
    public var canonicalEncoding: [UInt8] {
        var bytes = Array("lienthong-audit-v1\n".utf8)
        func field(_ text: String) {
            let utf8 = Array(text.utf8)
            bytes += Array("\(utf8.count):".utf8)
            bytes += utf8
            bytes.append(0x0A)
        }
        field(previousHash)
        field(String(sequence))
        field(String(Self.microseconds(time)))
        field(actor.rawValue)
        field(action.rawValue)
        field(target)
        field(detail)
        if let clientAddress { field(clientAddress) } else { bytes += Array("-\n".utf8) }
        return bytes
    }

    /// SHA-256 of ``canonicalEncoding``, lowercase hex: what ``hash`` must be.
    public var computedHash: String {
        SHA256.hash(data: canonicalEncoding).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
    }

    /// Microseconds since 1970, rounded as the stores round times.
    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// `date` as a store gives it back: rounded to the microsecond.
    static func storedTime(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(microseconds(date)) / 1_000_000)
    }
}
