import FHIR
import Foundation
import Store

/// The facts of a FHIR resource or Bundle that the store keeps as its header: what it is, who
/// sent it, the key that recognises a retransmission, and the patient (for search only).
///
/// | stored as | a message Bundle | another Bundle | a resource |
/// | --- | --- | --- | --- |
/// | message type | `Bundle` | `Bundle` | its type, e.g. `Patient` |
/// | trigger event | the event code (`eventCoding.code`, else `eventUri`) | `Bundle.type` | — |
/// | control ID | `Bundle.identifier`, else the MessageHeader's id | `Bundle.identifier` | `If-None-Exist` |
/// | sending application | `MessageHeader.source.endpoint` | — | — |
/// | sending facility | `MessageHeader.sender` (reference or identifier) | — | — |
/// | patient ID | the first Patient's first `identifier.value` | the same | the same (a Patient) |
///
/// A `Bundle.identifier` is written `system|value` (or just the value).
struct FHIRMessageHeader {
    var stored = MessageHeader()
    var bundleType: String?
    var eventCoding: Element?
    var eventURI: String?
    var sourceEndpoint: String?
    var destinationEndpoint: String?
    var messageHeaderID: String?

    init(_ resource: Element, ifNoneExist: String?) {
        stored.messageType = resource.type
        if resource.type == "Bundle" {
            bundleType = resource.child(named: "type")?.value?.text
            stored.triggerEvent = bundleType
            stored.controlID = resource.child(named: "identifier").flatMap(Self.identifier)
            if bundleType == "message", let header = resource.children(named: "entry").first?.child(named: "resource"), header.type == "MessageHeader" {
                read(messageHeader: header)
            }
        } else if let ifNoneExist, !ifNoneExist.isEmpty {
            // Recognises retransmissions; logs leave such a query out (it may name the patient).
            stored.controlID = "\(resource.type)?\(ifNoneExist)"
        }
        stored.patientID = Self.patientIdentifier(in: resource)
    }

    private mutating func read(messageHeader header: Element) {
        messageHeaderID = header.child(named: "id")?.value?.text
        // A choice element is named without its type suffix (`event`, of type Coding or uri).
        if let event = header.child(named: "event") {
            if event.type == "Coding" { eventCoding = event } else { eventURI = event.value?.text }
        }
        stored.triggerEvent = eventCoding?.child(named: "code")?.value?.text ?? eventURI ?? stored.triggerEvent
        if stored.controlID == nil, let id = messageHeaderID { stored.controlID = id }
        sourceEndpoint = header.child(named: "source")?.child(named: "endpoint")?.value?.text
        stored.sendingApplication = sourceEndpoint
        destinationEndpoint = header.child(named: "destination")?.child(named: "endpoint")?.value?.text
        if let sender = header.child(named: "sender") {
            stored.sendingFacility = sender.child(named: "reference")?.value?.text
                ?? sender.child(named: "identifier").flatMap(Self.identifier)
        }
    }

    /// Whether a stored control ID is an `If-None-Exist` query (`Patient?identifier=…`).
    static func isQuery(_ controlID: String) -> Bool {
        guard let mark = controlID.firstIndex(of: "?") else { return false }
        return controlID[..<mark].allSatisfy { $0.isLetter }
    }

    /// `system|value`, or the value alone.
    static func identifier(_ identifier: Element) -> String? {
        guard let value = identifier.child(named: "value")?.value?.text, !value.isEmpty else { return nil }
        guard let system = identifier.child(named: "system")?.value?.text else { return value }
        return "\(system)|\(value)"
    }

    /// The first identifier value of the resource if it is a Patient, else of the first Patient
    /// entry of a Bundle.
    static func patientIdentifier(in resource: Element) -> String? {
        if resource.type == "Patient" {
            return resource.children(named: "identifier").lazy.compactMap { $0.child(named: "value")?.value?.text }.first
        }
        guard resource.type == "Bundle" else { return nil }
        for entry in resource.children(named: "entry") {
            if let patient = entry.child(named: "resource"), patient.type == "Patient" {
                return patientIdentifier(in: patient)
            }
        }
        return nil
    }

    /// A FHIR instant in UTC with milliseconds, e.g. `2026-11-23T06:30:00.000Z`.
    static func instant(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        style.timeZone = TimeZone(identifier: "UTC")!
        return date.formatted(style)
    }
}
