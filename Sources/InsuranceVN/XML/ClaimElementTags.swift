/// The tags of each field's element as UTF-8 (`<MA_LK>`, `</MA_LK>` and a line feed,
/// `<MA_LK/>` and a line feed), made once with the table definition: a document writes one
/// element per field of every record, and appending the tags piece by piece (a bracket, the
/// name, a bracket) cost more than the values.
struct ClaimElementTags: Sendable {
    /// The three tags of every field, one field after another.
    private var bytes: [UInt8] = []
    /// Where each field's tags start in `bytes`.
    private var starts: [Int] = []

    /// The tags of the fields named `names`, in order.
    init(names: [String]) {
        for name in names {
            starts.append(bytes.count)
            bytes += Array("<\(name)></\(name)>\n<\(name)/>\n".utf8)
        }
    }

    /// The tags of one field, valid inside ``withTags(_:)``.
    struct Tags {
        var open: UnsafeRawBufferPointer
        var close: UnsafeRawBufferPointer
        var empty: UnsafeRawBufferPointer
    }

    /// Calls `body` with a function giving the tags of field `index`.
    func withTags<Result>(_ body: ((Int) -> Tags) throws -> Result) rethrows -> Result {
        try bytes.withUnsafeBytes { all in
            try starts.withUnsafeBufferPointer { starts in
                try body { index in
                    let start = starts[index]
                    let end = index + 1 < starts.count ? starts[index + 1] : all.count
                    // 3 × name + 9 bytes: `<` `>`, `</` `>\n`, `<` `/>\n`.
                    let name = (end - start - 9) / 3
                    return Tags(
                        open: UnsafeRawBufferPointer(rebasing: all[start..<start + name + 2]),
                        close: UnsafeRawBufferPointer(rebasing: all[start + name + 2..<start + 2 * name + 6]),
                        empty: UnsafeRawBufferPointer(rebasing: all[start + 2 * name + 6..<end]))
                }
            }
        }
    }
}
