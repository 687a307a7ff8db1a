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
}
