import Foundation
import HL7v2
import Logging
import Mapping
import ServiceLifecycle
import Store
import Synchronization
import Testing
@testable import Bus

/// A destination that records what it was given (payload and format) and accepts everything.
final class RecordingDestination: Destination {
    let deliveries = Mutex<[(payload: [UInt8], format: MessageFormat)]>([])

    func deliver(_ lease: Lease) async -> DeliveryResult {
        deliveries.withLock { $0.append((lease.payload, lease.format)) }
        return DeliveryResult(verdict: .delivered, responseCode: "200")
    }
}

/// Routes with a mapping (the router as transformer) and hot reload of the mappings folder.
@Suite struct MappingRouteTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    /// The project's shipped mappings.
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("mappings")

    /// A copy of the shipped mappings in a temporary folder, for tests that edit it.
    func copyOfMappings(in folder: URL) throws -> URL {
        let copy = folder.appendingPathComponent("mappings")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.shipped, to: copy)
        return copy
    }

    func resourceTypes(_ payload: [UInt8]) throws -> [String] {
        let bundle = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        #expect(bundle["resourceType"] as? String == "Bundle")
        let entries = bundle["entry"] as? [[String: Any]] ?? []
        return entries.compactMap { ($0["resource"] as? [String: Any])?["resourceType"] as? String }
    }

    @Test func aRouteWithAMappingEnqueuesTheMappedMessageBesideTheRawOne() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let catalog = try MappingCatalog(folder: Self.shipped)
        let intake = Intake(store: temporary.store, logger: logger)
        _ = await intake.receive(hl7("ADT^A01^ADT_A01", controlID: "M1", patient: "P1"), channel: "his", receivedAt: start)
        let routes = [
            Route(destination: "platform", mapping: "v2-to-fhir"),
            Route(destination: "registry", mapping: "ADT_A01"),
            Route(destination: "lis"),
            Route(destination: "national", mapping: "v2-to-fhir with vn-core"),
        ]
        try await Router(store: temporary.store, routes: ["his": routes], mappings: catalog, logger: logger).routePending(now: start)

        let platform = try await temporary.store.lease(destination: "platform", limit: 10, duration: .seconds(30), now: start)
        #expect(platform.map(\.format) == [.fhirJSON])
        #expect(platform.first?.entry.mapping == "v2-to-fhir")
        let types = try resourceTypes(try #require(platform.first?.payload))
        #expect(types.first == "MessageHeader")
        #expect(types.contains("Patient") && types.contains("Encounter"))
        let registry = try await temporary.store.lease(destination: "registry", limit: 10, duration: .seconds(30), now: start)
        #expect(registry.first?.payload == platform.first?.payload, "the same map, chosen by name or by event")
        let national = try await temporary.store.lease(destination: "national", limit: 10, duration: .seconds(30), now: start)
        let profiled = String(decoding: try #require(national.first?.payload), as: UTF8.self)
        #expect(profiled.contains("http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-patient"), "the profile option applies")
        #expect(national.first?.entry.mapping == "v2-to-fhir with vn-core")
        let lis = try await temporary.store.lease(destination: "lis", limit: 10, duration: .seconds(30), now: start)
        #expect(lis.map(\.format) == [.hl7v2])
        #expect(lis.first?.payload == hl7("ADT^A01^ADT_A01", controlID: "M1", patient: "P1"))
    }

    @Test func aFHIRChannelsRouteMapsTheBundleToHL7v2() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let catalog = try MappingCatalog(folder: Self.shipped)
        let bundle = #"""
            {"resourceType":"Bundle","type":"collection","timestamp":"2026-11-22T09:30:00+07:00","identifier":{"value":"B-1"},"entry":[
             {"fullUrl":"urn:uuid:p","resource":{"resourceType":"Patient","identifier":[{"value":"P-1"}],"name":[{"family":"NGUYEN","given":["AN"]}]}},
             {"fullUrl":"urn:uuid:o","resource":{"resourceType":"Observation","status":"final","subject":{"reference":"urn:uuid:p"},
               "code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"valueQuantity":{"value":13.2,"unit":"g/dL"}}}]}
            """#
        let received = try await temporary.store.receive(
            IncomingMessage(channel: "web", raw: Array(bundle.utf8), format: .fhirJSON, header: MessageHeader(messageType: "Bundle", controlID: "B-1"), receivedAt: start),
            deduplicationWindow: .seconds(0))
        let broken = try await temporary.store.receive(
            IncomingMessage(channel: "web", raw: Array(#"{"resourceType":"Bundle","type":"collection"}"#.utf8), format: .fhirJSON,
                            header: MessageHeader(messageType: "Bundle", controlID: "B-2"), receivedAt: start),
            deduplicationWindow: .seconds(0))
        let routes = ["web": [Route(destination: "lis", mapping: "fhir-to-v2"), Route(destination: "archive")]]
        try await Router(store: temporary.store, routes: routes, mappings: catalog, logger: logger).routePending(now: start)

        let lis = try await temporary.store.lease(destination: "lis", limit: 10, duration: .seconds(30), now: start)
        #expect(lis.map(\.format) == [.hl7v2])
        let message = try HL7v2.Message(try #require(lis.first?.payload))
        #expect(message.messageType == "ORU" && message.triggerEvent == "R01")
        #expect(message.segments.map(\.id).contains("OBX"))
        let archive = try await temporary.store.lease(destination: "archive", limit: 10, duration: .seconds(30), now: start)
        #expect(archive.map(\.format) == [.fhirJSON, .fhirJSON], "the other route gets the Bundles as received")
        let failed = try await temporary.store.entries(of: broken.messageID)
        #expect(failed.first { $0.destination == "lis" }?.state == .deadLettered, "a Bundle no map takes is a dead letter")
        #expect(try await temporary.store.entries(of: received.messageID).allSatisfy { $0.state == .leased })
    }

    @Test func aFailedMappingIsADeadLetterWhoseReplayIsMappedAgainOnceTheMappingIsFixed() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let folder = try copyOfMappings(in: temporary.folder)
        let catalog = try MappingCatalog(folder: folder)
        let intake = Intake(store: temporary.store, logger: logger)
        // No message map takes ZLT^Z01 (a hospital's own event).
        let received = await intake.receive(hl7("ZLT^Z01", controlID: "Z1", patient: "SECRET-PID"), channel: "his", receivedAt: start)
        let id = try #require(received.messageID)
        try await Router(store: temporary.store, routes: ["his": [Route(destination: "platform", mapping: "v2-to-fhir")]], mappings: catalog, logger: logger)
            .routePending(now: start)

        let entries = try await temporary.store.entries(of: id)
        #expect(entries.map(\.state) == [.deadLettered])
        let reason = try #require(entries.first?.lastError)
        #expect(reason.contains("mapping v2-to-fhir failed"))
        #expect(reason.contains("ZLT^Z01"))
        #expect(!reason.contains("SECRET-PID") && !reason.contains("DOE"), "no patient data in the reason")
        #expect(try await temporary.store.message(id)?.state == .routed, "the message is kept, routed")

        // The analyst adds a map for the event; the running bus reloads it; the dead letter is replayed.
        try """
            message ZLT^Z01 -> Bundle message
            MSH -> MessageHeader                  via MSH-MessageHeader
            PID -> Patient as patient             via PID-Patient
            """.write(to: folder.appendingPathComponent("v2-to-fhir/messages/ZLT_Z01.map"), atomically: true, encoding: .utf8)
        guard case .reloaded(generation: 2) = catalog.reloadIfChanged() else {
            Issue.record("the fixed folder should reload")
            return
        }
        try await temporary.store.replay(entry: entries[0].id, now: start)
        let destination = RecordingDestination()
        let worker = DestinationWorker(name: "platform", store: temporary.store, destination: destination, mappings: catalog, logger: logger)
        #expect(try await worker.deliverDue(now: { start }) == 1)
        let delivered = destination.deliveries.withLock { $0 }
        #expect(delivered.map(\.format) == [.fhirJSON])
        #expect(try resourceTypes(try #require(delivered.first?.payload)) == ["MessageHeader", "Patient"])
    }

    @Test func aReplayWhoseMappingStillFailsIsADeadLetterAgainWithoutReachingTheDestination() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let catalog = try MappingCatalog(folder: Self.shipped)
        let intake = Intake(store: temporary.store, logger: logger)
        let id = try #require(await intake.receive(hl7("ZLT^Z01", controlID: "Z2", patient: "P2"), channel: "his", receivedAt: start).messageID)
        try await Router(store: temporary.store, routes: ["his": [Route(destination: "platform", mapping: "v2-to-fhir")]], mappings: catalog, logger: logger)
            .routePending(now: start)
        let failed = try #require(try await temporary.store.entries(of: id).first)
        let replay = try await temporary.store.replay(entry: failed.id, now: start)
        let destination = RecordingDestination()
        let worker = DestinationWorker(name: "platform", store: temporary.store, destination: destination, mappings: catalog, logger: logger)
        #expect(try await worker.deliverDue(now: { start }) == 1)
        #expect(destination.deliveries.withLock { $0.isEmpty }, "unmapped bytes never reach a destination that wants the mapping")
        let entry = try await temporary.store.entry(replay)
        #expect(entry?.state == .deadLettered)
        #expect(entry?.lastError?.contains("no message map takes ZLT^Z01") == true)
        #expect(try await temporary.store.attempts(of: replay).first?.report.error?.contains("mapping v2-to-fhir failed") == true)
    }

    @Test func aBrokenEditIsRejectedAndThePreviousMappingsKeepRunning() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-mappings-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let mappings = try copyOfMappings(in: folder)
        let catalog = try MappingCatalog(folder: mappings)
        guard case .unchanged = catalog.reloadIfChanged() else {
            Issue.record("nothing changed")
            return
        }
        let broken = mappings.appendingPathComponent("v2-to-fhir/segments/PID-Patient.map")
        let original = try String(contentsOf: broken, encoding: .utf8)
        try (original + "\nPID-5 -> nosuchElement via XPN-HumanName\n").write(to: broken, atomically: true, encoding: .utf8)
        guard case .failed(let errors) = catalog.reloadIfChanged() else {
            Issue.record("a broken folder must not load")
            return
        }
        #expect(errors.errors.contains { $0.file.hasSuffix("PID-Patient.map") && $0.line != nil })
        #expect(catalog.generation == 1, "the previous mappings stay in use")
        let message = hl7("ADT^A01^ADT_A01", controlID: "K1", patient: "P1")
        guard case .success(let output) = catalog.map(message, format: .hl7v2, with: "v2-to-fhir") else {
            Issue.record("the previous mappings still map")
            return
        }
        #expect(try resourceTypes(output.payload).contains("Patient"))
        guard case .unchanged = catalog.reloadIfChanged() else {
            Issue.record("the same broken folder is not loaded again")
            return
        }
        // Fixed: a constant the next messages show.
        try (original + "\n\"hot-reloaded\" -> identifier[+].system\n").write(to: broken, atomically: true, encoding: .utf8)
        guard case .reloaded(generation: 2) = catalog.reloadIfChanged() else {
            Issue.record("the fixed folder loads")
            return
        }
        guard case .success(let again) = catalog.map(message, format: .hl7v2, with: "v2-to-fhir") else {
            Issue.record("the new mappings map")
            return
        }
        #expect(String(decoding: again.payload, as: UTF8.self).contains("hot-reloaded"))
    }

    @Test func theWatcherPicksUpAnEditedFolder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-mappings-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let mappings = try copyOfMappings(in: folder)
        let catalog = try MappingCatalog(folder: mappings)
        let watcher = MappingWatcher(catalog: catalog, interval: .milliseconds(20), reloadsOnHangUp: false, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await watcher.run() }
            try "message ZLT^Z02 -> Bundle message\nMSH -> MessageHeader via MSH-MessageHeader\n"
                .write(to: mappings.appendingPathComponent("v2-to-fhir/messages/ZLT_Z02.map"), atomically: true, encoding: .utf8)
            // Bounded wait (not a timing goal): the watcher checks every 20 ms.
            for _ in 0..<500 where !catalog.library.events.contains("ZLT^Z02") {
                try await Task.sleep(for: .milliseconds(10))
            }
            group.cancelAll()
        }
        #expect(catalog.library.events.contains("ZLT^Z02"))
        #expect(catalog.generation == 2)
    }

    @Test func configurationNamesTheFolderAndRouteMappingsAndChecksThem() throws {
        let base = URL(fileURLWithPath: "/srv/lienthong")
        let yaml = """
            mappings:
              folder: maps
              watch: off
            channels:
              his:
                mllp: {port: 2575}
                routes:
                  - destination: platform
                    mapping: v2-to-fhir
                  - destination: lis
                    mapping: NO_SUCH_MAP
              web:
                fhir: {path: /fhir}
                routes:
                  - destination: platform
                    mapping: v2-to-fhir
            destinations:
              platform: {file: {directory: out}}
              lis: {file: {directory: lis}}
            """
        let configuration = try BusConfiguration(yaml: yaml, file: "bus.yaml", baseDirectory: base, environment: [:])
        #expect(configuration.mappings.folder.path == "/srv/lienthong/maps")
        #expect(configuration.mappings.watchInterval == nil)
        #expect(configuration.needsMappings)
        #expect(configuration.channels[0].routes.map(\.mapping) == ["v2-to-fhir", "NO_SUCH_MAP"])
        let catalog = try MappingCatalog(folder: Self.shipped)
        #expect(throws: ConfigurationError.self) { try configuration.validate(mappings: catalog, file: "bus.yaml") }
        do {
            try configuration.validate(mappings: catalog, file: "bus.yaml")
        } catch {
            #expect(error.key == "channels.his.routes[1].mapping")
            #expect(error.message.contains("no mapping \"NO_SUCH_MAP\""))
        }
        var fixed = configuration
        fixed.channels[0].routes[1].mapping = "ORU_R01 with no-such-profile"
        do {
            try fixed.validate(mappings: catalog, file: "bus.yaml")
            Issue.record("an unknown profile option is refused")
        } catch {
            #expect(error.key == "channels.his.routes[1].mapping")
        }
        fixed.channels[0].routes[1].mapping = "ORU_R01 with vn-core"
        var reverse = fixed
        reverse.channels[1].routes[0].mapping = "fhir-to-v2"
        try reverse.validate(mappings: catalog, file: "bus.yaml")
        do {
            try fixed.validate(mappings: catalog, file: "bus.yaml")
            Issue.record("a FHIR channel's route cannot map HL7 v2")
        } catch {
            #expect(error.key == "channels.web.routes[0].mapping")
        }
        let channelWide = try BusConfiguration(
            yaml: """
                channels:
                  his:
                    mllp: {port: 2575}
                    mapping: v2-to-fhir with vn-core
                    routes: [{destination: a}, {destination: b, mapping: ORU_R01}, {destination: c, mapping: none}]
                destinations: {a: {file: {directory: a}}, b: {file: {directory: b}}, c: {file: {directory: c}}}
                """,
            file: "bus.yaml", baseDirectory: base, environment: [:])
        #expect(channelWide.channels[0].routes.map(\.mapping) == ["v2-to-fhir with vn-core", "ORU_R01", nil], "the channel's mapping is each route's default")
        let defaults = try BusConfiguration(
            yaml: "channels: {his: {mllp: {port: 2575}, routes: [{destination: a}]}}\ndestinations: {a: {file: {directory: a}}}",
            file: "bus.yaml", baseDirectory: base, environment: [:])
        #expect(defaults.mappings.folder.path == "/srv/lienthong/mappings")
        #expect(defaults.mappings.watchInterval == .seconds(2))
        #expect(!defaults.needsMappings)
        #expect(throws: ConfigurationError.self) {
            try BusConfiguration(
                yaml: "mappings: {watch: 0s}\nchannels: {his: {mllp: {port: 2575}, routes: [{destination: a}]}}\ndestinations: {a: {file: {directory: a}}}",
                file: "bus.yaml", baseDirectory: base, environment: [:])
        }
    }
}
