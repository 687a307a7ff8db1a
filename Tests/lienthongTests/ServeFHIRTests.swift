import Foundation
import ProcessTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `lienthong serve` with a FHIR channel beside an MLLP one, as a user runs it: the HTTP
/// listener answers, and what it stored is routed and delivered to a folder.
@Suite struct ServeFHIRTests {
    struct ServeError: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `serve`, waits for its `listening:` lines, runs `body` with them, then stops it
    /// with SIGTERM (graceful shutdown) and returns its exit status.
    func withBus(config: URL, _ body: ([String]) async throws -> Void) async throws -> Int32 {
        let serve = try Serve.start(config: config, logLevel: "error")
        defer { serve.signal(SIGKILL) }
        guard await serve.eventually({ $0.lines(prefixed: "listening:").count >= 2 }) else {
            throw ServeError(description: "serve did not print its two listening lines: \(serve.output.debugDescription)")
        }
        let lines = serve.lines(prefixed: "listening:")
        try await body(lines)
        return await Serve.stop(serve)
    }

    func post(_ url: URL, _ body: String, contentType: String = "application/fhir+json") async throws -> (Int, String) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func serveTakesFHIROverHTTPBesideMLLPAndDeliversIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-serve-fhir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("bus.yaml")
        try """
            http: {host: 127.0.0.1, port: 0}
            channels:
              his: {mllp: {port: 0}, routes: [{destination: outbox}]}
              his-fhir:
                fhir: {path: /fhir}
                routes: [{destination: outbox, message-types: [Patient, "Bundle^*"]}]
            destinations:
              outbox: {file: {directory: outbox}}
            """.write(to: config, atomically: true, encoding: .utf8)
        let patient = #"{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">P</div>"},"gender":"female"}"#

        let status = try await withBus(config: config) { lines in
            #expect(lines.contains { $0.hasPrefix("listening: channel his on mllp://127.0.0.1:") })
            let http = try #require(lines.first { $0.hasPrefix("listening: channel his-fhir on http://127.0.0.1:") })
            let base = try #require(URL(string: String(http.split(separator: " ").last ?? "")))
            #expect(base.path == "/fhir")

            let (created, _) = try await post(base.appendingPathComponent("Patient"), patient)
            #expect(created == 202)
            let (invalid, outcome) = try await post(base.appendingPathComponent("Patient"), #"{"resourceType":"Patient","gender":"x"}"#)
            #expect(invalid == 422)
            #expect(outcome.contains("Patient.gender"))
            let (metadata, _) = try await URLSession.shared.data(from: base.appendingPathComponent("metadata"))
            #expect(String(decoding: metadata, as: UTF8.self).contains("CapabilityStatement"))

            // Delivered to the folder as .json, byte for byte.
            let outbox = folder.appendingPathComponent("outbox")
            var delivered: [URL] = []
            for _ in 0..<100 where delivered.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
                delivered = ((try? FileManager.default.contentsOfDirectory(at: outbox, includingPropertiesForKeys: nil)) ?? [])
                    .filter { $0.pathExtension == "json" }
            }
            let file = try #require(delivered.first)
            #expect(try Data(contentsOf: file) == Data(patient.utf8))
            #expect(delivered.count == 1, "the invalid Patient is not delivered")
        }
        #expect(status == 0)
    }
}
