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
        let hex = Self.hex(a) + Self.hex(b)
        var characters = Array(hex)
        characters[12] = "8"  // version 8
        let variant = Int(String(characters[16]), radix: 16)! & 0x3 | 0x8
        characters[16] = Character(String(variant, radix: 16))
        let text = String(characters)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(text[text.index(text.startIndex, offsetBy: range.lowerBound)..<text.index(text.startIndex, offsetBy: range.upperBound)])
        }
        return parts.joined(separator: "-")
    }

    static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
