/// The entries of the Bundles `resolve()` searches (`%rootResource`, then `%resource`), indexed
/// by `fullUrl`, by the `Type/id` a `fullUrl` ends with and by their resource's type and id, so
/// that a reference is found without scanning the entries: a claim build resolves references of
/// every line of a Bundle with hundreds of entries.
///
/// ``resolve(_:typeAndID:)`` finds the entry the scan finds: the first, in the order of the scan,
/// that matches the reference one of the three ways.
struct FHIRPathBundleIndex: Sendable {
    /// The resources of the entries, in the order of the scan.
    private var resources: [Element] = []
    /// The first entry whose `fullUrl` is the key.
    private var fullUrls: [String: Int] = [:]
    /// The first entry whose `fullUrl` ends with `/Type/id`, by `Type/id`.
    private var fullUrlEnds: [String: Int] = [:]
    /// The first entry whose resource has the type and id, by `Type/id`.
    private var typesAndIDs: [String: Int] = [:]

    /// Indexes the entries of each Bundle, in order; a Bundle equal to one before is skipped, as
    /// the scan skips it.
    init(bundles: [Element]) {
        var indexed: [Element] = []
        // Room for every entry: the keys are URLs, rehashed at each growth otherwise.
        let entries = bundles.reduce(0) { count, bundle in count + (bundle.type == "Bundle" ? bundle.children.count : 0) }
        resources.reserveCapacity(entries)
        fullUrls.reserveCapacity(entries)
        fullUrlEnds.reserveCapacity(entries)
        typesAndIDs.reserveCapacity(entries)
        for bundle in bundles where bundle.type == "Bundle" && !indexed.contains(bundle) {
            indexed.append(bundle)
            for entry in bundle.children where entry.name == "entry" {
                guard let resource = entry.child(named: "resource") else { continue }
                let position = resources.count
                resources.append(resource)
                if let fullUrl = entry.child(named: "fullUrl")?.value?.text {
                    Self.keepFirst(position, for: fullUrl, in: &fullUrls)
                    if let end = Self.typeAndIDKey(endOf: fullUrl) { Self.keepFirst(position, for: end, in: &fullUrlEnds) }
                }
                // (A byte search: `utf8.contains` iterated the view, some 300 instructions an id.)
                if let id = resource.child(named: "id")?.value?.text, ByteScan.firstOffset(of: UInt8(ascii: "/"), in: id) == nil,
                    ByteScan.firstOffset(of: UInt8(ascii: "/"), in: resource.type) == nil
                {
                    Self.keepFirst(position, for: resource.type + "/" + id, in: &typesAndIDs)
                }
            }
        }
    }

    /// Sets `key` to `position` unless it has a value already, hashing the key once (a lookup,
    /// then an insertion, hashed it twice).
    private static func keepFirst(_ position: Int, for key: String, in index: inout [String: Int]) {
        index[key, default: position] += 0
    }

    /// `Type/id` from the last two `/`-separated parts of a URL that has a `/` before them
    /// (`http://x/Patient/1` → `Patient/1`): a URL has the suffix `/Type/id`, for a `Type` and an
    /// `id` without `/`, exactly when this is `Type/id`. `nil` when there are not two such parts.
    private static func typeAndIDKey(endOf url: String) -> String? {
        // ASCII: by bytes, where a `/` is always a character of its own.
        let ascii: String?? = ByteScan.withBytes(of: url) { bytes in
            guard ByteScan.isASCII(bytes) else { return .none }
            let (_, before, last) = ByteScan.lastTwoOffsets(of: UInt8(ascii: "/"), in: bytes)
            guard before >= 0, before + 1 < last, last + 1 < bytes.count else { return .some(nil) }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[(before + 1)...]), as: UTF8.self)
        }
        if let ascii { return ascii }
        guard let last = url.lastIndex(of: "/") else { return nil }
        let head = url[..<last]
        guard let before = head.lastIndex(of: "/") else { return nil }
        let type = head[head.index(after: before)...]
        let id = url[url.index(after: last)...]
        guard !type.isEmpty, !id.isEmpty else { return nil }
        return String(type) + "/" + String(id)
    }

    /// The resource of the first entry that matches: its `fullUrl` is `target`; or, when
    /// `target` is not absolute (no `://`) and ends with `Type/id` (`typeAndID`), its `fullUrl`
    /// ends with `/Type/id` or its resource is of that type with that id.
    func resolve(_ target: String, typeAndID: (String, String)?) -> Element? {
        var found = fullUrls[target]
        if let typeAndID, !ByteScan.contains(target, "://") {
            let key = typeAndID.0 + "/" + typeAndID.1
            for candidate in [fullUrlEnds[key], typesAndIDs[key]] {
                if let candidate, found.map({ candidate < $0 }) ?? true { found = candidate }
            }
        }
        return found.map { resources[$0] }
    }
}
