/// The output of a mapping while it is built: JSON with keys in insertion order, numbers kept as
/// text. Written out with ``bytes`` and read back as a typed FHIR `Element`.
enum JSONValue: Sendable, Hashable {
    case object([Member])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)

    struct Member: Sendable, Hashable {
        var key: String
        var value: JSONValue
    }

    static let emptyObject = JSONValue.object([])

    /// Whether it holds nothing (an empty object or array).
    var isEmpty: Bool {
        switch self {
        case .object(let members): members.isEmpty
        case .array(let items): items.isEmpty
        default: false
        }
    }

    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// Sets `value` at `path[depth...]` in this object. `repeating[i]` says whether step `i` is
    /// an array: an array in the middle of the path reuses its last item (creating one when empty)
    /// unless `newItem[i]` asks for a new one; at the end, `appending` adds an item (unless an
    /// equal one is there), otherwise the last item (or the value) is replaced.
    mutating func set(_ value: JSONValue, at path: [String], repeating: [Bool], newItem: [Bool], from depth: Int = 0, appending: Bool) {
        guard case .object(var members) = self, depth < path.count else { return }
        let key = path[depth]
        let isArray = repeating[depth]
        // Let go of `self`'s reference so that `members` (and what it holds) is changed in place,
        // not copied, on every set.
        self = .bool(false)
        defer { self = .object(members) }
        let index = members.firstIndex { $0.key == key } ?? {
            members.append(Member(key: key, value: isArray ? .array([]) : .emptyObject))
            return members.count - 1
        }()
        let isLast = depth == path.count - 1
        if isLast && !isArray {
            members[index].value = value
            return
        }
        if !isArray {
            members[index].value.set(value, at: path, repeating: repeating, newItem: newItem, from: depth + 1, appending: appending)
            return
        }
        var items: [JSONValue] = []
        if case .array(let existing) = members[index].value { items = existing }
        members[index].value = .bool(false)
        defer { members[index].value = .array(items) }
        if isLast {
            // An item equal to one already there adds nothing (the same identifier from two
            // segments).
            if appending || items.isEmpty {
                if !items.contains(value) { items.append(value) }
            } else {
                items[items.count - 1] = value
            }
            return
        }
        if items.isEmpty || newItem[depth] { items.append(.emptyObject) }
        items[items.count - 1].set(value, at: path, repeating: repeating, newItem: newItem, from: depth + 1, appending: appending)
    }

    /// The JSON text.
    /// Whether some value at `path` (member names from this object, through arrays) is a
    /// non-empty string, a number, a boolean or a non-empty object or array.
    func hasValue(at path: some Collection<String>) -> Bool {
        switch self {
        case .array(let items):
            return items.contains { $0.hasValue(at: path) }
        case .object:
            guard let name = path.first else { return !isEmpty }
            return self[name]?.hasValue(at: path.dropFirst()) ?? false
        case .string(let text):
            return path.isEmpty && !text.isEmpty
        case .number, .bool:
            return path.isEmpty
        }
    }

    /// Adds `profiles` to a resource's `meta.profile` (a `meta` is made after `id` when missing).
    mutating func claim(_ profiles: [String]) {
        guard case .object(var members) = self else { return }
        let urls = profiles.map(JSONValue.string)
        if let index = members.firstIndex(where: { $0.key == "meta" }), case .object(var meta) = members[index].value {
            if let existing = meta.firstIndex(where: { $0.key == "profile" }), case .array(let items) = meta[existing].value {
                meta[existing].value = .array(items + urls.filter { !items.contains($0) })
            } else {
                meta.insert(.init(key: "profile", value: .array(urls)), at: 0)
            }
            members[index].value = .object(meta)
        } else {
            let position = members.firstIndex { $0.key == "id" }.map { $0 + 1 } ?? min(1, members.count)
            members.insert(.init(key: "meta", value: .object([.init(key: "profile", value: .array(urls))])), at: position)
        }
        self = .object(members)
    }

    var bytes: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(16_384)
        write(to: &output)
        return output
    }

    func write(to output: inout [UInt8]) {
        switch self {
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            // Read in place (a member copied out is a retain and a release of its key and value).
            members.withUnsafeBufferPointer { members in
                for index in members.indices {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    Self.writeString(members[index].key, to: &output)
                    output.append(UInt8(ascii: ":"))
                    members[index].value.write(to: &output)
                }
            }
            output.append(UInt8(ascii: "}"))
        case .array(let items):
            output.append(UInt8(ascii: "["))
            items.withUnsafeBufferPointer { items in
                for index in items.indices {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    items[index].write(to: &output)
                }
            }
            output.append(UInt8(ascii: "]"))
        case .string(let text):
            Self.writeString(text, to: &output)
        case .number(let text):
            output.append(contentsOf: text.utf8)
        case .bool(let value):
            output.append(contentsOf: (value ? "true" : "false").utf8)
        }
    }

    static func writeString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Most texts need no escape: copy their bytes at once.
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            output.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
