import Bus
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Store
import Testing
@testable import Server

/// The admin API: every route for every role (none, viewer, operator, admin), what each role
/// sees of a message, the actions, the parameters, and the OpenAPI description.
@Suite struct AdminAPITests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let tokens: [AdminRole: String] = [.viewer: "lt_viewer-token", .operator: "lt_operator-token", .admin: "lt_admin-token"]
    static let epoch = Date(timeIntervalSince1970: 1_790_000_000)

    static let yaml = """
        store: {sqlite: {path: unused.sqlite}}
        channels:
          his:
            mllp: {port: 2575}
            routes: [{destination: lab}, {destination: platform, mapping: v2-to-fhir}]
        destinations:
          lab: {mllp: {host: 127.0.0.1, port: 6661}}
          platform: {file: {directory: out}}
        security:
          tokens:
        \(AdminRole.allCases.map { "    - {name: \($0.rawValue)-name, role: \($0.rawValue), sha256: \(APIToken(name: "", role: $0, digest: APIToken.digest(of: tokens[$0]!)).hexDigest)}" }.joined(separator: "\n"))
        """

    /// A store with two messages of patient P1: `routed`'s entries are a delivered one at `lab`
    /// (one attempt, ACK kept) and a mapped one at `platform` that became a dead letter;
    /// `other` was filtered.
    struct Fixture {
        var store: SQLiteStore
        var routed: MessageID
        var other: MessageID
        var deadLetter: EntryID
        var delivered: EntryID
    }

    func withAPI(
        reload: @escaping @Sendable () async -> ConfigurationReload = { ConfigurationReload(applied: true, errors: [], changes: ["nothing"]) },
        _ body: @escaping @Sendable (any TestClientProtocol, Fixture) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-admin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(configuration: .init(path: folder.appendingPathComponent("bus.sqlite").path), logger: Self.logger)
        let configuration = try BusConfiguration(yaml: Self.yaml, file: "bus.yaml", baseDirectory: folder, environment: [:])

        func incoming(_ control: String, patient: String) -> IncomingMessage {
            let text = "MSH|^~\\&|HIS|BV|LIS|LAB|20260101||ADT^A01|\(control)|P|2.5\rPID|||\(patient)||NGUYEN^AN\r"
            return IncomingMessage(
                channel: "his", raw: Array(text.utf8),
                header: MessageHeader(messageType: "ADT", triggerEvent: "A01", controlID: control, sendingApplication: "HIS", sendingFacility: "BV", patientID: patient),
                receivedAt: Self.epoch)
        }
        let routed = try await store.receive(incoming("C1", patient: "P1"), deduplicationWindow: .zero).messageID
        let entries = try await store.route(
            routed,
            entries: [
                RouteEntry(destination: "lab"),
                RouteEntry(destination: "platform", payload: Array(#"{"resourceType":"Bundle","type":"message"}"#.utf8), payloadFormat: .fhirJSON, mapping: "v2-to-fhir"),
            ],
            now: Self.epoch)
        for lease in try await store.lease(destination: "lab", limit: 1, duration: .seconds(30), now: Self.epoch) {
            let report = AttemptReport(
                startedAt: Self.epoch, duration: .milliseconds(15), responseCode: "AA", response: Array("MSH|^~\\&|LIS\rMSA|AA|C1\r".utf8), error: nil)
            try await store.recordAttempt(report, for: lease, outcome: .delivered, now: Self.epoch)
        }
        for lease in try await store.lease(destination: "platform", limit: 1, duration: .seconds(30), now: Self.epoch) {
            let report = AttemptReport(startedAt: Self.epoch, duration: .milliseconds(20), responseCode: "HTTP 422", response: nil, error: "refused")
            try await store.recordAttempt(report, for: lease, outcome: .deadLetter(reason: "refused"), now: Self.epoch)
        }
        let other = try await store.receive(incoming("C2", patient: "P2"), deduplicationWindow: .zero).messageID
        try await store.route(other, entries: [], now: Self.epoch)

        let api = AdminAPI(store: store, configuration: { configuration }, reload: { _, _ in await reload() }, now: { Self.epoch.addingTimeInterval(90) },
            passwordCost: 10)
        let router = Router()
        api.add(to: router)
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: Self.logger)
        try await application.test(.router) { client in
            try await body(client, Fixture(store: store, routed: routed, other: other, deadLetter: entries[1], delivered: entries[0]))
        }
        try store.close()
    }

    static func headers(_ role: AdminRole?) -> HTTPFields {
        guard let role else { return [:] }
        return [.authorization: "Bearer \(tokens[role]!)"]
    }

    static func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    /// A route as the tests call it: the path with ids and names filled in, the template the
    /// OpenAPI document names, the lowest role allowed, a body, and the status when allowed.
    struct RouteCall: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var template: String
        var role: AdminRole
        var body: String? = nil
        var status: HTTPResponse.Status = .ok
    }

    /// Every authenticated route, in an order in which each succeeds for a role allowed to call
    /// it; a request with less gets 401 (no token) or 403. (`POST /api/session`, the login, is
    /// the one route without authentication: `loginLogoutAndTheCSRFHeader`.)
    static let routes: [RouteCall] = [
        RouteCall(method: .get, path: "/api/session", template: "/api/session", role: .viewer),
        RouteCall(method: .get, path: "/api/channels", template: "/api/channels", role: .viewer),
        RouteCall(method: .get, path: "/api/destinations", template: "/api/destinations", role: .viewer),
        RouteCall(method: .get, path: "/api/stats", template: "/api/stats", role: .viewer),
        RouteCall(method: .get, path: "/api/messages", template: "/api/messages", role: .viewer),
        RouteCall(method: .get, path: "/api/messages/1", template: "/api/messages/{id}", role: .viewer),
        RouteCall(method: .get, path: "/api/messages/1/hl7", template: "/api/messages/{id}/hl7", role: .operator),
        RouteCall(method: .post, path: "/api/messages/1/replay", template: "/api/messages/{id}/replay", role: .operator),
        RouteCall(method: .post, path: "/api/entries/2/replay", template: "/api/entries/{id}/replay", role: .operator),
        RouteCall(method: .post, path: "/api/entries/2/discard", template: "/api/entries/{id}/discard", role: .operator),
        RouteCall(method: .post, path: "/api/destinations/platform/dead-letters/retry", template: "/api/destinations/{name}/dead-letters/retry", role: .operator),
        RouteCall(method: .post, path: "/api/destinations/platform/pause", template: "/api/destinations/{name}/pause", role: .operator),
        RouteCall(method: .post, path: "/api/destinations/platform/resume", template: "/api/destinations/{name}/resume", role: .operator),
        RouteCall(method: .post, path: "/api/config/reload", template: "/api/config/reload", role: .admin),
        RouteCall(method: .get, path: "/api/users", template: "/api/users", role: .admin),
        RouteCall(
            method: .post, path: "/api/users", template: "/api/users", role: .admin,
            body: #"{"name": "minh", "role": "viewer", "password": "mật khẩu dài"}"#, status: .created),
        RouteCall(method: .put, path: "/api/users/minh", template: "/api/users/{name}", role: .admin, body: #"{"role": "operator"}"#),
        RouteCall(method: .delete, path: "/api/users/minh", template: "/api/users/{name}", role: .admin, status: .noContent),
        RouteCall(method: .delete, path: "/api/session", template: "/api/session", role: .viewer, status: .noContent),
    ]

    @Test(arguments: [nil] + AdminRole.allCases)
    func everyRouteChecksTheRole(role: AdminRole?) async throws {
        try await withAPI { client, fixture in
            for route in Self.routes {
                try await client.execute(
                    uri: route.path, method: route.method, headers: Self.headers(role), body: route.body.map { ByteBuffer(string: $0) }
                ) { response in
                    switch role {
                    case nil:
                        #expect(response.status == .unauthorized, "\(route.path)")
                        #expect(response.headers[.wwwAuthenticate] == "Bearer")
                    case let role? where role < route.role:
                        #expect(response.status == .forbidden, "\(route.path) as \(role)")
                    case let role?:
                        #expect(response.status == route.status, "\(route.method) \(route.path) as \(role): \(String(buffer: response.body))")
                    }
                }
            }
            // Each refusal of a known caller is in the audit log.
            let denied = try await fixture.store.auditRecords(matching: AuditQuery(action: .accessDenied), after: nil, limit: 100)
            let expected = role.map { role in Self.routes.filter { role < $0.role }.count } ?? 0
            #expect(denied.count == expected)
            #expect(denied.allSatisfy { $0.actor == .token("\(role?.rawValue ?? "")-name") })
        }
    }

    @Test func anUnknownOrMalformedTokenIsRefused() async throws {
        try await withAPI { client, _ in
            for header in ["Bearer lt_nope", "Bearer ", "Basic dmlld2VyOng=", "lt_viewer-token"] {
                try await client.execute(uri: "/api/channels", method: .get, headers: [.authorization: header]) { response in
                    #expect(response.status == .unauthorized, "\(header)")
                }
            }
        }
    }

    @Test func aViewerSeesNoContentAndAnOperatorSeesAll() async throws {
        try await withAPI { client, fixture in
            let uri = "/api/messages/\(fixture.routed.rawValue)"
            try await client.execute(uri: uri, method: .get, headers: Self.headers(.viewer)) { response in
                let text = String(buffer: response.body)
                #expect(!text.contains("NGUYEN") && !text.contains("P1") && !text.contains("resourceType") && !text.contains("MSA"), "\(text)")
                let body = try Self.object(response.body)
                #expect(body["raw"] == nil)
                let entries = try #require(body["entries"] as? [[String: Any]])
                #expect(entries.map { $0["state"] as? String } == ["delivered", "dead_letter"])
                #expect(entries[1]["lastError"] as? String == "refused")
                #expect(entries.allSatisfy { $0["output"] == nil })
                let attempts = try #require(entries[0]["attempts"] as? [[String: Any]])
                #expect(attempts.first?["responseCode"] as? String == "AA" && attempts.first?["response"] == nil)
            }
            try await client.execute(uri: uri, method: .get, headers: Self.headers(.operator)) { response in
                let body = try Self.object(response.body)
                #expect((body["raw"] as? [String: Any])?["text"] as? String == "MSH|^~\\&|HIS|BV|LIS|LAB|20260101||ADT^A01|C1|P|2.5\rPID|||P1||NGUYEN^AN\r")
                let entries = try #require(body["entries"] as? [[String: Any]])
                let output = try #require(entries[1]["output"] as? [String: Any])
                #expect(output["format"] as? String == "fhir+json")
                #expect((output["content"] as? [String: Any])?["text"] as? String == #"{"resourceType":"Bundle","type":"message"}"#)
                let attempts = try #require(entries[0]["attempts"] as? [[String: Any]])
                #expect((attempts.first?["response"] as? [String: Any])?["text"] as? String == "MSH|^~\\&|LIS\rMSA|AA|C1\r")
            }
            try await client.execute(uri: "/api/messages/999", method: .get, headers: Self.headers(.viewer)) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func messagesAreSearchedAndPaged() async throws {
        try await withAPI { client, fixture in
            func ids(_ query: String, _ role: AdminRole = .viewer) async throws -> (status: HTTPResponse.Status, ids: [Int64], next: Int64?) {
                try await client.execute(uri: "/api/messages" + query, method: .get, headers: Self.headers(role)) { response in
                    guard response.status == .ok else { return (response.status, [], nil) }
                    let body = try Self.object(response.body)
                    let messages = body["messages"] as? [[String: Any]] ?? []
                    return (response.status, messages.compactMap { ($0["id"] as? NSNumber)?.int64Value }, (body["next"] as? NSNumber)?.int64Value)
                }
            }
            #expect(try await ids("").ids == [fixture.routed.rawValue, fixture.other.rawValue])
            #expect(try await ids("?controlID=C2").ids == [fixture.other.rawValue])
            #expect(try await ids("?state=filtered").ids == [fixture.other.rawValue])
            #expect(try await ids("?type=ADT&event=A01&sendingFacility=BV&channel=his").ids.count == 2)
            #expect(try await ids("?from=2026-09-22T00:00:00Z").ids.isEmpty, "received before that time")
            #expect(try await ids("?from=2026-09-21T00:00:00Z&to=2026-09-22T00:00:00Z").ids.count == 2)
            let first = try await ids("?limit=1")
            #expect(first.ids == [fixture.routed.rawValue] && first.next == fixture.routed.rawValue)
            #expect(try await ids("?limit=1&after=\(first.next!)").ids == [fixture.other.rawValue])
            #expect(try await ids("?patientID=P2").status == .forbidden, "a viewer may not search by patient")
            #expect(try await ids("?patientID=P2", .operator).ids == [fixture.other.rawValue])
            #expect(try await ids("?limit=0").status == .badRequest)
            #expect(try await ids("?state=lost").status == .badRequest)
            #expect(try await ids("?from=yesterday").status == .badRequest)
            #expect(try await ids("?patient=P2").status == .badRequest, "an unknown parameter is an error, not ignored")
            let searches = try await fixture.store.auditRecords(matching: AuditQuery(action: .searchMessages), after: nil, limit: 10)
            #expect(searches.map(\.actor) == [.token("operator-name")], "the operator's search by patient, not the refused one")
            #expect(!searches.contains { $0.detail.contains("P2") || $0.target.contains("P2") }, "never the identifier")
        }
    }

    @Test func channelsAndDestinationsTellWhatIsStuck() async throws {
        try await withAPI { client, fixture in
            try await client.execute(uri: "/api/destinations", method: .get, headers: Self.headers(.viewer)) { response in
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
                #expect(body.map { $0["name"] as? String } == ["lab", "platform"])
                #expect(body.map { $0["kind"] as? String } == ["mllp", "file"])
                #expect((body[0]["entries"] as? [String: Int]) == ["delivered": 1])
                #expect((body[1]["entries"] as? [String: Int]) == ["dead_letter": 1])
                #expect(body.allSatisfy { $0["oldestPendingSeconds"] == nil }, "nothing waits")
            }
            _ = try await fixture.store.replay(entry: fixture.deadLetter, now: Self.epoch)
            try await client.execute(uri: "/api/destinations", method: .get, headers: Self.headers(.viewer)) { response in
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
                #expect((body[1]["oldestPendingSeconds"] as? NSNumber)?.doubleValue == 90, "the replay has waited 90 s")
            }
            try await client.execute(uri: "/api/channels", method: .get, headers: Self.headers(.viewer)) { response in
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
                #expect(body.first?["name"] as? String == "his" && body.first?["source"] as? String == "mllp")
                #expect(body.first?["address"] as? String == "127.0.0.1:2575")
                let routes = try #require(body.first?["routes"] as? [[String: Any]])
                #expect(routes.map { $0["destination"] as? String } == ["lab", "platform"])
            }
        }
    }

    @Test func actionsReplayAndRetry() async throws {
        try await withAPI { client, fixture in
            try await client.execute(uri: "/api/destinations/platform/dead-letters/retry", method: .post, headers: Self.headers(.operator)) { response in
                let body = try Self.object(response.body)
                #expect((body["entries"] as? [NSNumber])?.count == 1)
            }
            try await client.execute(uri: "/api/destinations/platform/dead-letters/retry", method: .post, headers: Self.headers(.operator)) { response in
                let body = try Self.object(response.body)
                #expect((body["entries"] as? [NSNumber])?.isEmpty == true, "replayed dead letters are not replayed twice")
            }
            try await client.execute(uri: "/api/destinations/nowhere/dead-letters/retry", method: .post, headers: Self.headers(.operator)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(
                uri: "/api/messages/\(fixture.routed.rawValue)/replay", method: .post, headers: Self.headers(.operator),
                body: ByteBuffer(string: #"{"destination": "lab"}"#)
            ) { response in
                #expect(response.status == .ok)
                let entries = try #require(try Self.object(response.body)["entries"] as? [NSNumber])
                let first = try #require(entries.first)
                let entry = try #require(try await fixture.store.entry(EntryID(rawValue: first.int64Value)))
                #expect(entry.destination == "lab" && entry.state == .pending)
            }
            try await client.execute(
                uri: "/api/messages/\(fixture.routed.rawValue)/replay", method: .post, headers: Self.headers(.operator),
                body: ByteBuffer(string: #"{"destination": "nowhere"}"#)
            ) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/entries/\(fixture.delivered.rawValue)/replay", method: .post, headers: Self.headers(.operator)) { response in
                #expect(response.status == .ok, "a delivered entry may be delivered again")
            }
            try await client.execute(uri: "/api/entries/424242/replay", method: .post, headers: Self.headers(.operator)) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func theHL7ViewNamesEachFieldFromTheDefinitions() async throws {
        try await withAPI { client, fixture in
            try await client.execute(uri: "/api/messages/\(fixture.routed.rawValue)/hl7", method: .get, headers: Self.headers(.operator)) { response in
                #expect(response.status == .ok)
                let body = try Self.object(response.body)
                #expect(body["version"] as? String == "2.5" && body["definitionsVersion"] as? String == "2.5")
                let segments = try #require(body["segments"] as? [[String: Any]])
                #expect(segments.map { $0["id"] as? String } == ["MSH", "PID"])
                /// A field of a segment by its position; an empty object (whose lookups fail) when absent.
                func field(_ segment: Int, _ position: Int) -> [String: Any] {
                    let fields = segments[segment]["fields"] as? [[String: Any]] ?? []
                    return fields.first { ($0["position"] as? Int) == position } ?? [:]
                }
                #expect(field(0, 1)["value"] as? String == "|", "MSH-1 is the field separator")
                #expect(field(0, 10)["name"] as? String == "MESSAGE_CONTROL_ID" && (field(0, 10)["value"] as? String) == "C1")
                let type = field(0, 9)
                #expect(type["name"] as? String == "MESSAGE_TYPE" && type["value"] as? String == "ADT^A01")
                let components = try #require((type["repetitions"] as? [[String: Any]])?.first?["components"] as? [[String: Any]])
                #expect(components.map { $0["name"] as? String } == ["MESSAGE_CODE", "TRIGGER_EVENT"])
                #expect(components.map { $0["value"] as? String } == ["ADT", "A01"])
                let identifiers = field(1, 3)
                #expect(identifiers["name"] as? String == "PATIENT_IDENTIFIER_LIST" && identifiers["value"] as? String == "P1")
                #expect(identifiers["repetitions"] == nil, "a single value has no repetitions")
                let name = field(1, 5)
                let nameComponents = try #require((name["repetitions"] as? [[String: Any]])?.first?["components"] as? [[String: Any]])
                #expect(nameComponents.first?["name"] as? String == "FAMILY_NAME" && nameComponents.first?["value"] as? String == "NGUYEN")
            }
            let views = try await fixture.store.auditRecords(matching: AuditQuery(action: .viewMessage), after: nil, limit: 10)
            #expect(views.map(\.target) == ["message \(fixture.routed.rawValue)"], "the view of the content is audited")
            #expect(views.first?.actor == .token("operator-name"))
            try await client.execute(uri: "/api/messages/\(fixture.routed.rawValue)/hl7", method: .get, headers: Self.headers(.viewer)) { response in
                #expect(response.status == .forbidden)
                #expect(!String(buffer: response.body).contains("NGUYEN"), "no content for a viewer")
            }
            try await client.execute(uri: "/api/messages/999/hl7", method: .get, headers: Self.headers(.operator)) { response in
                #expect(response.status == .notFound)
            }
            let bundle = IncomingMessage(
                channel: "his", raw: Array(#"{"resourceType":"Bundle"}"#.utf8), format: .fhirJSON, header: MessageHeader(), receivedAt: Self.epoch)
            let fhir = try await fixture.store.receive(bundle, deduplicationWindow: .zero).messageID
            try await client.execute(uri: "/api/messages/\(fhir.rawValue)/hl7", method: .get, headers: Self.headers(.operator)) { response in
                #expect(response.status == .unprocessableContent, "a FHIR message has no HL7 v2 view")
            }
        }
    }

    @Test func aRefusedReloadIs422() async throws {
        try await withAPI(reload: { .refused(["bus.yaml:3:5: channels.his: unknown key"]) }) { client, _ in
            try await client.execute(uri: "/api/config/reload", method: .post, headers: Self.headers(.admin)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("unknown key"))
            }
        }
    }

    @Test func theOpenAPIDocumentDescribesEveryRoute() async throws {
        try await withAPI { client, _ in
            try await client.execute(uri: "/api/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                let document = try Self.object(response.body)
                #expect(document["openapi"] as? String == "3.1.0")
                let paths = try #require(document["paths"] as? [String: [String: Any]])
                let described = Set(paths.flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
                #expect(described == Set(AdminAPIDescription.operations))
                let routed = Set(Self.routes.map { "\($0.method.rawValue) \($0.template)" } + ["POST /api/session"])
                #expect(routed == described, "every route is described, every description routed")
            }
        }
    }
}
