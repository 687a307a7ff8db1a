import Foundation

extension Validator.Walk {
    /// References between the entries of a Bundle, resolved by the Bundle rules (R4 3.3.1.4.1):
    /// an absolute reference is an entry's fullUrl; a relative one (`Type/id`) is taken against
    /// the base of the referring entry's fullUrl when that is a RESTful URL. Errors: a reference
    /// that matches several entries (a version, `…/_history/n`, picks by `meta.versionId`), and
    /// one that resolves to nothing while an entry has that type and id (it would have matched
    /// but for the fullUrl rules): an error from the Composition of a document, which must find
    /// its content in the Bundle, a warning elsewhere. A reference to nothing in the Bundle is
    /// not reported (it may point outside). Also: a fullUrl that looks RESTful (`…/Type/id`) on a
    /// resource without an id. Done once per Bundle.
    mutating func checkBundleReferences(_ bundle: Element, path: String) {
        let entries = bundle.children(named: "entry").map(BundleEntry.init)
        let isDocument = bundle.childText(named: "type") == "document"
        var byFullURL: [String: [Int]] = [:]
        var byTypeAndID: [String: [Int]] = [:]
        for (index, entry) in entries.enumerated() {
            if let fullUrl = entry.fullUrl { byFullURL[fullUrl, default: []].append(index) }
            if let type = entry.type, let id = entry.id { byTypeAndID[type + "/" + id, default: []].append(index) }
            if let fullUrl = entry.fullUrl, entry.id == nil, entry.type != nil, let restful = Self.restfulParts(fullUrl), definitions.isResourceType(restful.type) {
                report(.error, .value, "\(path).entry[\(index)]", "the fullUrl looks like a RESTful server URL, but the resource has no id", entry.element)
            }
        }
        for (index, entry) in entries.enumerated() {
            guard let resource = entry.element.child(named: "resource") else { continue }
            var references: [(steps: [(name: String, index: Int)], element: Element, reference: String)] = []
            var steps: [(name: String, index: Int)] = []
            Self.collectReferences(in: resource, steps: &steps, into: &references)
            let mustResolve = isDocument && index == 0 && entry.type == "Composition"
            for (steps, element, reference) in references {
                // The path is written out here, for the few references, not for every element.
                let referencePath = "\(path).entry[\(index)].resource" + steps.map { ".\($0.name)[\($0.index)]" }.joined()
                checkBundleReference(reference, from: entry, at: referencePath, element: element, mustResolve: mustResolve,
                                     entries: entries, byFullURL: byFullURL, byTypeAndID: byTypeAndID)
            }
        }
    }

    private mutating func checkBundleReference(_ reference: String, from entry: BundleEntry, at path: String, element: Element, mustResolve: Bool,
                                               entries: [BundleEntry], byFullURL: [String: [Int]], byTypeAndID: [String: [Int]]) {
        // `…/_history/version`: the version picks among entries with the same fullUrl.
        var target = reference
        var version: String?
        if ByteScan.contains(reference, "/_history/"), let range = reference.range(of: "/_history/") {
            target = String(reference[..<range.lowerBound])
            version = String(reference[range.upperBound...])
        }
        let nearMiss: ValidationIssue.Severity = mustResolve ? .error : .warning
        let absolute: String
        if Self.isAbsoluteURL(target) {
            absolute = target
        } else {
            guard Self.segmentCount(target) == 2 else { return }
            guard let base = entry.restfulBase else {
                // Not resolvable by the rules; an entry with that type and id would have been meant.
                if let fullUrl = entry.fullUrl, Self.isAbsoluteURL(fullUrl), let sameID = byTypeAndID[target], !sameID.isEmpty {
                    report(nearMiss, .notFound, path, "'\(reference)' is not in the Bundle by the fullUrl rules, though an entry has that type and id", element)
                }
                return
            }
            absolute = base + "/" + target
        }
        var candidates = byFullURL[absolute] ?? []
        if let version {
            let all = candidates
            candidates = candidates.filter { entries[$0].versionID == version || entries[$0].versionID == nil && all.count == 1 }
            if candidates.isEmpty, !all.isEmpty {
                report(.error, .notFound, path, "'\(reference)' is not in the Bundle: no entry with that fullUrl has that version", element)
                return
            }
        }
        if candidates.count > 1 {
            report(.error, .structure, path, "'\(reference)' matches \(candidates.count) entries of the Bundle", element)
        } else if candidates.isEmpty, !Self.isAbsoluteURL(target), let sameID = byTypeAndID[target], !sameID.isEmpty {
            report(nearMiss, .notFound, path, "'\(reference)' is not in the Bundle by the fullUrl rules, though an entry has that type and id", element)
        }
    }

    /// The references (`Reference.reference`) in `element`, outside contained resources and
    /// nested Bundles, with the steps (name and index) that lead to each.
    private static func collectReferences(in element: Element, steps: inout [(name: String, index: Int)],
                                          into references: inout [(steps: [(name: String, index: Int)], element: Element, reference: String)]) {
        var previous = ""
        var index = 0
        for child in element.children {
            // Repeated children are adjacent, so counting runs of one name gives the index.
            index = child.name == previous ? index + 1 : 0
            previous = child.name
            if child.name == "contained" || child.type == "Bundle" { continue }
            steps.append((child.name, index))
            if child.type == "Reference", let reference = child.childText(named: "reference"), !reference.hasPrefix("#") {
                references.append((steps, child, reference))
            }
            if !child.children.isEmpty { collectReferences(in: child, steps: &steps, into: &references) }
            steps.removeLast()
        }
    }

    /// `base` and `type` of a RESTful URL `base/Type/id` (`http://…/fhir/Patient/1`).
    static func restfulParts(_ url: String) -> (base: String, type: String, id: String)? {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { return nil }
        // ASCII (nearly every URL): on the bytes, without an array of parts.
        let ascii: (base: String, type: String, id: String)?? = ByteScan.withBytes(of: url) { bytes in
            guard ByteScan.isASCII(bytes) else { return .none }
            let (slashes, beforeLast, last) = ByteScan.lastTwoOffsets(of: UInt8(ascii: "/"), in: bytes)
            // At least five parts; the type starts with an upper-case letter; the id is not empty.
            guard slashes >= 4, beforeLast + 1 < last, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[beforeLast + 1]),
                last + 1 < bytes.count
            else { return .some(nil) }
            let text = { (range: Range<Int>) in String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
            return (text(0..<beforeLast), text(beforeLast + 1..<last), text(last + 1..<bytes.count))
        }
        if let ascii { return ascii }
        let parts = url.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 5, let first = parts[parts.count - 2].first, first.isUppercase, !parts[parts.count - 1].isEmpty else { return nil }
        return (parts.dropLast(2).joined(separator: "/"), String(parts[parts.count - 2]), String(parts[parts.count - 1]))
    }

    /// The number of non-empty `/`-separated parts of a text (`Patient/1`: 2), as
    /// `split(separator: "/").count` counts them; counted on the bytes of an ASCII text.
    static func segmentCount(_ text: String) -> Int {
        let count: Int? = ByteScan.withBytes(of: text) { bytes in
            guard ByteScan.isASCII(bytes) else { return nil }
            var count = 0
            var previous = UInt8(ascii: "/")
            for byte in bytes {
                if byte != UInt8(ascii: "/"), previous == UInt8(ascii: "/") { count += 1 }
                previous = byte
            }
            return count
        }
        return count ?? text.split(separator: "/").count
    }

    /// What the reference rules need of an entry.
    struct BundleEntry {
        let element: Element
        let fullUrl: String?
        let type: String?
        let id: String?
        let versionID: String?
        /// The base of the fullUrl when it is RESTful (`http://a.org/fhir` of `…/fhir/Patient/1`).
        let restfulBase: String?

        init(_ entry: Element) {
            element = entry
            fullUrl = entry.childText(named: "fullUrl")
            let resource = entry.child(named: "resource")
            type = resource?.type
            id = resource?.childText(named: "id")
            versionID = resource?.child(named: "meta")?.childText(named: "versionId")
            restfulBase = fullUrl.flatMap { Validator.Walk.restfulParts($0)?.base }
        }
    }
}
