import Foundation
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
