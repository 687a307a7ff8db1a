/// The JSON form of one version's definitions, `Resources/hl7v2-<version>.json`, written by
/// `scripts/derive-hl7v2-data.py` (its docstring documents the format).
struct DefinitionsFile: Decodable, Sendable {
    var version: String
    var messages: [String: [Element]]
    var events: [String: String]
    var segments: [String: [Field]]
    var datatypes: [String: [Component]]
    var tables: [String: [String]]

    /// `{"s":"PID","min":1,"max":1}` or `{"g":"PROCEDURE","min":0,"max":-1,"c":[…],"choice":true}`.
    struct Element: Decodable, Sendable {
        var s: String?
        var g: String?
        var min: Int
        var max: Int
        var c: [Element]?
        var choice: Bool?
    }

    /// `{"n":"PATIENT_IDENTIFIER_LIST","t":"CX","min":1,"max":-1,"tbl":"0001"}`.
    struct Field: Decodable, Sendable {
        var n: String
        var t: String
        var min: Int
        var max: Int
        var tbl: String?
    }

    /// `{"n":"IDENTIFIER_TYPE_CODE","t":"ID","tbl":"0203"}`.
    struct Component: Decodable, Sendable {
        var n: String
        var t: String
        var tbl: String?
    }

    /// hl7apy's wildcard segment.
    static let anySegment = "ANYHL7SEGMENT"

    /// The public form of a structure element.
    static func element(_ raw: Element) -> StructureElement {
        let maxOccurs = raw.max < 0 ? nil : raw.max
        if let group = raw.g {
            let children = (raw.c ?? []).map(element)
            return StructureElement(.group(name: group, elements: children, isChoice: raw.choice ?? false), minOccurs: raw.min, maxOccurs: maxOccurs)
        }
        let id = raw.s ?? ""
        if id == anySegment {
            return StructureElement(.anySegment, minOccurs: raw.min, maxOccurs: maxOccurs)
        }
        return StructureElement(.segment(id), minOccurs: raw.min, maxOccurs: maxOccurs)
    }
}
