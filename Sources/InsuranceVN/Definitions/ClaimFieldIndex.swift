/// The position of each field of a table by its name (and former names): an open-addressing
/// table hashed with FNV-1a over the name's UTF-8.
///
/// A record's fields are looked up by name hundreds of times per claim (the builder's
/// defaults and totals, every validation rule); a `[String: Int]` hashes each name with
/// SipHash (seeding, mixing and finalizing: some 200 instructions for `MA_LK`), this a few
/// dozen. Field names are short ASCII (`T_BHTT`), so most are small strings compared by their
/// bits.
struct ClaimFieldIndex: Sendable {
    /// The names, each with its field's position.
    private var entries: [(name: String, position: Int)] = []
    /// Index into `entries` plus one for each slot; 0 for an empty slot. The count is a power
    /// of two, at least twice the number of names.
    private var slots: [Int32]

    /// Indexes `names`, each name with its position; the first of two equal names is kept.
    init(_ names: [(name: String, position: Int)]) {
        var capacity = 8
        while capacity < 2 * names.count { capacity *= 2 }
        slots = Array(repeating: 0, count: capacity)
        for (name, position) in names where self[name] == nil {
            entries.append((name, position))
            var slot = Self.hash(name) & (capacity - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(entries.count)
        }
    }

    /// The position of the field named `name`.
    subscript(name: String) -> Int? {
        let mask = slots.count - 1
        var slot = Self.hash(name) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if entries[entry - 1].name == name { return entries[entry - 1].position }
            slot = (slot + 1) & mask
        }
    }

    /// FNV-1a of the UTF-8 (64 bits, folded to `Int`).
    private static func hash(_ name: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var name = name
        name.withUTF8 { utf8 in
            for byte in utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
