import Foundation
import HL7v2
import Store

/// Finds the other HL7 v2 messages of a visit in the store, for a claims route that builds the
/// visit's claim on its billing message (DFT^P03): the patient, visit, diagnoses, cards and
/// outcome of its ADT messages, the route, dosage and strength of its pharmacy orders (RDE), its
/// results (ORU). The router uses it when it routes the billing message, a destination worker
/// when it maps a replayed dead letter again (so a claim that was incomplete builds with the
/// messages that arrived since).
struct VisitLookup: Sendable {
    /// The message types whose earlier messages of a visit complete its claim.
    static let messageTypes: Set<String> = ["ADT", "RDE", "ORU"]

    /// How far back a visit's messages are looked for: a year before the billing message.
    static let lookback: TimeInterval = 366 * 24 * 3600

    /// How many of the patient's messages of that year are read, at most, to find a visit's.
    static let limit = 5_000

    let store: any MessageStore

    /// Whether a route's mapping builds claims (``MappingCatalog/claims``, with or without a profile).
    static func buildsClaims(_ mapping: String?) -> Bool {
        mapping.map { MappingCatalog.parts(of: $0).map == MappingCatalog.claims } ?? false
    }

    /// The other HL7 v2 messages of the visit `stored` belongs to, in arrival order: those of
    /// the same patient (the stored patient identifier, `patient-id`, PID-3.1 by default) with
    /// the same visit number (PV1-19.1), of the types in ``messageTypes``, in the store now
    /// (received from ``lookback`` before it on; at most ``limit`` read), not rejected. When the
    /// billing message is routed these are the ones sent before it; when its dead letter is
    /// replayed, also those that arrived since. Empty when the message is not HL7 v2 or has no
    /// patient identifier or visit number.
    func messages(before stored: StoredMessage, parsed message: Message?) async throws -> [Message] {
        guard stored.format == .hl7v2, let patient = stored.header.patientID, !patient.isEmpty,
              let visit = message?.value(at: "PV1-19.1"), !visit.isEmpty
        else { return [] }
        var found: [Message] = []
        var cursor: MessageID?
        var read = 0
        let query = MessageQuery(patientID: patient, receivedFrom: stored.receivedAt.addingTimeInterval(-Self.lookback))
        while read < Self.limit {
            let page = try await store.messages(matching: query, after: cursor, limit: 200)
            guard let last = page.last else { break }
            cursor = last.id
            read += page.count
            for candidate in page {
                guard candidate.id != stored.id, candidate.format == .hl7v2, candidate.state != .rejected,
                      let type = candidate.header.messageType, Self.messageTypes.contains(type),
                      let parsed = try? Message(candidate.raw),
                      parsed.value(at: "PV1-19.1") == visit
                else { continue }
                found.append(parsed)
            }
        }
        return found
    }
}
