import Foundation
import Testing
@testable import Conformance

@Suite struct StructuralDiffTests {
    func differences(_ expected: String, _ actual: String, ignoring patterns: [String] = []) throws -> [String] {
        StructuralDiff(ignoring: patterns)
            .differences(expected: try JSONTree.parse(Array(expected.utf8)), actual: try JSONTree.parse(Array(actual.utf8)))
            .map(\.description)
    }

    @Test("key order and number spelling do not matter; values, missing and extra keys do")
    func structural() throws {
        #expect(try differences(#"{"a":1,"b":[true,"x"]}"#, #"{"b":[true,"x"],"a":1.0}"#) == [])
        #expect(try differences(#"{"a":1}"#, #"{"a":true}"#) == ["a: expected 1, got true"])
        #expect(try differences(#"{"a":{"b":"x"}}"#, #"{"a":{"b":"y","c":2}}"#) == ["a.b: expected \"x\", got \"y\"", "a.c: unexpected 2"])
        #expect(try differences(#"{"e":[1,2]}"#, #"{"e":[1]}"#) == ["e[1]: missing (expected 2)"])
    }

    @Test("ignore patterns: keys, [*], * and **")
    func ignoring() throws {
        let expected = #"{"id":"1","entry":[{"fullUrl":"u1","resource":{"id":"p","meta":{"lastUpdated":"t1"},"x":1}}]}"#
        let actual = #"{"id":"2","entry":[{"fullUrl":"u2","resource":{"id":"q","meta":{"lastUpdated":"t2"},"x":1}}]}"#
        #expect(try differences(expected, actual).count == 4)
        #expect(try differences(expected, actual, ignoring: ["**.id", "entry[*].fullUrl", "**.meta.lastUpdated"]) == [])
        #expect(try differences(expected, actual, ignoring: ["id", "entry[0].*"]) == [])
        #expect(
            try differences(expected, actual, ignoring: ["id", "entry[*].fullUrl", "entry[*].resource.meta"])
                == ["entry[0].resource.id: expected \"p\", got \"q\""])
        #expect(try differences(expected, actual, ignoring: ["id"]).count == 3)
    }

    @Test("the line diff marks expected lines with - and actual lines with +")
    func lineDiff() {
        let diff = LineDiff.unified(expected: "a\nb\nc", actual: "a\nB\nc")
        #expect(diff == " a\n-b\n+B\n c")
        #expect(LineDiff.unified(expected: "same", actual: "same") == "")
    }
}
