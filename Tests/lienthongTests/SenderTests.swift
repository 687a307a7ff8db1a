import HL7v2
import Logging
import MLLP
import MLLPTesting
import NIOCore
import Synchronization
import Testing
@testable import lienthong

/// Control IDs a test receiver saw.
final class Seen: Sendable {
    let controlIDs = Mutex<[String]>([])
}

@Suite struct SenderTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs an MLLP receiver on 127.0.0.1 that answers AA, or AE for control IDs starting with `E`.
    func withReceiver(_ body: (_ port: Int, _ seen: Seen) async throws -> Void) async throws {
        let seen = Seen()
        try await withMLLPTestServer(logger: logger, handler: { request in
            guard let message = try? Message(request.payload.readableBytesView) else { return ByteBuffer() }
            let controlID = message.controlID ?? ""
            seen.controlIDs.withLock { $0.append(controlID) }
            return ByteBuffer(bytes: message.acknowledgment(code: controlID.hasPrefix("E") ? .ae : .aa).encoded())
        }) { port, _ in
            try await body(port, seen)
        }
    }

    func message(_ controlID: String) throws -> Message {
        try Message("MSH|^~\\&|HIS|BV|LT|SYT|20261122093000||ADT^A08^ADT_A01|\(controlID)|P|2.5\rPID|1||P1\r")
    }

    @Test func sendsEveryMessageOverSeveralConnectionsWithUniqueIDs() async throws {
        try await withReceiver { port, seen in
            let clients = try (0..<3).map { _ in try MLLPClient(configuration: .init(host: "127.0.0.1", port: port), logger: logger) }
            let plan = SendPlan(messages: [try message("A"), try message("E")], repeatCount: 10, uniqueIDs: true)
            let report = await Sender(plan: plan, clients: clients, rate: nil).run()
            for client in clients { await client.close() }
            #expect(report.codes == ["AA": 10, "AE": 10])
            #expect(report.errors.isEmpty)
            #expect(report.latencies.count == 20)
            let ids = seen.controlIDs.withLock { $0 }
            #expect(ids.count == 20)
            #expect(Set(ids).count == 20, "every send has its own MSH-10")
            #expect(report.latency(quantile: 0.5) <= report.latency(quantile: 0.99))
        }
    }

    @Test func unreachableReceiverIsCountedAsErrors() async throws {
        let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: 1), logger: logger)
        let report = await Sender(plan: SendPlan(messages: [try message("A")], repeatCount: 3, uniqueIDs: false), clients: [client], rate: nil).run()
        await client.close()
        #expect(report.codes.isEmpty)
        #expect(report.errors["connectFailed"] == 3)
    }

    @Test func percentilesUseNearestRank() {
        var report = SendReport()
        report.latencies = (1...100).map { .milliseconds($0) }
        #expect(report.latency(quantile: 0.5) == .milliseconds(50))
        #expect(report.latency(quantile: 0.9) == .milliseconds(90))
        #expect(report.latency(quantile: 0.99) == .milliseconds(99))
        #expect(report.latency(quantile: 1) == .milliseconds(100))
    }

    @Test func addressMustBeMLLPURL() throws {
        #expect(try SendCommand.parse("mllp://127.0.0.1:2575") == ("127.0.0.1", 2575))
        #expect(throws: CLIError.self) { try SendCommand.parse("http://x:1") }
        #expect(throws: CLIError.self) { try SendCommand.parse("mllp://x") }
        #expect(throws: CLIError.self) { try SendCommand.parse("mllp://x:70000") }
    }
}
