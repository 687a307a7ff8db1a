import FHIR
import Foundation
import HL7v2
import Testing
@testable import Mapping

/// `each SEG before OTHER`: a message-map line that reads only the segments ahead of the first
/// `OTHER` (the specimen's results of an OUL^R22–R24, which come before its first OBR).
@Suite struct SegmentsBeforeTests {
    func observations(_ bundle: FHIR.Element) -> [FHIR.Element] {
        bundle.children(named: "entry").compactMap { $0.child(named: "resource") }.filter { $0.type == "Observation" }
    }

    func codes(_ bundle: FHIR.Element) -> [String?] {
        observations(bundle).map { $0.child(named: "code")?.child(named: "text")?.value?.text }
    }

    @Test func aLineCanReadOnlyTheSegmentsBeforeAnother() throws {
        let library = try MappingLibrary(sources: [
            (file: "OBX-Observation.map", text: "segment OBX -> Observation\n\"unknown\" -> status\nOBX-3.1 -> code.text\n"),
            (file: "OBR-DiagnosticReport.map", text: "segment OBR -> DiagnosticReport\n\"unknown\" -> status\nOBR-4.1 -> code.text\n"),
            (file: "OUL.map", text: """
                message OUL^R22 -> Bundle collection
                each OBX before OBR -> Observation   via OBX-Observation   if OBX-2 != "ED"
                each OBR -> DiagnosticReport as report   via OBR-DiagnosticReport
                    each OBX -> Observation as result    via OBX-Observation
                        report.result += result
                """),
        ])
        let mapper = V2ToFHIR(library: library)
        // A patient's result, a specimen's two (one a document), then an order with its own.
        let text = "MSH|^~\\&|A|B|C|D|20261123||OUL^R22|1|P|2.5\rPID|1\rOBX|1|NM|P1||1\rSPM|1\rOBX|2|NM|S1||2\rOBX|3|ED|S2||x\rOBR|1|||R\rOBX|1|NM|O1||3\r"
        let result = try mapper.convert(try Message(text))
        #expect(codes(try result.bundle()) == ["P1", "S1", "O1"], "the order's own OBX is its report's, not read twice")
        #expect(result.unmappedSegments == ["MSH (segment 1)", "PID (segment 2)", "SPM (segment 4)", "OBX (segment 6)"])

        // Without an OBR every segment of the kind is before it.
        let withoutOrder = try mapper.convert(try Message("MSH|^~\\&|A|B|C|D|20261123||OUL^R22|1|P|2.5\rOBX|1|NM|P1||1\rOBX|2|NM|P2||2\r"))
        #expect(codes(try withoutOrder.bundle()) == ["P1", "P2"])

        #expect {
            try MappingLibrary(sources: [
                (file: "OBX-Observation.map", text: "segment OBX -> Observation\n\"unknown\" -> status\n"),
                (file: "OUL.map", text: "message OUL^R22 -> Bundle collection\neach OBX before orders -> Observation via OBX-Observation\n"),
            ])
        } throws: { error in
            ((error as? MappingErrors)?.errors.map(\.description) ?? []).contains("OUL.map:2:17: before needs a segment ID, such as OBR")
        }
    }

    /// The OUL messages of the corpus: every OBX ahead of the first OBR that holds a result (not a
    /// document, ED, or a reference, RP) is an Observation of the patient; none is left unmapped.
    @Test(arguments: ["OUL-R22-01.hl7", "OUL-R23-01.hl7", "OUL-R24-01.hl7", "OUL-R24-02.hl7"])
    func theSpecimensResultsOfTheCorpusOULMessagesAreMapped(_ name: String) throws {
        let library = try MappingLibrary(folder: VocabularyMapTests.mappings)
        let message = try Message([UInt8](try Data(contentsOf: V2ToFHIRTests.corpus.appendingPathComponent(name))))
        let segments = Array(message.segments)
        let firstOrder = try #require(segments.firstIndex { $0.id == "OBR" })
        let ahead = segments[..<firstOrder].filter { $0.id == "OBX" && !["ED", "RP"].contains($0.field(2)?.text() ?? "") }
        try #require(!ahead.isEmpty, "the corpus message has results ahead of its first OBR")

        let result = try V2ToFHIR(library: library).convert(message)
        for segment in ahead {
            #expect(!result.unmappedSegments.contains("OBX (segment \(segment.index + 1))"))
        }
        let bundle = try result.bundle()
        let patient = try #require(bundle.children(named: "entry").first { $0.child(named: "resource")?.type == "Patient" })
        let patientURL = try #require(patient.child(named: "fullUrl")?.value?.text)
        let ofPatient = observations(bundle).filter { $0.child(named: "subject")?.child(named: "reference")?.value?.text == patientURL }
        // Each OBX ahead of the OBR, and each results OBX of an order, is one Observation.
        let resultsOfOrders = segments[firstOrder...].filter { $0.id == "OBX" && !["ED", "RP"].contains($0.field(2)?.text() ?? "") }
        #expect(ofPatient.count == ahead.count + resultsOfOrders.count)
        #expect(!result.unmappedSegments.contains { $0.hasPrefix("OBX") })
        #expect(!Self.validator.validate(bundle).hasErrors)
    }

    static let validator = Validator.standard()
}
