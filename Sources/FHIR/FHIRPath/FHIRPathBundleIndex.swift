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
        for bundle in bundles where bundle.type == "Bundle" && !indexed.contains(bundle) {
            indexed.append(bundle)
            for entry in bundle.children where entry.name == "entry" {
                guard let resource = entry.child(named: "resource") else { continue }
                let position = resources.count
                resources.append(resource)
                if let fullUrl = entry.child(named: "fullUrl")?.value?.text {
                    if fullUrls[fullUrl] == nil { fullUrls[fullUrl] = position }
                    if let end = Self.typeAndIDKey(endOf: fullUrl), fullUrlEnds[end] == nil { fullUrlEnds[end] = position }
                }
                if let id = resource.child(named: "id")?.value?.text, !id.contains("/"), !resource.type.contains("/") {
                    let key = resource.type + "/" + id
                    if typesAndIDs[key] == nil { typesAndIDs[key] = position }
                }
            }
        }
    }

    /// `Type/id` from the last two `/`-separated parts of a URL that has a `/` before them
    /// (`http://x/Patient/1` → `Patient/1`): a URL has the suffix `/Type/id`, for a `Type` and an
    /// `id` without `/`, exactly when this is `Type/id`. `nil` when there are not two such parts.
    private static func typeAndIDKey(endOf url: String) -> String? {
        // ASCII: by bytes, where a `/` is always a character of its own.
        if url.utf8.allSatisfy({ $0 < 0x80 }) {
            let bytes = url.utf8
            guard let last = bytes.lastIndex(of: UInt8(ascii: "/")),
                let before = bytes[..<last].lastIndex(of: UInt8(ascii: "/"))
            else { return nil }
            let type = bytes[bytes.index(after: before)..<last]
            let id = bytes[bytes.index(after: last)...]
            guard !type.isEmpty, !id.isEmpty else { return nil }
            return String(Substring(type)) + "/" + String(Substring(id))
        }
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
        if let typeAndID, !target.contains("://") {
            let key = typeAndID.0 + "/" + typeAndID.1
            for candidate in [fullUrlEnds[key], typesAndIDs[key]] {
                if let candidate, found.map({ candidate < $0 }) ?? true { found = candidate }
            }
        }
        return found.map { resources[$0] }
    }
}
