import FHIR

/// One FHIR → HL7 v2 mapping file (a `.map` file under a `fhir-to-v2` folder), parsed (see
/// `docs/MAPPING.md`, "FHIR → HL7 v2"): a data-type map, a segment map or a message map. The
/// sources are FHIRPath expressions, the targets HL7 v2 places.
struct ReverseMappingFile: Sendable {
    /// What the file maps.
    public enum Kind: Sendable, Hashable {
        /// `datatype HumanName -> XPN`
        case datatype(source: String, target: String)
        /// `segment Patient -> PID`
        case segment(source: String, target: String)
        /// `message Bundle -> ORU^R01^ORU_R01 version 2.5.1`: the message type (MSH-9) and the
        /// HL7 version (MSH-12).
        case message(messageType: String, version: String)
    }

    /// The name other files (and `--mapping`) use: the file name without `.map`.
    public var name: String
    /// The file, as errors name it.
    public var file: String
    /// What it maps.
    public var kind: Kind
    /// A message map's `if` condition: the Bundles it takes when none is named.
    public var condition: Expression?
    /// The field and component rules (data-type and segment maps).
    public var rules: [Rule]
    /// The segment rules (message maps), as a tree.
    public var segments: [SegmentRule]
}

extension ReverseMappingFile {
    /// A FHIRPath expression of a rule, compiled, with its text.
    public typealias Expression = FHIRPathRuleExpression

    /// Where a value comes from: a FHIRPath expression on the resource (segment map) or value
    /// (data-type map), or a constant (`"NM"`).
    public typealias Source = FHIRPathRuleSource

    /// Where a value goes.
    public enum Target: Sendable, Hashable, CustomStringConvertible {
        /// A component path of the data type a data-type map makes: `.4.1` is `[4, 1]`.
        case component([Int])
        /// A field of the segment a segment map makes, with an optional component path:
        /// `PID-3.4` is field 3, `[4]`.
        case field(segment: String, field: Int, components: [Int])

        /// The component path (below the field, for a field).
        public var components: [Int] {
            switch self {
            case .component(let path), .field(_, _, let path): path
            }
        }

        public var description: String {
            switch self {
            case .component(let path): path.map { ".\($0)" }.joined()
            case .field(let segment, let field, let path): "\(segment)-\(field)" + path.map { ".\($0)" }.joined()
            }
        }
    }

    /// `SOURCE -> TARGET [via MAP] [if CONDITION]`: the source and condition are FHIRPath.
    public struct Rule: Sendable {
        public var line: MappingFile.Line
        public var source: Source
        public var target: Target
        /// A data-type map, a vocabulary map (read backwards) or a built-in conversion.
        public var conversion: MappingFile.Conversion?
        /// A FHIRPath condition on the same input as the source: the rule applies when it is true.
        public var condition: Expression?
    }

    /// A line of a message map: `[each] SOURCE -> SEG via MAP [if CONDITION]` makes a segment
    /// of each resource (or of the first) the FHIRPath source gives; the lines indented under it
    /// read from that resource. `[each] SOURCE -> GROUP` (a name such as `ORDER_OBSERVATION`)
    /// makes no segment: only the lines under it, for each resource.
    public struct SegmentRule: Sendable {
        public var line: MappingFile.Line
        public var isEach: Bool
        public var source: Expression
        /// The segment ID, or the group's name.
        public var segment: String
        /// The segment map; `nil` for a group.
        public var map: String?
        public var condition: Expression?
        public var children: [SegmentRule]
    }
}
