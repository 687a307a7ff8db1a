import EPrescription
import EPrescriptionSimulator
import FHIR
import FHIRServerSimulator
import Foundation
import HL7v2
import Logging
import MLLP
import ProcessTesting
import SimulatorSupport
import Store
import Testing

/// `lienthong serve` delivering to the national systems: two patients' HL7 v2 messages over MLLP
/// (ADT^A01, ORU^R01 and two RDE^O11 each, the patients interleaved) mapped to FHIR with the
/// VN Core option, validated against the VN Core guide, and delivered to the simulated national
/// health data platform (every message) and the simulated e-prescription system (the RDE^O11s),
/// both failing for a while before they recover. Nothing is lost, neither simulator gets a
/// duplicate, and each patient's messages arrive in the order they were sent.
@Suite struct NationalSystemsEndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let vnCore = root.deletingLastPathComponent().appendingPathComponent("shared/specs/vn-core-ig/resources")
    /// The VN Core profiles the resources are checked against, by type (besides the Patient's
    /// and the Encounter's own claims): every type these messages give that VN Core profiles.
    static let vnCoreProfiles = [
        "vn-core-patient", "vn-core-condition-encounter-diagnosis", "vn-core-diagnostic-report", "vn-core-obervation-result-base",
        "vn-core-service-request", "vn-core-medication", "vn-core-medication-request",
    ].map { "http://fhir.ehealth.gov.vn/core/StructureDefinition/\($0)" }
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func recordsAndPrescriptionsReachTheNationalSystemsInOrderAndOnce() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-national-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        // The platform validates against VN Core as the bus does; both fail their first requests.
        let (guide, unreadable) = try Definitions.resources(inFolder: Self.vnCore.path)
        #expect(unreadable.isEmpty)
        let platformStore = try StoredResources(path: nil)
        let platform = FHIRServerSimulator(
            configuration: .init(
                clientID: "79001", clientSecret: "bí-mật-e2e", definitions: Definitions.r4.adding(resources: guide), profiles: Self.vnCoreProfiles),
            store: platformStore, logger: Self.quiet)
        platform.state.apply(FHIRSimulatorControl(failNext: 3, failStatus: 503))
        let prescriptions = folder.appendingPathComponent("prescriptions")
        let ePrescription = EPrescriptionSimulator(
            configuration: .init(username: "79001_BV", password: "mật-khẩu-e2e", storageDirectory: prescriptions), logger: Self.quiet)
        ePrescription.state.apply(EPrescriptionSimulatorControl(failNext: 2, status: 502))

        let messages = Self.patients.flatMap { patient in Self.messages(of: patient) }
        // Interleaved as two wards' systems would send them: A's ADT, B's ADT, A's ORU, …
        let sent = (0..<4).flatMap { step in Self.patients.indices.map { messages[$0 * 4 + step] } }

        try await platform.withRunning { platformURL in
            try await ePrescription.withRunning { ePrescriptionURL in
                let config = folder.appendingPathComponent("bus.yaml")
                try """
                    store: {sqlite: {path: bus.sqlite}}
                    mappings: {folder: \(Self.root.appendingPathComponent("mappings").path), watch: off}
                    channels:
                      his:
                        mllp: {port: 0}
                        routes:
                          - {destination: platform, mapping: v2-to-fhir with vn-core, ordering-key: PID-3.1}
                          - {destination: donthuoc, mapping: v2-to-fhir with vn-core, message-types: [RDE^O11], ordering-key: PID-3.1}
                    destinations:
                      platform:
                        fhir-server:
                          url: \(platformURL.appendingPathComponent("fhir").absoluteString)
                          token-url: \(platformURL.appendingPathComponent("oauth/token").absoluteString)
                          client-id: "79001"
                          client-secret-env: E2E_PLATFORM_SECRET
                          ig: \(Self.vnCore.path)
                          profiles: [\(Self.vnCoreProfiles.joined(separator: ", "))]
                        concurrency: 2
                        retry: {initial-delay: 100ms, maximum-delay: 400ms, jitter: none, maximum-attempts: 100}
                      donthuoc:
                        e-prescription:
                          url: \(ePrescriptionURL.absoluteString)
                          username: 79001_BV
                          password-env: E2E_EPRESCRIPTION_PASSWORD
                          facility: "79001"
                        concurrency: 2
                        retry: {initial-delay: 100ms, maximum-delay: 400ms, jitter: none, maximum-attempts: 100}
                    """.write(to: config, atomically: true, encoding: .utf8)

                let serve = try Serve.start(
                    config: config, logLevel: "info",
                    environment: ["E2E_PLATFORM_SECRET": "bí-mật-e2e", "E2E_EPRESCRIPTION_PASSWORD": "mật-khẩu-e2e"])
                defer { serve.signal(SIGKILL) }
                let port = try await Serve.port("listening: channel his on mllp://", of: serve)
                let client = try Serve.client(port: port)
                for message in sent {
                    let ack = try await client.send(try Message(message))
                    #expect(ack.code == .aa, "\(ack)")
                }
                await client.close()

                let arrived = await Serve.eventually {
                    (try? platformStore.count(type: "MedicationRequest")) == 4 && ePrescription.state.received.count == 4
                }
                #expect(arrived, "platform: \(platform.statistics()), e-prescription: \(ePrescription.state.statistics)")
                #expect(await Serve.stop(serve) == 0)
                let logged = serve.errors
                #expect(!logged.contains("bí-mật-e2e") && !logged.contains("mật-khẩu-e2e"), "no credentials in the log")
                for patient in Self.patients {
                    #expect(!logged.contains(patient.citizenID) && !logged.contains(patient.record) && !logged.contains(patient.family), "no patient data in the log")
                }
            }
        }

        // The bus: every message stored and acknowledged, every entry delivered, none dead.
        let store = try SQLiteStore.openedAsTheBus(path: folder.appendingPathComponent("bus.sqlite").path, logger: Self.quiet)
        defer { try? store.close() }
        let stored = try await store.messages(matching: MessageQuery(channel: "his"), after: nil, limit: 50)
        #expect(stored.count == sent.count)
        let toPlatform = try await store.entries(destination: "platform", state: nil, after: nil, limit: 50)
        let toEPrescription = try await store.entries(destination: "donthuoc", state: nil, after: nil, limit: 50)
        #expect(toPlatform.count == sent.count && toPlatform.allSatisfy { $0.state == .delivered }, "\(toPlatform.map { ($0.state, $0.lastError ?? "") })")
        #expect(toEPrescription.count == 4 && toEPrescription.allSatisfy { $0.state == .delivered }, "\(toEPrescription.map { ($0.state, $0.lastError ?? "") })")
        #expect(toPlatform.map(\.attemptCount).reduce(0, +) == toPlatform.count + 3, "three failed attempts, then each entry once")
        #expect(toEPrescription.map(\.attemptCount).reduce(0, +) == toEPrescription.count + 2, "two failed attempts, then each entry once")

        // The platform: one Patient and one Encounter per patient (conditional creates across
        // messages), no MessageHeader, no two resources of a type with the same identifier.
        let resources = try platformStore.all()
        #expect(try platformStore.count(type: "Patient") == 2)
        #expect(try platformStore.count(type: "Encounter") == 2)
        #expect(try platformStore.count(type: "DiagnosticReport") == 2)
        #expect(try platformStore.count(type: "MessageHeader") == 0)
        var seen: Set<String> = []
        for resource in resources {
            for identifier in try Self.identifiers(resource.json) where !identifier.hasPrefix("|") {
                #expect(seen.insert("\(resource.type) \(identifier)").inserted, "\(resource.type) \(identifier) twice")
            }
        }
        #expect(platform.statistics()["injectedFailures"] == 3)
        // The Vietnamese identifiers and codes as VN Core names them.
        for patient in resources.filter({ $0.type == "Patient" }) {
            for part in [
                "sid/national_id", "sid/insurance_number", "sid/patient-internal-id", "extension-race", "CodeSystem/vn-core-race",
                "extension-nationality", "extension-occupation", "extension-administrative-address", "vn-core-patient",
            ] {
                #expect(patient.json.contains(part), "\(part) in the Patient")
            }
        }
        #expect(resources.filter { $0.type == "Encounter" }.allSatisfy { $0.json.contains("sid/VisitNumber") && $0.json.contains("vn-core-encounter") })

        // Order per patient at the platform: the admission's Encounter, then the result, then the
        // two prescriptions in the order written.
        for patient in Self.patients {
            let position = { (type: String, identifier: String) -> Int? in
                resources.firstIndex { $0.type == type && $0.json.contains(#""value":"\#(identifier)""#) }
            }
            let order = [
                position("Encounter", patient.visit), position("DiagnosticReport", patient.order(0)),
                position("MedicationRequest", patient.order(1)), position("MedicationRequest", patient.order(2)),
            ]
            #expect(order.allSatisfy { $0 != nil } && order.map { $0 ?? 0 } == order.map { $0 ?? 0 }.sorted(), "\(patient.family): \(order)")
        }

        // The e-prescription system: four prescriptions, each once, each patient's in order,
        // built from the RDE^O11 (prescriber from ORC-12, diagnosis from RXE-27, kind from RXE-35).
        #expect(ePrescription.state.statistics.duplicates == 0)
        let received = try ePrescription.state.received.map { code, _ in
            try JSONDecoder().decode(Prescription.self, from: Data(contentsOf: prescriptions.appendingPathComponent("\(code).json")))
        }
        #expect(Set(received.map(\.code)).count == 4)
        for patient in Self.patients {
            let theirs = received.filter { $0.citizenID == patient.citizenID }
            #expect(theirs.map { $0.drugs.first?.code } == [patient.drugs[0].code, patient.drugs[1].code], "\(patient.family)")
            #expect(theirs.allSatisfy { $0.prescriberName == "Nguyễn Văn An" && $0.diagnoses.map(\.code) == [patient.drugs[0].indication] })
        }
        #expect(received.map(\.kind).sorted() == ["c", "c", "c", "h"])
    }

    // MARK: The patients and their messages

    struct Patient {
        var letter: String
        var record: String
        var citizenID: String
        var card: String
        var family: String
        var name: String
        var birth: String
        var sex: String
        var visit: String
        /// The two prescriptions' drugs: code, name, RXE-35 kind, indication (ICD-10).
        var drugs: [(code: String, name: String, kind: String, indication: String)]

        /// The placer order number of the ORU (0) and of each RDE (1, 2).
        func order(_ index: Int) -> String { index == 0 ? "XN-\(letter)" : "YL-\(letter)-\(index)" }
    }

    static let patients = [
        Patient(
            letter: "A", record: "BN0078123", citizenID: "079058004321", card: "HT2797998765432", family: "Lê", name: "Lê^Đức^Văn",
            birth: "19580302", sex: "M", visit: "79001.240310.000456",
            drugs: [("40.503", "Amlodipin", "", "I10"), ("40.212", "Ceftriaxon", "", "I10")]),
        Patient(
            letter: "B", record: "BN0078124", citizenID: "079190001234", card: "DN4797912345670", family: "Phạm", name: "Phạm^Hoa^Thị",
            birth: "19900512", sex: "F", visit: "79001.240310.000457",
            drugs: [("40.34", "Paracetamol", "", "F41.2"), ("40.77", "Diazepam", "H", "F41.2")]),
    ]

    /// One HL7 v2 segment from its fields by number.
    static func segment(_ id: String, _ fields: [Int: String]) -> String {
        let count = fields.keys.max() ?? 0
        return ([id] + (1...max(count, 1)).map { fields[$0] ?? "" }).joined(separator: "|")
    }

    /// The patient's ADT^A01, ORU^R01 and two RDE^O11, in that order.
    static func messages(of patient: Patient) -> [String] {
        func header(_ type: String, _ control: String, _ time: String) -> String {
            "MSH|^~\\&|HIS|79001|LIENTHONG|79001|\(time)+0700||\(type)|\(control)|P|2.5.1|||||VNM|UNICODE UTF-8"
        }
        let pid = segment("PID", [
            1: "1", 3: "\(patient.record)^^^79001^MR~\(patient.citizenID)^^^BCA^NI~\(patient.card)^^^BHXH^SB", 5: patient.name, 7: patient.birth,
            8: patient.sex, 11: "Ấp Bình Thuận^27667&Xã Bình Khánh^^79&TP. Hồ Chí Minh^^VNM^H^^787&Huyện Cần Giờ", 13: "0908111222",
            22: "01^Kinh^99VNDT", 28: "704^Việt Nam^ISO3166_1",
        ])
        let pv1 = segment("PV1", [1: "1", 2: "I", 3: "K02^P201^B03^79001", 7: "0112399^Nguyễn^An^Văn", 10: "K02", 18: "1.1", 19: "\(patient.visit)^^^79001^VN", 44: "202403100915+0700"])
        let admission = [
            header("ADT^A01^ADT_A01", "ADT-\(patient.letter)", "20240310091800"), "EVN|A01|20240310091500+0700", pid, pv1,
            segment("OBX", [1: "1", 2: "CWE", 3: "11341-5^Nghề nghiệp^LN", 5: "00^Hưu trí^99VNNN", 11: "F", 14: "202403100915+0700"]),
            segment("DG1", [1: "1", 3: "\(patient.drugs[0].indication)^Chẩn đoán chính^I10", 5: "202403100930+0700", 6: "A", 15: "1"]),
        ]
        let result = [
            header("ORU^R01^ORU_R01", "ORU-\(patient.letter)", "20240310111500"), pid, pv1,
            segment("OBR", [1: "1", 2: patient.order(0), 3: patient.order(0), 4: "23.0010.1494^Định lượng CRP^99VNDVKT", 7: "202403101000+0700", 22: "202403101110+0700", 25: "F"]),
            segment("OBX", [1: "1", 2: "NM", 3: "1988-5^CRP^LN", 5: "86.4", 6: "mg/L^mg/L^UCUM", 7: "< 5", 8: "H", 11: "F", 14: "202403101110+0700"]),
        ]
        let orders = patient.drugs.enumerated().map { index, drug in
            [
                header("RDE^O11^RDE_O11", "RDE-\(patient.letter)-\(index + 1)", "2024031011\(index)200"), pid, pv1,
                segment("ORC", [1: "NW", 2: patient.order(index + 1), 3: patient.order(index + 1), 5: "SC", 9: "2024031011\(index)000+0700", 12: "0112399^Nguyễn^An^Văn",
                    21: "Bệnh viện Đa khoa Cần Giờ^^^^^^^^^79001",
                ]),
                segment("RXE", [
                    1: "^^^2024031011\(index)000+0700^202403151100+0700", 2: "\(drug.code)^\(drug.name)^99VNTHUOC", 3: "1", 5: "Viên^Viên", 6: "VN^Viên nén",
                    7: "^1 viên/ngày", 10: "10", 11: "Viên^Viên", 27: "\(drug.indication)^Chẩn đoán chính^I10", 35: drug.kind,
                ]),
                "RXR|1.01^Uống^99VNDD",
            ]
        }
        return [admission, result, orders[0], orders[1]].map { $0.joined(separator: "\r") + "\r" }
    }

    /// `system|value` of every identifier of a stored resource.
    static func identifiers(_ json: String) throws -> [String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return (object["identifier"] as? [[String: Any]] ?? []).map { "\($0["system"] as? String ?? "")|\($0["value"] as? String ?? "")" }
    }
}
