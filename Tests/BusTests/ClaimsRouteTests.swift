import Foundation
import HL7v2
import InsuranceVN
import Logging
import Store
import Testing
@testable import Bus

/// Routes with the `claims` mapping: FHIR or HL7 v2 in, a claim envelope (claims+xml) out.
@Suite struct ClaimsRouteTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("InsuranceVNTests/Fixtures")

    func receive(_ raw: [UInt8], format: MessageFormat, id: String, on store: SQLiteStore) async throws -> ReceiveResult {
        try await store.receive(
            IncomingMessage(channel: "web", raw: raw, format: format, header: MessageHeader(messageType: "Bundle", controlID: id), receivedAt: start),
            deduplicationWindow: .seconds(0))
    }

    @Test func aRouteBuildsTheClaimOfABundleAndDeadLettersAnIncompleteOne() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let catalog = try MappingCatalog(folder: MappingRouteTests.shipped, claimsFacility: "79001")
        #expect(catalog.contains("claims", for: .fhirJSON) && catalog.contains("claims", for: .hl7v2))
        #expect(catalog.contains("claims with vn-core", for: .hl7v2))
        #expect(catalog.names(for: .fhirJSON).contains("claims"))
        let bundle = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("fhir/outpatient-visit.json")))
        let good = try await receive(bundle, format: .fhirJSON, id: "B-1", on: temporary.store)
        let patientOnly = #"{"resourceType":"Patient","gender":"female","name":[{"family":"Nguyễn"}]}"#
        let bad = try await receive(Array(patientOnly.utf8), format: .fhirJSON, id: "B-2", on: temporary.store)
        let routes = ["web": [Route(destination: "gateway", mapping: "claims")]]
        try await Router(store: temporary.store, routes: routes, mappings: catalog, logger: logger).routePending(now: start)

        let leased = try await temporary.store.lease(destination: "gateway", limit: 10, duration: .seconds(30), now: start)
        #expect(leased.map(\.format) == [.claimsXML])
        let envelope = String(decoding: try #require(leased.first?.payload), as: UTF8.self)
        #expect(envelope.contains("<GIAMDINHHS>") && envelope.contains("<MACSKCB>79001</MACSKCB>"))
        #expect(envelope.contains("<NGAYLAP>20240312</NGAYLAP>"))
        #expect(["XML1", "XML2", "XML3", "XML4"].allSatisfy { envelope.contains("<LOAIHOSO>\($0)</LOAIHOSO>") })
        #expect(try await temporary.store.entries(of: good.messageID).allSatisfy { $0.state == .leased })

        let failed = try #require(try await temporary.store.entries(of: bad.messageID).first)
        #expect(failed.state == .deadLettered)
        let reason = try #require(failed.lastError)
        #expect(reason.contains("mapping claims failed") && reason.contains("XML1.MA_LK.required"))
        #expect(!reason.contains("Nguyễn"), "reasons name rules, never values")
    }

    /// A claims route on HL7 v2 builds on the billing message (DFT^P03) with the visit's other
    /// messages, found by patient and visit number (PV1-19): with the visit's ADT and pharmacy
    /// orders the claim is complete; the same DFT^P03 for a visit the bus has nothing else of is
    /// a dead letter naming the rules it breaks, and replayed once they have arrived it builds;
    /// an ADT on a claims route bills nothing and is a dead letter saying so.
    @Test func aDFTBuildsTheClaimOfItsVisitWithTheVisitsOtherMessages() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let catalog = try MappingCatalog(folder: MappingRouteTests.shipped, claimsFacility: "79001")
        func fixture(_ name: String) throws -> String {
            try String(contentsOf: Self.fixtures.appendingPathComponent("hl7v2/\(name)"), encoding: .utf8)
        }
        let lone = try fixture("visit-dft-p03.hl7")
            .replacingOccurrences(of: "79001.240310.000456", with: "79001.240312.000789")
            .replacingOccurrences(of: "DFT24031500031", with: "DFT24031200044")
        // Another patient's ADT with the same visit number must not be taken.
        let stranger = try fixture("visit-adt-a03.hl7")
            .replacingOccurrences(of: "BN0078123", with: "BN0099999")
            .replacingOccurrences(of: "ADT24031500012", with: "ADT24031500099")
            .replacingOccurrences(of: "1^Khỏi^99VNKQDT", with: "3^Không thay đổi^99VNKQDT")
        let texts = [
            try fixture("visit-adt-a01.hl7"), try fixture("visit-rde-o11.hl7"), try fixture("visit-adt-a03.hl7"), stranger,
            try fixture("visit-dft-p03.hl7"), lone,
        ]
        let intake = Intake(store: temporary.store, logger: logger)
        var ids: [MessageID] = []
        for text in texts {
            ids.append(try #require(await intake.receive(Array(text.utf8), channel: "his", receivedAt: start).messageID))
        }
        let claims = Route(destination: "gateway", filter: try MessageFilter(types: ["DFT^P03"]), mapping: "claims with vn-core")
        let everything = Route(destination: "everything", mapping: "claims with vn-core")
        try await Router(store: temporary.store, routes: ["his": [claims, everything]], mappings: catalog, logger: logger).routePending(now: start)

        let built = try #require(try await temporary.store.entries(of: ids[4]).first { $0.destination == "gateway" })
        #expect(built.state == .pending, "\(built.lastError ?? "")")
        let leased = try await temporary.store.lease(destination: "gateway", limit: 10, duration: .seconds(30), now: start)
        #expect(leased.count == 1)
        let envelope = try ClaimEnvelope(xml: Data(try #require(leased.first?.payload)))
        let summary = try #require(try envelope.documents().first { $0.table.name == "XML1" }?.records.first)
        #expect(summary["MA_LK"] == "79001.240310.000456")
        #expect(summary["MA_QUOCTICH"] == "704")
        #expect(summary["KET_QUA_DTRI"] == "1", "PV2-42 of the visit's ADT^A03, not of the other patient's later one")
        let drugs = try #require(try envelope.documents().first { $0.table.name == "XML2" }).records
        #expect(drugs.map { $0["DUONG_DUNG"] } == ["2.15", "1.01"], "RXR of the RDE^O11")

        let dead = try #require(try await temporary.store.entries(of: ids[5]).first { $0.destination == "gateway" })
        #expect(dead.state == .deadLettered)
        let reason = dead.lastError ?? ""
        #expect(reason.contains("[XML1.MA_QUOCTICH.required]") && reason.contains("more"), "\(reason)")
        #expect(!reason.contains("Lê") && !reason.contains("BN0078123"), "reasons name rules, never values")

        let admission = try #require(try await temporary.store.entries(of: ids[0]).first)
        #expect(admission.destination == "everything" && admission.state == .deadLettered)
        #expect(admission.lastError?.contains("the claim has no line") == true, "\(admission.lastError ?? "")")

        // The lone visit's ADT and pharmacy order arrive late; replaying the dead letter builds
        // the claim with them (the destination worker maps a replayed entry again).
        for name in ["visit-adt-a03.hl7", "visit-rde-o11.hl7"] {
            let late = try fixture(name).replacingOccurrences(of: "79001.240310.000456", with: "79001.240312.000789")
                .replacingOccurrences(of: "|P|2.5.1|", with: "-LATE|P|2.5.1|")
            #expect(await intake.receive(Array(late.utf8), channel: "his", receivedAt: start).code == .aa)
        }
        try await Router(store: temporary.store, routes: ["his": [claims]], mappings: catalog, logger: logger).routePending(now: start)
        let replayed = try await temporary.store.replay(entry: dead.id, now: start)
        let outbox = temporary.folder.appendingPathComponent("outbox")
        let worker = DestinationWorker(
            name: "gateway", store: temporary.store, destination: FileDestination(directory: outbox), mappings: catalog, logger: logger)
        let now = start.addingTimeInterval(60)
        #expect(try await worker.deliverDue(now: { now }) >= 1)
        let again = try #require(try await temporary.store.entry(replayed))
        #expect(again.state == .delivered, "\(again.lastError ?? "")")
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: outbox.path)).isEmpty)
    }

    @Test func configurationNamesTheFacilityAndAClaimsRouteNeedsIt() throws {
        let yaml = """
            mappings:
              claims: {facility: "79001"}
            channels:
              web:
                fhir: {path: /fhir}
                routes:
                  - {destination: gateway, mapping: claims}
            destinations:
              gateway: {file: {directory: out}}
            """
        let base = URL(fileURLWithPath: "/srv/lienthong")
        let configuration = try BusConfiguration(yaml: yaml, file: "bus.yaml", baseDirectory: base, environment: [:])
        #expect(configuration.mappings.claimsFacility == "79001")
        try configuration.validate(mappings: try MappingCatalog(folder: MappingRouteTests.shipped, claimsFacility: "79001"), file: "bus.yaml")
        #expect(throws: ConfigurationError.self) {
            try configuration.validate(mappings: try MappingCatalog(folder: MappingRouteTests.shipped), file: "bus.yaml")
        }
        #expect(throws: ConfigurationError.self) {
            try BusConfiguration(yaml: yaml.replacingOccurrences(of: "\"79001\"", with: "\"7900\""), file: "bus.yaml", baseDirectory: base, environment: [:])
        }
    }
}
