import Testing
@testable import Mapping

/// Resource ids must not change between versions of the bus: systems downstream keep them.
@Suite struct StableIDTests {
    @Test func idsKeepTheirFormatAndValues() {
        // Values computed with the first implementation (FNV-1a 128, version 8 UUID).
        #expect(StableID(message: Array("MSH|^~\\&|A\r".utf8)).id("ADT_A01:5:2") == "7ae034ee-42a4-8cf4-88df-fd2832d156a1")
        #expect(StableID(message: []).id("") == "cbf29ce4-8422-8325-8422-2325cbf29ce4")
    }
}
