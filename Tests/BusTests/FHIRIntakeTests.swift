import FHIR
import Foundation
import Logging
import Store
import Testing
@testable import Bus

/// The FHIR intake: what is answered, what is stored, what is recognised as a retransmission.
@Suite struct FHIRIntakeTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let validator = Validator.standard(definitions: .r4)

    func intake(_ store: any MessageStore, _ configuration: FHIRIntake.Configuration = .init()) -> FHIRIntake {
        FHIRIntake(store: store, configuration: configuration, validator: Self.validator, logger: logger)
    }

    static let patient = #"""
        {"resourceType":"Patient","identifier":[{"system":"http://fhir.ehealth.gov.vn/core/sid/national_id","value":"001203004567"}],
         "gender":"female","birthDate":"1990-04-01","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">A patient</div>"}}
        """#

    static func message(id: String = "f3a1b2c4-0000-4000-8000-000000000001", identifier: String? = nil) -> String {
        let bundleIdentifier = identifier.map { #","identifier":{"system":"urn:ietf:rfc:3986","value":"\#($0)"}"# } ?? ""
        return #"""
            {"resourceType":"Bundle","type":"message","timestamp":"2026-11-23T08:00:00+07:00"\#(bundleIdentifier),
             "entry":[
              {"fullUrl":"urn:uuid:\#(id)","resource":{"resourceType":"MessageHeader","id":"\#(id)",
                "eventCoding":{"system":"http://example.org/events","code":"admit"},
                "source":{"endpoint":"http://his.bv-a.example/fhir"},
                "sender":{"reference":"Organization/bv-a"},
                "focus":[{"reference":"urn:uuid:5c2e1c55-0000-4000-8000-000000000002"}]}},
              {"fullUrl":"urn:uuid:5c2e1c55-0000-4000-8000-000000000002","resource":\#(patient)}
             ]}
            """#
    }

    func request(_ text: String, _ interaction: FHIRIntake.Interaction, contentType: String? = "application/fhir+json", ifNoneExist: String? = nil) -> FHIRIntake.Request {
        FHIRIntake.Request(interaction: interaction, contentType: contentType, body: Array(text.utf8), ifNoneExist: ifNoneExist)
    }

    /// The message a response says was stored.
    func storedMessage(_ response: FHIRIntake.Response, in store: any MessageStore) async throws -> StoredMessage {
        let id = try #require(response.messageID)
        return try #require(try await store.message(id))
    }

    /// The OperationOutcome's issues as (severity, expression, diagnostics).
    func issues(_ response: FHIRIntake.Response) -> [(severity: String, expression: String?, diagnostics: String)] {
        response.resource.children(named: "issue").map {
            ($0.child(named: "severity")?.value?.text ?? "", $0.child(named: "expression")?.value?.text, $0.child(named: "diagnostics")?.value?.text ?? "")
        }
    }

    @Test func aResourceIsStoredAsFHIRWithItsHeaderBeforeA202() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let response = await intake(temporary.store).receive(request(Self.patient, .create(type: "Patient")), channel: "fhir", receivedAt: start)
        #expect(response.status == 202)
        #expect(response.resource.type == "OperationOutcome")
        let id = try #require(response.messageID)
        let stored = try #require(try await temporary.store.message(id))
        #expect(stored.raw == Array(Self.patient.utf8))
        #expect(stored.format == .fhirJSON)
        #expect(stored.state == .received)
        #expect(stored.header.messageType == "Patient")
        #expect(stored.header.patientID == "001203004567")
        #expect(stored.header.controlID == nil)
    }

    @Test func aMessageIsAnsweredWithAResponseMessageAndRecognisedWhenSentAgain() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let intake = intake(temporary.store)
        let first = await intake.receive(request(Self.message(), .processMessage), channel: "fhir", receivedAt: start)
        #expect(first.status == 200)
        #expect(first.resource.type == "Bundle")
        let header = try #require(first.resource.child(named: "entry")?.child(named: "resource"))
        #expect(header.type == "MessageHeader")
        #expect(header.child(named: "response")?.child(named: "identifier")?.value?.text == "f3a1b2c4-0000-4000-8000-000000000001")
        #expect(header.child(named: "response")?.child(named: "code")?.value?.text == "ok")
        #expect(header.child(named: "destination")?.child(named: "endpoint")?.value?.text == "http://his.bv-a.example/fhir")
        #expect(header.child(named: "event")?.child(named: "code")?.value?.text == "admit")
        // The answer is itself valid FHIR.
        #expect(!Self.validator.validate(first.resource).hasErrors, "\(Self.validator.validate(first.resource).errors)")

        let stored = try await storedMessage(first, in: temporary.store)
        #expect(stored.header.messageType == "Bundle")
        #expect(stored.header.triggerEvent == "admit")
        #expect(stored.header.controlID == "f3a1b2c4-0000-4000-8000-000000000001")
        #expect(stored.header.sendingApplication == "http://his.bv-a.example/fhir")
        #expect(stored.header.sendingFacility == "Organization/bv-a")
        #expect(stored.header.patientID == "001203004567")

        let again = await intake.receive(request(Self.message(), .bundle), channel: "fhir", receivedAt: start.addingTimeInterval(60))
        #expect(again.status == 200)
        #expect(again.isDuplicate)
        #expect(again.messageID == first.messageID)
        #expect(try await temporary.store.pendingRouting(limit: 10).count == 1)
    }

    @Test func bundleIdentifierAndIfNoneExistAreIdempotencyKeys() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let intake = intake(temporary.store)
        let transaction = #"""
            {"resourceType":"Bundle","type":"transaction","identifier":{"system":"urn:ietf:rfc:3986","value":"urn:uuid:0b7f3c1e-0000-4000-8000-00000000000a"},
             "entry":[{"fullUrl":"urn:uuid:0b7f3c1e-0000-4000-8000-00000000000b","resource":\#(Self.patient),"request":{"method":"POST","url":"Patient"}}]}
            """#
        let first = await intake.receive(request(transaction, .bundle), channel: "fhir", receivedAt: start)
        #expect(first.status == 202)
        let second = await intake.receive(request(transaction, .bundle), channel: "fhir", receivedAt: start.addingTimeInterval(1))
        #expect(second.status == 200)
        #expect(second.isDuplicate)
        #expect(second.messageID == first.messageID)
        #expect(issues(second).first?.diagnostics.contains("already received") == true)
        let stored = try await storedMessage(first, in: temporary.store)
        #expect(stored.header.controlID == "urn:ietf:rfc:3986|urn:uuid:0b7f3c1e-0000-4000-8000-00000000000a")
        #expect(stored.header.triggerEvent == "transaction")

        let query = "identifier=http://fhir.ehealth.gov.vn/core/sid/national_id|001203004567"
        let created = await intake.receive(request(Self.patient, .create(type: "Patient"), ifNoneExist: query), channel: "fhir", receivedAt: start)
        let repeated = await intake.receive(request(Self.patient, .create(type: "Patient"), ifNoneExist: query), channel: "fhir", receivedAt: start.addingTimeInterval(2))
        let other = await intake.receive(request(Self.patient, .create(type: "Patient")), channel: "fhir", receivedAt: start.addingTimeInterval(3))
        #expect([created.status, repeated.status, other.status] == [Int](arrayLiteral: 202, 200, 202))
        #expect(repeated.messageID == created.messageID)
        #expect(other.messageID != created.messageID)
        // A zero window turns recognition off.
        let noWindow = self.intake(temporary.store, .init(deduplicationWindow: .zero))
        #expect(await noWindow.receive(request(transaction, .bundle), channel: "fhir", receivedAt: start).status == 202)
    }

    @Test func badInputGetsAPreciseOutcomeAndIsKeptAsRejected() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let intake = intake(temporary.store)

        let notFHIR = await intake.receive(request("MSH|^~\\&|", .bundle, contentType: "x-application/hl7-v2+er7"), channel: "fhir", receivedAt: start)
        #expect(notFHIR.status == 415)
        #expect(issues(notFHIR).first?.diagnostics.contains("application/fhir+json") == true)
        let noType = await intake.receive(request(Self.patient, .bundle, contentType: nil), channel: "fhir", receivedAt: start)
        #expect(noType.status == 415)

        let broken = await intake.receive(request("{\"resourceType\":\"Patient\",\n \"gender\": }", .create(type: "Patient")), channel: "fhir", receivedAt: start)
        #expect(broken.status == 400)
        #expect(issues(broken).first?.severity == "fatal")
        #expect(issues(broken).first?.diagnostics.contains("line 2") == true, "\(issues(broken))")

        let wrongEndpoint = await intake.receive(request(Self.patient, .create(type: "Observation")), channel: "fhir", receivedAt: start)
        #expect(wrongEndpoint.status == 400)
        #expect(issues(wrongEndpoint).first?.diagnostics.contains("takes a Observation") == true)
        let notABundle = await intake.receive(request(Self.patient, .processMessage), channel: "fhir", receivedAt: start)
        #expect(notABundle.status == 400)

        let invalid = await intake.receive(request(#"{"resourceType":"Patient","gender":"mal","nickname":"x"}"#, .create(type: "Patient")), channel: "fhir", receivedAt: start)
        #expect(invalid.status == 422)
        let expressions = issues(invalid).filter { $0.severity == "error" }.compactMap(\.expression)
        #expect(expressions.contains("Patient.gender"), "\(issues(invalid))")
        #expect(issues(invalid).contains { $0.severity == "error" && $0.diagnostics.contains("unknown element 'nickname' (line 1, column 42)") }, "\(issues(invalid))")

        // Every rejected request is kept, never routed.
        let rejected = try await temporary.store.messages(matching: MessageQuery(state: .rejected), after: nil, limit: 10)
        #expect(rejected.map(\.rejection) == [.unsupportedFormat, .unsupportedFormat, .unparsable, .invalid, .invalid, .invalid])
        #expect(rejected.map(\.format) == [.unknown, .unknown, .fhirJSON, .fhirJSON, .fhirJSON, .fhirJSON])
        #expect(rejected.map(\.id) == [notFHIR, noType, broken, wrongEndpoint, notABundle, invalid].compactMap(\.messageID))
        #expect(try await temporary.store.pendingRouting(limit: 10).isEmpty)
    }

    @Test func anOversizedBodyIsAnswered413AndItsStartKept() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let intake = intake(temporary.store, .init(maximumBodySize: 100))
        let response = await intake.reject(oversized: Array("{\"resourceType\":".utf8), length: 5000, contentType: "application/fhir+json", channel: "fhir", receivedAt: start)
        #expect(response.status == 413)
        #expect(issues(response).first?.diagnostics.contains("5000 bytes") == true)
        let stored = try await storedMessage(response, in: temporary.store)
        #expect(stored.rejection == .oversized)
        #expect(stored.raw == Array("{\"resourceType\":".utf8))
    }

    @Test func xmlIsReadAndStoredAsXML() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let xml = #"<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">A</div></text><gender value="male"/></Patient>"#
        let response = await intake(temporary.store).receive(request(xml, .create(type: "Patient"), contentType: "application/fhir+xml; charset=utf-8"), channel: "fhir", receivedAt: start)
        #expect(response.status == 202, "\(issues(response))")
        let stored = try await storedMessage(response, in: temporary.store)
        #expect(stored.format == .fhirXML)
    }

    @Test func aStoreFailureIsAnswered503AndNothingIsAcknowledged() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        try temporary.store.close()
        let response = await intake(temporary.store).receive(request(Self.patient, .create(type: "Patient")), channel: "fhir", receivedAt: start)
        #expect(response.status == 503)
        #expect(response.messageID == nil)
    }

    @Test func fhirMessagesAreRoutedByTheirStoredHeader() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let intake = intake(temporary.store)
        let message = await intake.receive(request(Self.message(), .processMessage), channel: "fhir", receivedAt: start)
        let patient = await intake.receive(request(Self.patient, .create(type: "Patient")), channel: "fhir", receivedAt: start)
        let routes = [
            Route(destination: "admissions", filter: MessageFilter(types: ["Bundle^admit"], conditions: [] as [FilterCondition])),
            Route(destination: "patients", filter: MessageFilter(types: ["Patient"], conditions: [] as [FilterCondition])),
            Route(destination: "from-bv-a", filter: MessageFilter(sendingFacilities: ["Organization/bv-a"], conditions: [] as [FilterCondition])),
            Route(destination: "hl7-only", filter: try MessageFilter(conditions: ["PID-8 = F"])),
            Route(destination: "archive"),
        ]
        try await Router(store: temporary.store, routes: ["fhir": routes], logger: logger).routePending(now: start)
        let messageEntries = try await temporary.store.entries(of: try #require(message.messageID)).map(\.destination)
        let patientEntries = try await temporary.store.entries(of: try #require(patient.messageID)).map(\.destination)
        #expect(messageEntries == ["admissions", "from-bv-a", "archive"])
        #expect(patientEntries == ["patients", "archive"])
    }

    @Test func unknownExtensionsAreWarningsUnlessConfiguredAsErrors() async throws {
        let temporary = try TemporaryStore()
        defer { try? FileManager.default.removeItem(at: temporary.folder) }
        let patient = #"{"resourceType":"Patient","extension":[{"url":"http://benhvien-a.vn/fhir/ext/ward","valueString":"A3"}],"gender":"male"}"#
        let lenient = await intake(temporary.store).receive(request(patient, .create(type: "Patient")), channel: "fhir", receivedAt: start)
        #expect(lenient.status == 202)
        #expect(issues(lenient).contains { $0.severity == "warning" && $0.diagnostics.contains("http://benhvien-a.vn/fhir/ext/ward") })
        let strict = await intake(temporary.store, .init(allowsUnknownExtensions: false)).receive(request(patient, .create(type: "Patient")), channel: "fhir", receivedAt: start)
        #expect(strict.status == 422)
    }

    @Test func mediaTypesAreReadWithoutParameters() {
        #expect(FHIRIntake.Encoding(mediaType: "application/fhir+json; fhirVersion=4.0") == .json)
        #expect(FHIRIntake.Encoding(mediaType: "Application/JSON") == .json)
        #expect(FHIRIntake.Encoding(mediaType: "text/xml;charset=utf-8") == .xml)
        #expect(FHIRIntake.Encoding(mediaType: "text/plain") == nil)
    }
}

extension FHIRIntakeTests {
    @Test func logsNameTheRequestButNotAnIfNoneExistQuery() {
        let query = MessageHeader(messageType: "Patient", controlID: "Patient?identifier=urn:oid:1.2|001203004567")
        #expect(FHIRIntake.metadata(query, channel: "fhir")["hl7.control_id"] == nil)
        #expect(FHIRIntake.metadata(query, channel: "fhir")["hl7.message_type"] != nil)
        let message = MessageHeader(messageType: "Bundle", triggerEvent: "admit", controlID: "f3a1b2c4-0000-4000-8000-000000000001")
        #expect(FHIRIntake.metadata(message, channel: "fhir")["hl7.control_id"] == "f3a1b2c4-0000-4000-8000-000000000001")
    }
}
