import Foundation
import Logging
import MLLPTesting
import Store
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The crash test of the FHIR intake: the bus is killed with SIGKILL at random moments while
/// clients post FHIR messages, and restarted; every message answered 200 is stored exactly once
/// (a resend of a message stored before a kill is recognised by its MessageHeader.id).
///
/// Short by default (CI); `LIENTHONG_LONG_TESTS=1` posts 5,000 messages and kills 6 times.
@Suite(.serialized) struct HTTPCrashTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func message(_ index: Int) -> String {
        let id = String(format: "00000000-0000-4000-8000-%012d", index)
        return #"""
            {"resourceType":"Bundle","type":"message","timestamp":"2026-11-23T08:00:00+07:00","entry":[
             {"fullUrl":"urn:uuid:\#(id)","resource":{"resourceType":"MessageHeader","id":"\#(id)",
              "text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">M</div>"},
              "eventUri":"http://example.org/fhir/message-events/admit","source":{"endpoint":"http://his.example/fhir"}}}]}
            """#
    }

    @Test func killedAndRestartedBusLosesNoAnsweredFHIRMessage() async throws {
        let total = CrashTests.isLong ? 5_000 : 600
        let kills = CrashTests.isLong ? 6 : 2
        let clients = 4

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-http-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = try await freeLoopbackPort(logger: logger)
        let config = folder.appendingPathComponent("bus.yaml")
        try """
            store:
              sqlite: {path: bus.sqlite}
            http: {host: 127.0.0.1, port: \(port)}
            channels:
              his-fhir: {fhir: {path: /fhir}}
            destinations: {}
            """.write(to: config, atomically: true, encoding: .utf8)
        let bus = BusProcess(executable: try CrashTests.executable(), arguments: ["serve", "--config", config.path, "--log-level", "error"])
        try bus.start()
        defer { bus.abandon() }

        let url = try #require(URL(string: "http://127.0.0.1:\(port)/fhir/$process-message"))
        let answered = Acknowledged()
        let senders = (0..<clients).map { client in
            { @Sendable in
                for index in (client..<total).striding(by: clients) {
                    try await Self.post(Self.message(index), to: url, until: answered, id: index)
                }
            }
        }
        try await bus.run(senders, killing: kills, pauses: 300...1200, state: answered)
        await bus.stop()
        let ids = answered.ids.withLock { $0 }
        #expect(ids.count == total, "every message is answered 200 in the end (clients resend until then)")

        let store = try SQLiteStore.openedAsTheBus(path: folder.appendingPathComponent("bus.sqlite").path, logger: logger)
        defer { try? store.close() }
        var stored: [String: Int] = [:]
        var after: MessageID?
        while true {
            let page = try await store.messages(matching: MessageQuery(channel: "his-fhir"), after: after, limit: 1000)
            for message in page {
                stored[message.header.controlID ?? "", default: 0] += 1
                #expect(message.format == .fhirJSON)
            }
            guard let last = page.last else { break }
            after = last.id
        }
        #expect(ids.allSatisfy { stored[$0] == 1 }, "an answered message is missing from the store or stored twice")
        #expect(stored.count == total)
        #expect(answered.kills.withLock { $0 } >= 1, "the bus was never killed while messages flowed")
        print("HTTP crash test: \(total) messages, \(answered.kills.withLock { $0 }) kills, \(answered.resends.withLock { $0 }) resends")
    }

    /// Posts until the answer is 200, retrying while the bus is down.
    static func post(_ body: String, to url: URL, until answered: Acknowledged, id index: Int) async throws {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/fhir+json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        request.timeoutInterval = 5
        for _ in 0..<600 {
            if let (_, response) = try? await URLSession.shared.data(for: request), (response as? HTTPURLResponse)?.statusCode == 200 {
                answered.ids.withLock { _ = $0.insert(String(format: "00000000-0000-4000-8000-%012d", index)) }
                return
            }
            answered.resends.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CrashTestError("message \(index) was never answered 200")
    }
}
