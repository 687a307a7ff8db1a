import Foundation
import Testing
@testable import HL7v2

/// Batches (BHS … BTS) and files (FHS … FTS) against python-hl7's expectations.json.
@Suite("Batch") struct BatchTests {
    static let batchSamples = [
        "sample_batch.hl7", "sample_batch1.hl7", "sample_batch2.hl7", "sample_batch3.hl7", "sample_batch4.hl7",
        "sample_file.hl7", "sample_file1.hl7", "sample_file2.hl7", "sample_file3.hl7", "sample_file4.hl7",
        "sample_file5.hl7", "sample_file6.hl7",
    ]

    /// Two places where python-hl7 reports less than the bytes hold, and we report the bytes:
    /// - sample_batch4 (a BTS with no BHS): python-hl7 says trailer None; the BTS is there, and
    ///   we make it the trailer of the implicit batch.
    /// - sample_file4 (BHS … BTS FTS with no FHS): python-hl7 says file trailer None; we keep the
    ///   FTS as the file trailer (and no file header).
    static let differences: [String: String] = [
        "sample_batch4.hl7": "BTS",
        "sample_file4.hl7": "FTS",
    ]

    @Test(arguments: batchSamples)
    func pythonBatchSample(_ name: String) throws {
        let expected = try #require(try Expectations.python()[name])
        let bytes = try Corpus.bytes("hl7v2/python-hl7/\(name)")
        let interchange = Interchange(parsing: bytes)
        #expect(interchange.errors.isEmpty, "\(interchange.errors)")
        let header = expected["header"] as? String
        let trailer = expected["trailer"] as? String
        // Every segment is somewhere: the independent line count equals what was read.
        let lines = RawER7.lines(of: bytes)
        let read = (interchange.fileHeader == nil ? 0 : 1) + (interchange.fileTrailer == nil ? 0 : 1)
            + interchange.batches.reduce(0) { $0 + ($1.header == nil ? 0 : 1) + ($1.trailer == nil ? 0 : 1) + $1.messages.reduce(0) { $0 + $1.segmentCount } }
        #expect(read == lines.count)

        if expected["parse_as"] as? String == "batch" {
            #expect(interchange.fileHeader == nil && interchange.fileTrailer == nil)
            #expect(interchange.batches.count == 1)
            let batch = try #require(interchange.batches.first)
            #expect(batch.messages.count == expected["messages"] as? Int)
            #expect(batch.header?.id == header)
            if let difference = Self.differences[name] {
                #expect(trailer == nil && batch.trailer?.id == difference)
            } else {
                #expect(batch.trailer?.id == trailer)
            }
            if let count = expected["trailer_count"] as? String {
                #expect(batch.trailer?.field(1)?.value == count)
                #expect(Int(count) == batch.messages.count)
            }
            if let bhs4 = expected["BHS-4"] as? String {
                #expect(batch.header?.field(4)?.value == bhs4)
            }
            if let controlIDs = expected["msh10"] as? [String] {
                #expect(batch.messages.map(\.controlID) == controlIDs)
            }
        } else {
            #expect(interchange.batches.count == expected["batches"] as? Int)
            #expect(interchange.fileHeader?.id == header)
            if let difference = Self.differences[name] {
                #expect(trailer == nil && interchange.fileTrailer?.id == difference)
            } else {
                #expect(interchange.fileTrailer?.id == trailer)
            }
            if let count = expected["trailer_count"] as? String {
                #expect(interchange.fileTrailer?.field(1)?.value == count)
                #expect(Int(count) == interchange.batches.count)
            }
            if let counts = expected["batch_trailer_counts"] as? [String] {
                #expect(interchange.batches.map { $0.trailer?.field(1)?.value } == counts)
                #expect(interchange.batches.map { String($0.messages.count) } == counts)
            }
        }
        // Each message reads as its MSH line says.
        let headers = lines.filter { $0.bytes.starts(with: Array("MSH".utf8)) }
        #expect(interchange.messages.map(\.controlID) == headers.map { RawER7.headerFields($0.bytes).nonEmpty(10) })
        #expect(interchange.messages.allSatisfy { $0.characterSet == .ascii && $0.segmentCount == 6 })
    }

    @Test func batchSegmentsReadLikeHeaders() throws {
        let interchange = Interchange(parsing: try Corpus.bytes("hl7v2/python-hl7/sample_file1.hl7"))
        let fhs = try #require(interchange.fileHeader)
        #expect(fhs.isHeader)
        #expect(fhs.field(1)?.value == "|")
        #expect(fhs.field(2)?.value == "^~\\&")
        #expect(fhs.field(4)?.value == "ABCHS")
        #expect(fhs.field(10)?.value == "abchs20070101123401.hl7")
        let bhs = try #require(interchange.batches.last?.header)
        #expect(bhs.field(11)?.value == "abchs20070101123401-2")
        #expect(interchange.batches.last?.trailer?.isHeader == false)
    }

    @Test func trailersUseTheDelimitersOfTheirHeader() throws {
        let text = "FHS$%~!&$A\rBHS$%~!&$B$X%Y\rMSH$%~!&$S$F$R$F$1$$ADT%A01$C1$P$2.5\rPID$1$$42%%%H\rBTS$1$note!F!\rFTS$1$x%y\r"
        let interchange = Interchange(parsing: Array(text.utf8))
        #expect(interchange.errors.isEmpty)
        #expect(interchange.fileHeader?.field(3)?.value == "A")
        #expect(interchange.batches.first?.header?.field(4)?.component(2)?.value == "Y")
        #expect(interchange.messages.first?["PID-3.4"] == "H")
        #expect(interchange.batches.first?.trailer?.field(2)?.value == "note$")
        #expect(interchange.fileTrailer?.field(2)?.component(2)?.value == "y")
    }

    @Test func streamingKeepsNoMessagesButHandsEachOver() throws {
        let bytes = try Corpus.bytes("hl7v2/python-hl7/sample_file1.hl7")
        var controlIDs: [String?] = []
        let interchange = Interchange(parsing: bytes, keepMessages: false) { controlIDs.append($0.controlID) }
        #expect(controlIDs == ["12334456778890", "12334456778891", "12334456778890"])
        #expect(interchange.messages.isEmpty)
        #expect(interchange.batches.count == 2)
        #expect(interchange.batches.map { $0.trailer?.field(1)?.value } == ["2", "1"])
    }

    @Test func sampleMessagesOfPythonHL7() throws {
        // sample_hl7: 5 segments; str(parse(x)) == x.
        let bytes = try Corpus.bytes("hl7v2/python-hl7/sample_hl7.hl7")
        let message = try Message(bytes)
        #expect(message.segmentCount == 5)
        #expect(message.encoded() == bytes)
        #expect(message["OBX[2]-3.2"] == "GLUCOSE")
        // rep_sample_hl7: PID-4 repeats.
        let repetitions = try Message(try Corpus.bytes("hl7v2/python-hl7/rep_sample_hl7.hl7"))
        let expected = try #require(try Expectations.python()["rep_sample_hl7.hl7"]?["PID-4"] as? [[String]])
        #expect(repetitions.element(at: "PID-4")?.repetitions.map { [$0.value] } == expected)
        #expect(repetitions["PID-3.2.2"] == "Sub-Component2")
        // sample_msh: explicit nulls ("") are values of their own.
        let msh = try Message(try Corpus.bytes("hl7v2/python-hl7/sample_msh.hl7"))
        #expect(msh.element(at: "PV1-9")?.isNull == true)
        #expect(msh["PV1-9"] == "\"\"")
        #expect(msh.element(at: "PV1-10")?.isNull == false)
        #expect(msh.segments("IN1").count == 3)
        #expect(msh["IN1[3]-4"] == "SELF-PAY")
        #expect(msh["PID-4(2).5"] == "DONOR ")
    }
}
