import Foundation
import Testing
@testable import HL7v2

@Suite struct MessageTests {
    let sample = "MSH|^~\\&|LAB|HOSP|||20260101||ORU^R01^ORU_R01|42|P|2.5\rPID|1||123^^^HOSP^MR~456^^^X&y&z||NGUYỄN^VĂN A\\S\\B\rOBX|1|ST|||a\\F\\b\rOBX|2|ST|||second\r"

    @Test func headerFields() throws {
        let message = try Message(sample)
        #expect(message.messageType == "ORU")
        #expect(message.triggerEvent == "R01")
        #expect(message.structureID == "ORU_R01")
        #expect(message.controlID == "42")
        #expect(message.version == "2.5")
        #expect(message.segmentCount == 4)
        #expect(message.issues.isEmpty)
    }

    @Test func pathsReachEveryLevel() throws {
        let message = try Message(sample)
        #expect(message["MSH-1"] == "|")
        #expect(message["MSH-2"] == "^~\\&")
        #expect(message["MSH-9.2"] == "R01")
        #expect(message["PID-3(2).1"] == "456")
        #expect(message["PID-3(2).4.2"] == "y")
        #expect(message["PID-3.4"] == "HOSP")
        #expect(message["PID-5.2"] == "VĂN A^B")
        #expect(message["OBX[2]-5"] == "second")
        #expect(message["OBX-5"] == "a|b")
        #expect(message["PID-3(3)"] == nil)
        #expect(message["ZZZ-1"] == nil)
    }

    @Test func roundTripIsByteIdentical() throws {
        let message = try Message(sample)
        #expect(message.er7() == sample)
        #expect(message.er7(terminator: .lf) == sample.replacingOccurrences(of: "\r", with: "\n"))
    }
}
