extension MappingLibrary {
    /// The FHIR → HL7 v2 maps (files under `fhir-to-v2/`), by kind, sorted: the names
    /// ``FHIRToV2/convert(_:map:)`` and `lienthong map run --mapping NAME` take are `messages`.
    public var fhirToV2MapNames: (messages: [String], segments: [String], datatypes: [String]) {
        (reverseMessageMaps.keys.sorted(), reverseSegmentMaps.keys.sorted(), reverseDatatypeMaps.keys.sorted())
    }

    /// The messages (`TYPE^EVENT^STRUCTURE`) the FHIR → HL7 v2 message maps make, by map name.
    public var fhirToV2MessageTypes: [String: String] {
        reverseMessageMaps.compactMapValues { map in
            if case .message(let type, _) = map.kind { type } else { nil }
        }
    }
}
