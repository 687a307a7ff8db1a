import FHIR

extension PrescriptionBuilder {
    /// The resources of a Bundle, by type and by reference (`fullUrl` or `Type/id`).
    struct Resources {
        var byType: [String: [Element]] = [:]
        var byReference: [String: Element] = [:]

        init(bundle: Element) {
            for entry in bundle.children(named: "entry") {
                guard let resource = entry.child(named: "resource") else { continue }
                byType[resource.type, default: []].append(resource)
                if let fullURL = entry.child(named: "fullUrl")?.value?.text { byReference[fullURL] = resource }
                if let id = resource.child(named: "id")?.value?.text { byReference["\(resource.type)/\(id)"] = resource }
            }
        }

        func all(_ type: String) -> [Element] { byType[type] ?? [] }

        func resolve(_ reference: String) -> Element? {
            if let found = byReference[reference] { return found }
            // An absolute URL ending in Type/id.
            let parts = reference.split(separator: "/")
            guard parts.count >= 2 else { return nil }
            return byReference[parts.suffix(2).joined(separator: "/")]
        }
    }
}
