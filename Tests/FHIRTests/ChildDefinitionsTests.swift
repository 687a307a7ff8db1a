@testable import FHIR
import Testing

@Suite("ChildDefinitions")
struct ChildDefinitionsTests {
    @Test("a JSON name's bytes find the entry its text finds; other names find nothing", arguments: ["Observation", "Extension", "Patient", "Bundle"])
    func entryByBytes(type: String) throws {
        let definitions = Definitions.r4
        let structure = try #require(definitions.structure(forType: type))
        let children = definitions.children(of: type, in: structure)
        #expect(children.byName.count > 5)
        for (name, expected) in children.byName {
            let found = Array(name.utf8).withUnsafeBufferPointer { children.entry(named: $0) }
            #expect(found?.index == expected.index && found?.type == expected.type, "\(name)")
        }
        for name in ["", "valueFoo", "resourceType", "_id", "idx", String(repeating: "a", count: 200)] {
            #expect(Array(name.utf8).withUnsafeBufferPointer { children.entry(named: $0) } == nil, "\(name)")
        }
    }

    @Test("each type of a child has one plan, found again on every lookup; other types have their own", arguments: ["Observation", "Extension", "Bundle.entry", "Questionnaire.item"])
    func plansBySlot(path: String) throws {
        let definitions = Definitions.r4
        let type = String(path.split(separator: ".")[0])
        let structure = try #require(definitions.structure(forType: type))
        let children = definitions.children(of: path, in: structure)
        for (number, definition) in children.elements.enumerated() {
            // A group defined by reference has no type: the validator asks for BackboneElement,
            // the readers for the empty type.
            let types = definition.types.isEmpty ? ["BackboneElement", ""] : definition.types.map(\.code)
            for type in types + ["Patient", "HumanName"] {
                let first = children.withPlan(ofChild: number, type: type, definitions: definitions) { ObjectIdentifier($0) }
                let again = children.withPlan(ofChild: number, type: type, definitions: definitions) { plan in
                    #expect(plan.type == type, "\(definition.path) \(type)")
                    return ObjectIdentifier(plan)
                }
                #expect(first == again, "\(definition.path) \(type)")
            }
            let plans = Set(types.map { type in children.withPlan(ofChild: number, type: type, definitions: definitions) { ObjectIdentifier($0) } })
            #expect(plans.count == types.count, "\(definition.path)")
        }
    }

    @Test("a byte search finds an ASCII needle anywhere, and only whole", arguments: [
        ("http://x/Patient/1", true), ("urn:uuid:1", false), ("a:/b://", true), (":/:/", false), ("://", true), ("", false),
        ("Nguyễn://", true), (":", false),
    ])
    func byteSearch(text: String, expected: Bool) {
        #expect(ByteScan.contains(text, "://") == expected)
        #expect(ByteScan.contains(text, "://") == text.contains("://"))
    }

    @Test("a byte search of ASCII texts gives Foundation's contains; other texts are left to Foundation")
    func asciiSearch() {
        let texts = ["", "a", "ab", "abc", "aab", "http://x/Patient/1", "urn:uuid:1", "AbC", " x ", "Nguyễn", "e\u{301}", "é", "ab\u{0}c"]
        for text in texts {
            for part in texts + ["b", "bc", "ac", "Patient/", "/1", "tp:", "B", "\u{0}c"] {
                let found = ByteScan.asciiContains(text, part)
                if text.utf8.allSatisfy({ $0 < 0x80 }) && part.utf8.allSatisfy({ $0 < 0x80 }) {
                    #expect(found == (part.isEmpty || text.contains(part)), "\(text) \(part)")
                } else {
                    #expect(found == nil, "\(text) \(part)")
                }
            }
        }
    }

    @Test("the last two offsets of a byte and its count, as a scan of every byte finds them")
    func lastTwoOffsets() {
        for text in ["", "/", "//", "a", "a/b", "/a/", "http://x/fhir/Patient/1", "urn:uuid:1", "Patient/1/_history/2", "é/Patient/1"] {
            let bytes = Array(text.utf8)
            let offsets = bytes.indices.filter { bytes[$0] == UInt8(ascii: "/") }
            let found = bytes.withUnsafeBufferPointer { ByteScan.lastTwoOffsets(of: UInt8(ascii: "/"), in: $0) }
            #expect(found.count == offsets.count, "\(text)")
            #expect(found.last == (offsets.last ?? -1), "\(text)")
            #expect(found.beforeLast == (offsets.count >= 2 ? offsets[offsets.count - 2] : -1), "\(text)")
        }
    }
}
