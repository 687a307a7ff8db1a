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
        let isDocument = bundle.child(named: "type")?.value?.text == "document"
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
            var references: [(path: String, element: Element, reference: String)] = []
            Self.collectReferences(in: resource, path: "\(path).entry[\(index)].resource", into: &references)
            let mustResolve = isDocument && index == 0 && entry.type == "Composition"
            for (referencePath, element, reference) in references {
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
        if let range = reference.range(of: "/_history/") {
            target = String(reference[..<range.lowerBound])
            version = String(reference[range.upperBound...])
        }
        let nearMiss: ValidationIssue.Severity = mustResolve ? .error : .warning
        let absolute: String
        if Self.isAbsoluteURL(target) {
            absolute = target
        } else {
            let parts = target.split(separator: "/")
            guard parts.count == 2 else { return }
            guard let fullUrl = entry.fullUrl, let base = Self.restfulParts(fullUrl)?.base else {
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
    /// nested Bundles.
    private static func collectReferences(in element: Element, path: String, into references: inout [(path: String, element: Element, reference: String)]) {
        var indexes: [String: Int] = [:]
        for child in element.children {
            let index = indexes[child.name, default: 0]
            indexes[child.name] = index + 1
            if child.name == "contained" || child.type == "Bundle" { continue }
            let childPath = "\(path).\(child.name)[\(index)]"
            if child.type == "Reference", let reference = child.child(named: "reference")?.value?.text, !reference.hasPrefix("#") {
                references.append((childPath, child, reference))
            }
            if !child.children.isEmpty { collectReferences(in: child, path: childPath, into: &references) }
        }
    }

    /// `base` and `type` of a RESTful URL `base/Type/id` (`http://…/fhir/Patient/1`).
    static func restfulParts(_ url: String) -> (base: String, type: String, id: String)? {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { return nil }
        let parts = url.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 5, let first = parts[parts.count - 2].first, first.isUppercase, !parts[parts.count - 1].isEmpty else { return nil }
        return (parts.dropLast(2).joined(separator: "/"), String(parts[parts.count - 2]), String(parts[parts.count - 1]))
    }

    /// What the reference rules need of an entry.
    struct BundleEntry {
        let element: Element
        let fullUrl: String?
        let type: String?
        let id: String?
        let versionID: String?

        init(_ entry: Element) {
            element = entry
            fullUrl = entry.child(named: "fullUrl")?.value?.text
            let resource = entry.child(named: "resource")
            type = resource?.type
            id = resource?.child(named: "id")?.value?.text
            versionID = resource?.child(named: "meta")?.child(named: "versionId")?.value?.text
        }
    }
}
