import Foundation
import Testing
@testable import HL7v2

@Suite struct MessageEditingTests {
    let sample = "MSH|^~\\&|LAB|HOSP|||20260101||ORU^R01^ORU_R01|42|P|2.5\rPID|1||123^^^HOSP^MR||DOE^JOHN\rOBX|1|ST|||x\r"

    @Test func setLeafValueEscapesDelimiters() throws {
        var message = try Message(sample)
        try message.setValue("A|B^C", at: "OBX-5")
        #expect(message.segment("OBX")?.er7 == "OBX|1|ST|||A\\F\\B\\S\\C")
        #expect(message["OBX-5"] == "A|B^C")
    }

    @Test func setValueAddsMissingLevels() throws {
        var message = try Message(sample)
        try message.setValue("NGUYỄN", at: "PID-5(2).3.2")
        #expect(message.segment("PID")?.er7 == "PID|1||123^^^HOSP^MR||DOE^JOHN~^^&NGUYỄN")
        try message.setValue("F", at: "PID-8")
        #expect(message["PID-8"] == "F")
        #expect(message.segment("PID")?.fieldCount == 8)
    }

    @Test func setHeaderFieldsButNotDelimiters() throws {
        var message = try Message(sample)
        try message.setValue("99", at: "MSH-10")
        #expect(message.controlID == "99")
        #expect(message.er7().hasPrefix("MSH|^~\\&|LAB|HOSP|||20260101||ORU^R01^ORU_R01|99|P|2.5\r"))
        #expect(throws: ParseError.self) { try message.setValue("#", at: "MSH-2") }
        #expect(throws: ParseError.self) { try message.setValue("#", at: "MSH-1") }
    }

    @Test func setER7KeepsStructureAndRejectsHigherDelimiters() throws {
        var message = try Message(sample)
        try message.setER7("ROE^JANE~SMITH^ANN", at: "PID-5")
        #expect(message["PID-5(2).2"] == "ANN")
        #expect(throws: ParseError.self) { try message.setER7("A|B", at: "PID-5") }
        #expect(throws: ParseError.self) { try message.setER7("A^B", at: "PID-5.1") }
    }

    @Test func appendsSegmentForNextOccurrenceOnly() throws {
        var message = try Message(sample)
        try message.setValue("2", at: "OBX[2]-1")
        #expect(message.segments("OBX").count == 2)
        #expect(throws: ParseError.self) { try message.setValue("4", at: "OBX[4]-1") }
    }

    @Test func insertAndRemoveSegments() throws {
        var message = try Message(sample)
        try message.insertSegment("EVN|A01", at: 1)
        try message.appendSegment("ZPI|1|x")
        #expect(message.segments.map(\.id) == ["MSH", "EVN", "PID", "OBX", "ZPI"])
        try message.removeSegment(at: 3)
        try message.removeSegments("ZPI")
        #expect(message.segments.map(\.id) == ["MSH", "EVN", "PID"])
        #expect(throws: ParseError.self) { try message.removeSegment(at: 0) }
        #expect(throws: ParseError.self) { try message.insertSegment("MSH|x", at: 1) }
        #expect(throws: ParseError.self) { try message.insertSegment("pid|1", at: 1) }
        #expect(throws: ParseError.self) { try message.appendSegment("NTE|a\rPID|2") }
    }

    @Test func editsKeepTerminatorStyle() throws {
        var message = try Message(sample.replacingOccurrences(of: "\r", with: "\n"))
        try message.setValue("y", at: "OBX-5")
        #expect(message.segmentTerminator == .lf)
        #expect(message.encoded(terminator: .lf).last == 0x0A)
    }

    @Test func rejectsInvalidSegmentIDAndUnencodableText() throws {
        var message = try Message(sample)
        #expect(throws: ParseError.self) { try message.setValue("x", at: Path(segment: "A|B", field: 1)) }
        var latin1 = try Message("MSH|^~\\&|A|B|||20260101||ADT^A01|1|P|2.5||||||8859/1\rPID|1\r")
        try latin1.setER7("Lê^Vân", at: "PID-5")
        #expect(latin1["PID-5.2"] == "Vân")
        #expect(latin1.encoded().contains(0xE2))  // â as one Latin-1 byte
        #expect(throws: ParseError.self) { try latin1.setER7("Lê^Văn", at: "PID-6") }
        try latin1.setValue("Văn", at: "PID-6")
        #expect(latin1["PID-6"] == "Văn")
    }
}
