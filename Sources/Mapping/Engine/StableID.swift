/// Deterministic resource ids: the same message mapped by the same rules gives the same ids.
/// A 128-bit FNV-1a hash of the message bytes and the resource's place in the mapping, written
/// as a UUID (version 8, "custom").
struct StableID: Sendable {
    let seed: (UInt64, UInt64)

    init(message bytes: some Sequence<UInt8>) {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37_79b9_7f4a_7c15
        }
        seed = (a, b)
    }

    /// The id of the resource made at `place` (e.g. `ADT_A01:5:2`: map, line, occurrence).
    func id(_ place: String) -> String {
        var (a, b) = seed
        for byte in place.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37_79b9_7f4a_7c15
        }
        // Version 8 (the 13th hex digit) and the RFC 4122 variant (the top bits of the 17th).
        a = (a & ~(0xF << 12)) | (0x8 << 12)
        b = (b & ~(0x3 << 62)) | (0x2 << 62)
        return Self.uuid(a, b)
    }

    /// `a` and `b` as 32 lowercase hex digits in the UUID layout 8-4-4-4-12.
    static func uuid(_ a: UInt64, _ b: UInt64) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            func put(_ value: UInt64, digits count: Int) {
                for shift in stride(from: (count - 1) * 4, through: 0, by: -4) {
                    buffer[position] = digits.utf8Start[Int((value >> UInt64(shift)) & 0xF)]
                    position += 1
                }
            }
            func dash() {
                buffer[position] = UInt8(ascii: "-")
                position += 1
            }
            put(a >> 32, digits: 8)
            dash()
            put(a >> 16, digits: 4)
            dash()
            put(a, digits: 4)
            dash()
            put(b >> 48, digits: 4)
            dash()
            put(b, digits: 12)
            return position
        }
    }
}
