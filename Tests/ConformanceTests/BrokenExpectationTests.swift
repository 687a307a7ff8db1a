import Conformance
import Foundation
import Testing

/// A broken expectation must fail its case, with a message and a diff that say what differs —
/// and the same case with the right expectation must pass (so the failure is the expectation's).
@Suite struct BrokenExpectationTests {
    @Test("a wrong ACK code fails the case and names both codes; the right one passes")
    func wrongAcknowledgmentCode() async throws {
        let suite = try TemporarySuite([
            "a.hl7": TemporarySuite.adt("BROKEN-ACK-1"),
            "b.hl7": TemporarySuite.adt("BROKEN-ACK-2"),
            "suite.yaml": """
                cases:
                  - {id: wrong, kind: hl7v2, messages: a.hl7, expect: {ack: AE, errors: ["101"]}}
                  - {id: right, kind: hl7v2, messages: b.hl7, expect: {ack: AA, within: 60s}}
                """,
        ])
        defer { suite.remove() }
        let results = try await suite.run()
        let wrong = try #require(results[id: "wrong"])
        #expect(wrong.status == .failed)
        #expect(wrong.message.contains("expected AE, got AA"))
        #expect(wrong.message.contains("no ERR segment with the code 101"))
        #expect(wrong.actual.contains("MSA|AA|BROKEN-ACK-1"))
        #expect(results[id: "right"]?.status == .passed, "\(results[id: "right"]?.message ?? "")")
    }

    @Test("a missing delivery fails the case with the receiver and the counts; a routed message passes")
    func missingDelivery() async throws {
        let suite = try TemporarySuite([
            "adt.hl7": TemporarySuite.adt("BROKEN-DELIVERY-1"),
            "oru.hl7": TemporarySuite.adt("BROKEN-DELIVERY-2", type: "ORU^R01^ORU_R01"),
            "bus.yaml": """
                store: {sqlite: {path: "${CONFORMANCE_DATA}/bus.sqlite"}}
                channels:
                  in:
                    mllp: {host: 127.0.0.1, port: 0}
                    routes:
                      - {destination: lis, message-types: ["ORU^R01"]}
                destinations:
                  lis:
                    mllp: {host: 127.0.0.1, port: "${RECEIVER_LIS_PORT}"}
                """,
            "suite.yaml": """
                bus: bus.yaml
                receivers:
                  lis: {protocol: mllp}
                cases:
                  - id: not-routed
                    kind: hl7v2
                    timeout: 15s
                    messages: adt.hl7
                    expect: {ack: AA, deliveries: [{receiver: lis, count: 1}]}
                  - id: routed
                    kind: hl7v2
                    messages: oru.hl7
                    expect: {ack: AA, deliveries: [{receiver: lis, count: 1}]}
                """,
        ])
        defer { suite.remove() }
        let results = try await suite.run()
        let missing = try #require(results[id: "not-routed"])
        #expect(missing.status == .failed)
        #expect(missing.message.contains("receiver lis: expected 1 delivery per message, got 0"))
        #expect(results[id: "routed"]?.status == .passed, "\(results[id: "routed"]?.message ?? "")")
    }

    @Test("a FHIR case expecting a delivery that does not come fails with the receiver; the routed one passes")
    func missingFHIRDelivery() async throws {
        let patient = #"{"resourceType":"Patient","identifier":[{"value":"MARK-ID"}],"gender":"female"}"#
        let suite = try TemporarySuite([
            "api.json": patient.replacingOccurrences(of: "MARK-ID", with: "BROKEN-FHIR-1"),
            "other.json": patient.replacingOccurrences(of: "MARK-ID", with: "BROKEN-FHIR-2"),
            "bus.yaml": """
                store: {sqlite: {path: "${CONFORMANCE_DATA}/bus.sqlite"}}
                http: {host: 127.0.0.1, port: 0}
                channels:
                  emr:
                    fhir: {path: /fhir}
                    routes: [{destination: api}]
                destinations:
                  api: {http: {url: "http://127.0.0.1:${RECEIVER_API_PORT}/fhir"}}
                """,
            "suite.yaml": """
                bus: bus.yaml
                receivers:
                  api: {protocol: http}
                  lis: {protocol: mllp}
                cases:
                  - id: not-routed
                    kind: fhir
                    timeout: 15s
                    resource: other.json
                    path: Patient
                    expect: {status: 202, deliveries: [{receiver: lis, count: 1, containing: BROKEN-FHIR-2}]}
                  - id: routed
                    kind: fhir
                    resource: api.json
                    path: Patient
                    expect: {status: 202, deliveries: [{receiver: api, count: 1, containing: BROKEN-FHIR-1}]}
                """,
        ])
        defer { suite.remove() }
        let results = try await suite.run()
        let missing = try #require(results[id: "not-routed"])
        #expect(missing.status == .failed)
        #expect(missing.message.contains("receiver lis: expected 1 delivery per message, got 0"), "\(missing.message)")
        #expect(results[id: "routed"]?.status == .passed, "\(results[id: "routed"]?.message ?? "")")
    }

    @Test("a mutated golden file fails the map case with the path and a diff; an ignored path does not")
    func mutatedGolden() async throws {
        let message = try String(contentsOf: TemporarySuite.repository.appendingPathComponent("docs/examples/adt-a01.hl7"), encoding: .utf8)
        let mappings = TemporarySuite.repository.appendingPathComponent("mappings").path
        let suite = try TemporarySuite([
            "adt.hl7": message,
            "suite.yaml": """
                mappings: \(mappings)
                cases:
                  - {id: strict, kind: map, message: adt.hl7, golden: strict.json}
                  - {id: lenient, kind: map, message: adt.hl7, golden: lenient.json, ignore: ["entry[*].resource.gender"]}
                """,
        ])
        defer { suite.remove() }
        // Goldens written by the mapper: both pass.
        let written = try await suite.run(updatesGoldens: true)
        #expect(written.allSatisfy { $0.status == .passed }, "\(written.map(\.message))")
        let golden = try suite.read("strict.json")
        #expect(golden.contains("\"gender\": \"female\""))
        // The patient's gender changed in both goldens.
        let mutated = golden.replacingOccurrences(of: "\"gender\": \"female\"", with: "\"gender\": \"male\"")
        try suite.write("strict.json", mutated)
        try suite.write("lenient.json", mutated)
        let results = try await suite.run()
        let strict = try #require(results[id: "strict"])
        #expect(strict.status == .failed)
        #expect(strict.message.contains(".resource.gender: expected \"male\", got \"female\""), "\(strict.message)")
        #expect(strict.diff.contains("-") && strict.diff.contains("\"male\"") && strict.diff.contains("+"))
        #expect(results[id: "lenient"]?.status == .passed, "\(results[id: "lenient"]?.message ?? "")")
    }

    @Test("a claim case expecting the wrong rule fails naming the missing and the unexpected rule")
    func wrongClaimRule() async throws {
        let fixtures = TemporarySuite.repository.appendingPathComponent("conformance/claims-130/fixtures")
        var files: [String: String] = [:]
        for number in 1...4 {
            files["xml\(number).xml"] = try String(contentsOf: fixtures.appendingPathComponent("inpatient-xml\(number).xml"), encoding: .utf8)
        }
        files["suite.yaml"] = """
            cases:
              - id: wrong
                kind: claim
                tables: {XML1: xml1.xml, XML2: xml2.xml, XML3: xml3.xml, XML4: xml4.xml}
                set: {"XML1.GIOI_TINH": "4"}
                expect: {rules: [XML1.GIOI_TINH.format]}
              - id: right
                kind: claim
                tables: {XML1: xml1.xml, XML2: xml2.xml, XML3: xml3.xml, XML4: xml4.xml}
                set: {"XML1.GIOI_TINH": "4"}
                expect: {rules: [XML1.GIOI_TINH.code]}
              - id: unchanged-fixtures-are-valid
                kind: claim
                tables: {XML1: xml1.xml, XML2: xml2.xml, XML3: xml3.xml, XML4: xml4.xml}
                expect: {rules: []}
            """
        let suite = try TemporarySuite(files)
        defer { suite.remove() }
        let results = try await suite.run()
        let wrong = try #require(results[id: "wrong"])
        #expect(wrong.status == .failed)
        #expect(wrong.message.contains("rule not reported: XML1.GIOI_TINH.format"))
        #expect(wrong.message.contains("unexpected rule: XML1.GIOI_TINH.code"))
        #expect(results[id: "right"]?.status == .passed)
        #expect(results[id: "unchanged-fixtures-are-valid"]?.status == .passed)
    }

    @Test("a case over its time limit fails with the limit")
    func timeLimit() async throws {
        // A listener that accepts the connection and never answers.
        let suite = try TemporarySuite([
            "a.hl7": TemporarySuite.adt("BROKEN-TIME-1"),
            "suite.yaml": """
                cases:
                  - {id: slow, kind: hl7v2, timeout: 300ms, messages: a.hl7, send: {chunk: 1}, expect: {ack: AA}}
                """,
        ])
        defer { suite.remove() }
        let results = try await suite.run()
        let slow = try #require(results[id: "slow"])
        #expect(slow.status == .failed)
        #expect(slow.message.contains("300 ms") || slow.message.contains("time limit"), "\(slow.message)")
    }
}
