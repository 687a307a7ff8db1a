import FHIR
import Foundation

/// The CapabilityStatement a FHIR channel answers `GET <base>/metadata` with: what the bus
/// accepts (create of every R4 resource type, transaction, batch, `$process-message`), in JSON
/// and XML. The bus stores and forwards; it serves no reads or searches.
enum FHIRCapabilities {
    /// The statement, built from the definitions' resource types.
    static func statement(definitions: Definitions, date: Date = Date()) -> Element {
        let types = definitions.typeNames.filter {
            definitions.isResourceType($0) && $0 != "Resource" && $0 != "DomainResource"
        }
        let resources: [[String: Any]] = types.map { type in
            [
                "type": type,
                "interaction": [["code": "create"]],
                "conditionalCreate": true,
            ]
        }
        let statement: [String: Any] = [
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": String(ISO8601DateFormatter().string(from: date).prefix(10)),
            "kind": "instance",
            "software": ["name": "LienThong"],
            "implementation": ["description": "LienThong integration bus: FHIR intake (stored, then routed and delivered)"],
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json", "application/fhir+xml"],
            "rest": [[
                "mode": "server",
                "documentation": "Accepted resources are stored before the answer (202) and then routed to the channel's destinations.",
                "resource": resources,
                "interaction": [["code": "transaction"], ["code": "batch"]],
                "operation": [[
                    "name": "process-message",
                    "definition": "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message",
                ]],
            ]],
            "messaging": [[
                "documentation": "Message Bundles are accepted at the base and at $process-message; the response message means the message is stored.",
            ]],
        ]
        let bytes = (try? JSONSerialization.data(withJSONObject: statement, options: [.sortedKeys])).map { [UInt8]($0) } ?? []
        // Built from constants above; reading it back cannot fail unless the definitions are broken.
        return (try? Element(json: bytes, definitions: definitions)) ?? Element(name: "CapabilityStatement", type: "CapabilityStatement")
    }
}
