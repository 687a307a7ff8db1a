import FHIR
import FHIRServerSimulator
import Foundation
import Logging
import NationalPlatform
import SimulatorSupport
import Testing

@Suite struct FHIRServerSimulatorTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let vnCore = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/specs/vn-core-ig/resources").path
    static let vnCorePatient = "http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-patient"
    static let narrative = #""text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}"#

    static func patient(_ number: String, nameText: Bool = true) -> String {
        let name = nameText ? #""text":"Trần Thị B""# : #""family":"Trần""#
        return #"{"resourceType":"Patient",\#(narrative),"identifier":[{"system":"http://fhir.ehealth.gov.vn/core/sid/citizen_id","value":"\#(number)"}],"name":[{\#(name)}],"gender":"female"}"#
    }

    static func transaction(_ patients: String...) throws -> Element {
        let entries = patients.map { #"{"resource":\#($0)}"# }.joined(separator: ",")
        return try Element(json: Array(#"{"resourceType":"Bundle","type":"transaction","entry":[\#(entries)]}"#.utf8))
    }

    static func client(_ url: URL, secret: String = "demo") -> NationalPlatformClient {
        NationalPlatformClient(
            configuration: .init(
                url: url.appendingPathComponent("fhir"), tokenURL: url.appendingPathComponent("oauth/token"),
                credentials: PlatformCredentials(clientID: "demo", method: .secret(secret)), timeout: .seconds(60)),
            logger: quiet)
    }

    static func simulator(store: StoredResources, validating: Bool = false) throws -> FHIRServerSimulator {
        var configuration = FHIRServerSimulator.Configuration()
        if validating {
            let (resources, _) = try Definitions.resources(inFolder: vnCore)
            configuration.definitions = Definitions.r4.adding(resources: resources)
            configuration.profiles = [vnCorePatient]
        }
        return FHIRServerSimulator(configuration: configuration, store: store, logger: quiet)
    }

    static func entryStatuses(_ body: String) throws -> [String] {
        let bundle = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(bundle["type"] as? String == "transaction-response")
        return (bundle["entry"] as? [[String: Any]] ?? []).compactMap { ($0["response"] as? [String: String])?["status"] }
    }

    @Test func aRetriedTransactionCreatesNoDuplicate() async throws {
        let store = try StoredResources(path: nil)
        let simulator = try Self.simulator(store: store)
        let (first, second, single) = try await simulator.withRunning { url in
            let client = Self.client(url)
            let bundle = try Self.transaction(Self.patient("001"), Self.patient("002"))
            return (
                await client.send(bundle), await client.send(bundle),
                await client.send(try Element(json: Array(Self.patient("001").utf8)))
            )
        }
        #expect(first.outcome == .delivered && second.outcome == .delivered)
        #expect(try Self.entryStatuses(first.body) == ["201 Created", "201 Created"])
        #expect(try Self.entryStatuses(second.body) == ["200 OK", "200 OK"])
        #expect(single.httpStatus == 200)
        #expect(single.location == "Patient/1/_history/1")
        #expect(try store.count(type: "Patient") == 2)
        #expect(try store.all().map(\.id) == ["1", "2"])
    }

    /// A message Bundle as the HL7 v2 mappings make it: sent as a transaction without its
    /// MessageHeader; the Patient by conditional create (also given twice in the Bundle), the
    /// resources without identifiers by `PUT <type>/<id>`; references resolved.
    @Test func aMessageBundleIsSentAsAnIdempotentTransaction() async throws {
        let store = try StoredResources(path: nil)
        let simulator = try Self.simulator(store: store)
        let patient = Self.patient("008")
        let message = try Element(json: Array(#"""
            {"resourceType":"Bundle","type":"message","entry":[
              {"fullUrl":"urn:uuid:0a000000-0000-4000-8000-000000000001","resource":{"resourceType":"MessageHeader","id":"0a000000-0000-4000-8000-000000000001",
                "eventCoding":{"system":"http://terminology.hl7.org/CodeSystem/v2-0003","code":"R01"},"source":{"endpoint":"urn:test"}}},
              {"fullUrl":"urn:uuid:0a000000-0000-4000-8000-000000000002","resource":\#(patient)},
              {"fullUrl":"urn:uuid:0a000000-0000-4000-8000-000000000003","resource":{"resourceType":"Observation","id":"0a000000-0000-4000-8000-000000000003",
                "status":"final","code":{"text":"CRP"},"subject":{"reference":"urn:uuid:0a000000-0000-4000-8000-000000000002"}}},
              {"fullUrl":"urn:uuid:0a000000-0000-4000-8000-000000000004","resource":\#(patient)}]}
            """#.utf8))
        let prepared = ConditionalCreate.prepared(message)
        #expect(prepared.child(named: "type")?.value?.text == "transaction")
        #expect(prepared.children(named: "entry").map { $0.child(named: "request")?.child(named: "method")?.value?.text } == ["POST", "PUT", "POST"])
        let (first, second) = try await simulator.withRunning { url in
            let client = Self.client(url)
            return (await client.send(message), await client.send(message))
        }
        #expect(try Self.entryStatuses(first.body) == ["201 Created", "201 Created", "200 OK"], "the second Patient entry is the first")
        #expect(try Self.entryStatuses(second.body) == ["200 OK", "200 OK", "200 OK"])
        #expect(try store.all().map(\.type) == ["Patient", "Observation"])
        let observation = try #require(try store.resource(type: "Observation", id: "0a000000-0000-4000-8000-000000000003"))
        #expect(observation.version == 2, "updated in place by the second delivery")
        let patientID = try #require(try store.all().first?.id)
        #expect(observation.json.contains(#""reference":"Patient/\#(patientID)""#), "\(observation.json)")
    }

    @Test func injectedFailuresAreRetriedAndExpiredTokensRenewed() async throws {
        let store = try StoredResources(path: nil)
        let simulator = try Self.simulator(store: store)
        simulator.state.apply(FHIRSimulatorControl(failNext: 2, failStatus: 503, retryAfter: 3))
        let outcomes = try await simulator.withRunning { url in
            let client = Self.client(url)
            let bundle = try Self.transaction(Self.patient("003"))
            var outcomes = [await client.send(bundle).outcome, await client.send(bundle).outcome, await client.send(bundle).outcome]
            simulator.state.apply(FHIRSimulatorControl(expireTokens: true))
            outcomes.append(await client.send(try Self.transaction(Self.patient("004"))).outcome)
            return outcomes
        }
        #expect(outcomes == [.retryLater(retryAfter: .seconds(3)), .retryLater(retryAfter: .seconds(3)), .delivered, .delivered])
        let stats = simulator.statistics()
        #expect(stats["tokensIssued"] == 2)
        #expect(stats["refusedTokens"] == 1)
        #expect(stats["injectedFailures"] == 2)
        #expect(stats["resources"] == 2)
    }

    @Test func aWrongSecretGetsNoToken() async throws {
        let simulator = try Self.simulator(store: try StoredResources(path: nil))
        let result = try await simulator.withRunning { url in await Self.client(url, secret: "wrong").send(try Self.transaction(Self.patient("005"))) }
        #expect(result.outcome == .retryLater(retryAfter: nil))
        #expect(result.reason?.contains("authenticationFailed") == true)
        #expect(simulator.statistics()["requests"] == 0)
    }

    @Test func invalidContentIsAnswered422AndNotStored() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-fhirsim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("sim.sqlite").path
        let simulator = try Self.simulator(store: try StoredResources(path: path), validating: true)
        let (invalid, valid) = try await simulator.withRunning { url in
            let client = Self.client(url)
            return (
                await client.send(try Self.transaction(Self.patient("006", nameText: false))),
                await client.send(try Self.transaction(Self.patient("007")))
            )
        }
        #expect(invalid.outcome == .rejected)
        #expect(invalid.httpStatus == 422)
        #expect(invalid.reason?.contains("Bundle.entry[0].resource.name") == true, "\(invalid.reason ?? "")")
        #expect(valid.outcome == .delivered, "\(valid)")
        // The file keeps what was stored.
        let reopened = try StoredResources(path: path)
        #expect(try reopened.count() == 1)
        #expect(try reopened.all().first?.json.contains("007") == true)
    }
}
