extension Element {
    /// `resource` itself when it is a Bundle, else a `collection` Bundle with it as the only entry:
    /// what the mappings that read Bundles (FHIR → HL7 v2, FHIR → claims) start from.
    package static func bundle(wrapping resource: Element) -> Element {
        guard resource.type != "Bundle" else { return resource }
        var entry = resource
        entry.name = "resource"
        return Element(name: "Bundle", type: "Bundle", children: [
            Element(name: "type", type: "code", value: .string("collection")),
            Element(name: "entry", type: "BackboneElement", children: [entry]),
        ], position: resource.position)
    }
}
