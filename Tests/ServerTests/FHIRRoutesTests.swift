import Bus
import FHIR
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Store
import Testing
@testable import Server

/// The FHIR endpoints over HTTP: paths, statuses, media types, headers.
@Suite struct FHIRRoutesTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let validator = Validator.standard(definitions: .r4)
    static let messageIDHeader = HTTPField.Name("X-LienThong-Message-ID")!

    /// Runs `body` against a server with one FHIR channel `fhir` at `/fhir` on a fresh store.
    func withServer(
        maximumBodySize: Int = 1 << 20, framework: TestingSetup = .router,
        _ body: @escaping @Sendable (any TestClientProtocol, SQLiteStore) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-server-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(configuration: .init(path: folder.appendingPathComponent("bus.sqlite").path), logger: Self.logger)
        let intake = FHIRIntake(store: store, configuration: .init(maximumBodySize: maximumBodySize), validator: Self.validator, logger: Self.logger)
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0),
            endpoints: [FHIREndpoint(channel: "fhir", path: "/fhir", intake: intake)],
            logger: Self.logger)
        let application = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: Self.logger)
        try await application.test(framework) { client in
            try await body(client, store)
        }
        try store.close()
    }

    static let patient = #"{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">P</div>"},"gender":"male"}"#
    static let json: HTTPFields = [.contentType: "application/fhir+json"]

    func outcome(_ body: ByteBuffer) throws -> Element {
        try Element(json: Array(body.readableBytesView))
    }

    @Test func aCreateIsStoredAndAnswered202WithTheMessageID() async throws {
        try await withServer { client, store in
            try await client.execute(uri: "/fhir/Patient", method: .post, headers: Self.json, body: ByteBuffer(string: Self.patient)) { response in
                #expect(response.status.code == 202)
                #expect(response.headers[.contentType] == "application/fhir+json; charset=utf-8")
                let id = try #require(response.headers[Self.messageIDHeader].flatMap { Int64($0) })
                let stored = try #require(try await store.message(MessageID(rawValue: id)))
                #expect(stored.channel == "fhir")
                #expect(stored.format == .fhirJSON)
                let body = try outcome(response.body)
                #expect(body.type == "OperationOutcome")
            }
        }
    }

    @Test func metadataIsAValidCapabilityStatementInJSONAndXML() async throws {
        try await withServer { client, _ in
            try await client.execute(uri: "/fhir/metadata", method: .get) { response in
                #expect(response.status.code == 200)
                let statement = try outcome(response.body)
                #expect(statement.type == "CapabilityStatement")
                let result = Self.validator.validate(statement)
                #expect(!result.hasErrors, "\(result.errors)")
                let resources = statement.child(named: "rest")?.children(named: "resource").compactMap { $0.child(named: "type")?.value?.text } ?? []
                #expect(resources.contains("Patient") && resources.contains("Bundle") && !resources.contains("Resource"))
                #expect(resources.count > 140)
            }
            try await client.execute(uri: "/fhir/metadata?_format=xml", method: .get) { response in
                #expect(response.headers[.contentType] == "application/fhir+xml; charset=utf-8")
                #expect(String(buffer: response.body).contains("<CapabilityStatement xmlns=\"http://hl7.org/fhir\">"))
            }
        }
    }

    @Test func errorsHaveTheirStatusesAndOutcomes() async throws {
        try await withServer(maximumBodySize: 200) { client, store in
            try await client.execute(uri: "/fhir/Patient", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: Self.patient)) { response in
                #expect(response.status.code == 415)
            }
            try await client.execute(uri: "/fhir/Patient", method: .post, headers: Self.json, body: ByteBuffer(string: "{\"resourceType\":")) { response in
                #expect(response.status.code == 400)
            }
            try await client.execute(uri: "/fhir/Patient", method: .post, headers: Self.json, body: ByteBuffer(string: #"{"resourceType":"Patient","gender":"mal"}"#)) { response in
                #expect(response.status.code == 422)
                let issue = try #require(try outcome(response.body).child(named: "issue"))
                #expect(issue.child(named: "expression")?.value?.text == "Patient.gender")
                #expect(response.headers[Self.messageIDHeader] != nil, "a rejected request is stored too")
            }
            let big = #"{"resourceType":"Patient","gender":"male","name":[{"text":"\#(String(repeating: "x", count: 400))"}]}"#
            try await client.execute(uri: "/fhir/Patient", method: .post, headers: Self.json, body: ByteBuffer(string: big)) { response in
                #expect(response.status.code == 413)
            }
            try await client.execute(uri: "/fhir/Nonsense", method: .post, headers: Self.json, body: ByteBuffer(string: Self.patient)) { response in
                let body = try outcome(response.body)
                #expect(response.status.code == 404)
                #expect(body.type == "OperationOutcome")
            }
            try await client.execute(uri: "/fhir/Patient", method: .get) { response in
                #expect(response.status.code == 405)
            }
            try await client.execute(uri: "/fhir", method: .post, headers: Self.json, body: ByteBuffer(string: Self.patient)) { response in
                #expect(response.status.code == 400)
            }
            let rejected = try await store.messages(matching: MessageQuery(state: .rejected), after: nil, limit: 10)
            #expect(rejected.map(\.rejection) == [.unsupportedFormat, .unparsable, .invalid, .oversized, .invalid])
            #expect(try await store.pendingRouting(limit: 10).isEmpty)
        }
    }

    @Test func processMessageAnswersWithAResponseMessageOverARealSocket() async throws {
        let message = #"""
            {"resourceType":"Bundle","type":"message","timestamp":"2026-11-23T08:00:00+07:00","entry":[
             {"fullUrl":"urn:uuid:7d1c0a52-0000-4000-8000-000000000001","resource":{"resourceType":"MessageHeader","id":"7d1c0a52-0000-4000-8000-000000000001",
              "text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">M</div>"},
              "eventUri":"http://example.org/fhir/message-events/lab-result","source":{"endpoint":"http://lis.example/fhir"}}}]}
            """#
        try await withServer(framework: .live) { client, _ in
            try await client.execute(uri: "/fhir/$process-message", method: .post, headers: Self.json, body: ByteBuffer(string: message)) { response in
                #expect(response.status.code == 200)
                let bundle = try outcome(response.body)
                #expect(bundle.child(named: "type")?.value?.text == "message")
                let header = try #require(bundle.child(named: "entry")?.child(named: "resource"))
                #expect(header.child(named: "response")?.child(named: "identifier")?.value?.text == "7d1c0a52-0000-4000-8000-000000000001")
                #expect(header.child(named: "event")?.value?.text == "http://example.org/fhir/message-events/lab-result")
            }
            try await client.execute(uri: "/fhir/$process-message", method: .post, headers: Self.json, body: ByteBuffer(string: message)) { response in
                #expect(response.status.code == 200, "a retransmission gets the same kind of answer")
            }
        }
    }
}
