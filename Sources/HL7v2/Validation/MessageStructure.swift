/// An abstract message syntax: the segments and segment groups of a message structure such as
/// `ADT_A01` in one HL7 v2 version, in order, with their cardinalities.
///
/// ```swift
/// let adt = try Definitions.load(version: "2.5").structure("ADT_A01")
/// adt?.elements.first?.kind      // .segment("MSH")
/// ```
public struct MessageStructure: Sendable, Hashable {
    /// The structure ID (HL7 table 0354), e.g. `ADT_A01`.
    public var id: String
    /// The elements of the message, in order; the first one is MSH.
    public var elements: [StructureElement]

    /// Creates a message structure.
    public init(id: String, elements: [StructureElement]) {
        self.id = id
        self.elements = elements
    }

    /// The IDs of all segments that may occur in the structure, at any depth.
    public var segmentIDs: Set<String> {
        var result: Set<String> = []
        func collect(_ elements: [StructureElement]) {
            for element in elements {
                switch element.kind {
                case .segment(let id): result.insert(id)
                case .group(_, let children, _): collect(children)
                case .anySegment: break
                }
            }
        }
        collect(elements)
        return result
    }
}

/// A segment, a segment group or the "any segment" wildcard inside a ``MessageStructure``.
public struct StructureElement: Sendable, Hashable {
    /// What the element is.
    public indirect enum Kind: Sendable, Hashable {
        /// A segment, by ID.
        case segment(String)
        /// A group of elements, by name without the structure prefix (e.g. `PROCEDURE`).
        /// A choice group holds alternatives: exactly one of its elements occurs (once) per
        /// occurrence of the group.
        case group(name: String, elements: [StructureElement], isChoice: Bool)
        /// Any one segment (hl7apy's `ANYHL7SEGMENT`, used by a few master file structures).
        case anySegment
    }

    /// What the element is.
    public var kind: Kind
    /// The minimum number of occurrences: 0 (optional) or more (required).
    public var minOccurs: Int
    /// The maximum number of occurrences, `nil` when unbounded.
    public var maxOccurs: Int?

    /// Creates a structure element.
    public init(_ kind: Kind, minOccurs: Int, maxOccurs: Int?) {
        self.kind = kind
        self.minOccurs = minOccurs
        self.maxOccurs = maxOccurs
    }

    /// Whether the element must occur.
    public var isRequired: Bool { minOccurs >= 1 }
    /// Whether the element may occur more than once.
    public var isRepeating: Bool { maxOccurs.map { $0 > 1 } ?? true }
}
