/// The invariants every element or resource of R4 carries, written in Swift: `ele-1` alone is
/// evaluated for every element. Each gives the same answer as its FHIRPath expression (the
/// tests compare them over the R4 examples); anything else goes to the FHIRPath evaluator.
enum NativeInvariants {
    typealias Check = @Sendable (Element) -> Bool

    static let checks: [String: Check] = [
        // ele-1: a value or children other than id.
        "hasValue() or (children().count() > id.count())": { element in
            element.value != nil || element.children.contains { $0.name.utf8.count != 2 || $0.name != "id" }
        },
        // ext-1: an extension has either a value or extensions, not both.
        "extension.exists() != value.exists()": { element in
            element.children.contains { $0.name == "extension" } != element.children.contains { $0.name == "value" }
        },
        // dom-2: no nested contained resources.
        "contained.contained.empty()": { resource in
            !resource.children(named: "contained").contains { $0.children.contains { $0.name == "contained" } }
        },
        // dom-4: contained resources have no meta.versionId or meta.lastUpdated.
        "contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()": { resource in
            !resource.children(named: "contained").contains { contained in
                contained.children(named: "meta").contains { $0.children.contains { $0.name == "versionId" || $0.name == "lastUpdated" } }
            }
        },
        // dom-5: contained resources have no security labels.
        "contained.meta.security.empty()": { resource in
            !resource.children(named: "contained").contains { contained in
                contained.children(named: "meta").contains { $0.children.contains { $0.name == "security" } }
            }
        },
        // dom-6: a narrative (warning).
        "text.`div`.exists()": { resource in
            resource.children(named: "text").contains { $0.children.contains { $0.name == "div" } }
        },
    ]
}
