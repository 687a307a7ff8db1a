import Foundation
import HL7v2
import MLLP
import ProcessTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `lienthong serve` scraped as Prometheus would: messages sent over MLLP show up in `/metrics`
/// by channel, type and destination, without their control IDs or patient data; `/health` and
/// `/ready` answer 200.
@Suite struct ServeMetricsTests {
    /// A GET on the bus's HTTP listener: the status and the body.
    func get(_ url: URL) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// The value of the sample `name{labels}` in Prometheus' text format (labels in any order).
    static func sample(_ name: String, _ labels: [String: String], in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") {
            guard let close = line.firstIndex(of: "}") else { continue }
            let rendered = line[line.index(line.startIndex, offsetBy: name.count + 1)..<close]
            var found: [String: String] = [:]
            for pair in rendered.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                found[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            if found == labels { return Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)) }
        }
        return nil
    }

    @Test func messagesOverMLLPAreCountedAndTimedWithoutControlIDsOrPatientData() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-serve-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("bus.yaml")
        try """
            http: {host: 127.0.0.1, port: 0}
            channels:
              his: {mllp: {port: 0}, routes: [{destination: outbox}]}
            destinations:
              outbox: {file: {directory: outbox}}
            """.write(to: config, atomically: true, encoding: .utf8)

        let serve = try Serve.start(config: config)
        defer { serve.signal(SIGKILL) }
        let client = try Serve.client(port: try await Serve.port("listening: channel his on mllp://", of: serve))
        let reload = try await Serve.address("listening: admin on ", of: serve)
        let base = try #require(URL(string: String(reload.dropLast("/admin/reload".count))))

        // Two admissions, and the first one again (a retransmission).
        for controlID in ["CTRLMETRICS001", "CTRLMETRICS002", "CTRLMETRICS001"] {
            #expect(try await client.send(Serve.admission(controlID)).code == .aa)
        }
        await client.close()

        let channel = ["channel": "his", "type": "ADT^A01"]
        // Wait (up to 60 s) for what is recorded after the ACKs reached the client: both
        // deliveries, their attempts recorded in the store, the third ACK's latency.
        var text = ""
        var delivered = false
        for _ in 0..<600 where !delivered {
            text = (try? await get(base.appendingPathComponent("metrics")).body) ?? ""
            delivered = Self.sample("lienthong_delivery_attempts_total", ["destination": "outbox", "type": "ADT^A01", "outcome": "delivered"], in: text) == 2
                && Self.sample("lienthong_store_operation_duration_seconds_count", ["operation": "record_attempt"], in: text) == 2
                && Self.sample("lienthong_ack_duration_seconds_count", ["channel": "his"], in: text) == 3
            if !delivered { try? await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(delivered, "not delivered twice, or not all recorded: \(text)")
        #expect(Self.sample("lienthong_messages_received_total", channel.merging(["outcome": "accepted"]) { a, _ in a }, in: text) == 2)
        #expect(Self.sample("lienthong_messages_received_total", channel.merging(["outcome": "duplicate"]) { a, _ in a }, in: text) == 1)
        #expect(Self.sample("lienthong_ack_duration_seconds_count", ["channel": "his"], in: text) == 3)
        #expect(Self.sample("lienthong_delivery_latency_seconds_count", ["destination": "outbox"], in: text) == 2)
        #expect(Self.sample("lienthong_store_operation_duration_seconds_count", ["operation": "receive"], in: text) == 3)
        #expect((Self.sample("lienthong_store_operation_duration_seconds_count", ["operation": "lease"], in: text) ?? 0) >= 1)
        #expect((Self.sample("lienthong_store_operation_duration_seconds_count", ["operation": "route"], in: text) ?? 0) >= 1)
        #expect(Self.sample("lienthong_store_operation_duration_seconds_count", ["operation": "record_attempt"], in: text) == 2)
        // The queue gauges exist for the destination (refreshed every 10 s from the store).
        #expect(Self.sample("lienthong_queue_depth", ["destination": "outbox"], in: text) != nil)
        // Neither a control ID nor the patient's name or identifier (NGUYEN^AN, P1).
        for secret in ["CTRLMETRICS", "NGUYEN", "P1"] {
            #expect(!text.contains(secret), "\(secret) in /metrics")
        }

        let health = try await get(base.appendingPathComponent("health"))
        #expect(health.status == 200)
        #expect(health.body == #"{"status":"ok"}"#)
        let ready = try await get(base.appendingPathComponent("ready"))
        #expect(ready.status == 200, "not ready: \(ready.body)")

        #expect(await Serve.stop(serve) == 0)
    }
}
