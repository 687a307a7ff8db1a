@testable import FHIR
import Testing

/// ``Element`` keeps its fields in one shared box: these check that it is still a value — a
/// change to a copy, however deep, never shows in the original, and equality is by content.
@Suite("Element value semantics")
struct ElementValueTests {
    func patient() throws -> Element {
        let text = #"{"resourceType":"Patient","id":"p1","name":[{"family":"Nguyễn","given":["Văn","An"]}],"gender":"male"}"#
        return try Element(json: Array(text.utf8))
    }

    @Test("a change to a copy, at any depth, leaves the original as it was")
    func copiesAreIndependent() throws {
        let original = try patient()
        let before = original.json()

        var renamed = original
        renamed.name = "contained"
        renamed.type = "Person"
        renamed.position = TextPosition(line: 9, column: 9)
        var deep = original
        deep.children[1].children[0].value = .string("Trần")
        deep.children[1].children.append(Element(name: "text", type: "string", value: .string("Trần Văn An")))
        var emptied = original
        emptied.children.removeAll()

        #expect(original.name == "Patient" && original.type == "Patient")
        #expect(original.position == TextPosition(line: 1, column: 1))
        #expect(original.children.count == 3)
        #expect(original.children[1].children.count == 3)
        #expect(original.json() == before)
        #expect(renamed.name == "contained" && renamed.type == "Person" && renamed.children == original.children)
        #expect(deep.children[1].children[0].value == .string("Trần"))
        #expect(deep.children[1].children.count == 4)
        #expect(emptied.children.isEmpty)
    }

    @Test("equality and hashing are by content, not by the shared box; position is ignored")
    func equalityIsByContent() throws {
        let one = try patient()
        let other = try patient()
        #expect(one == other)
        #expect(one.hashValue == other.hashValue)

        var moved = other
        moved.position = TextPosition(line: 5, column: 2)
        #expect(moved == one)

        var changed = other
        changed.children[2].value = .string("female")
        #expect(changed != one)
        changed.children[2].value = .string("male")
        #expect(changed == one)
        #expect(Set([one, other, moved, changed]).count == 1)
    }
}
