import HL7v2
import Testing
@testable import Bus

@Suite struct MessageFilterTests {
    let adt = try! Message("MSH|^~\\&|HIS|BV_A|||20260101||ADT^A01^ADT_A01|1|P|2.5\rPID|1||123^^^BV_A^MR||TRẦN^BÌNH||19850314|F\rPV1|1|I\r")
    let oru = try! Message("MSH|^~\\&|LIS|BV_B|||20260101||ORU^R01^ORU_R01|2|P|2.5\rPID|1||456||NGUYỄN^AN||19900101|M\r")

    @Test func typesAndEvents() throws {
        #expect(try MessageFilter(types: ["ADT"]).matches(adt))
        #expect(try MessageFilter(types: ["ADT^A01"]).matches(adt))
        #expect(try !MessageFilter(types: ["ADT^A04"]).matches(adt))
        #expect(try MessageFilter(types: ["*^R01"]).matches(oru))
        #expect(try !MessageFilter(types: ["ADT^*"]).matches(oru))
        #expect(MessageFilter.all.matches(oru))
    }

    @Test func sendingFacility() throws {
        #expect(try MessageFilter(sendingFacilities: ["BV_A"]).matches(adt))
        #expect(try !MessageFilter(sendingFacilities: ["BV_A"]).matches(oru))
    }

    @Test func conditions() throws {
        #expect(try MessageFilter(conditions: ["PID-8 = F"]).matches(adt))
        #expect(try !MessageFilter(conditions: ["PID-8 = F"]).matches(oru))
        #expect(try MessageFilter(conditions: ["PID-8 != F"]).matches(oru))
        #expect(try MessageFilter(conditions: ["PV1-2 in (I, E)"]).matches(adt))
        #expect(try !MessageFilter(conditions: ["PV1-2 in (I, E)"]).matches(oru))
        #expect(try MessageFilter(conditions: ["PV1-2 missing"]).matches(oru))
        #expect(try MessageFilter(conditions: ["PID-5.1 = \"TRẦN\"", "PID-3.4 exists"]).matches(adt))
        #expect(try !MessageFilter(types: ["ADT"], conditions: ["PID-8 = M"]).matches(adt))
    }

    @Test func invalidConditionsNameTheProblem() {
        #expect(throws: FilterError.self) { try FilterCondition("PID8 = F") }
        #expect(throws: FilterError.self) { try FilterCondition("PID-8 ~ F") }
        #expect(throws: FilterError.self) { try FilterCondition("PID-8 = ") }
        #expect(throws: FilterError.self) { try FilterCondition("PV1-2 in I, E") }
        #expect(throws: FilterError.self) { try FilterCondition("PID-5 = \"open") }
        #expect((try? FilterCondition("PID-8 = F"))?.description == "PID-8 = F")
    }
}
