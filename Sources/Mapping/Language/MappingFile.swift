/// One mapping file, parsed (see `docs/MAPPING.md`): a data-type map, a segment map or a message map.
public struct MappingFile: Sendable {
    /// What the file maps.
    public enum Kind: Sendable, Hashable {
        /// `datatype CX -> Identifier`
        case datatype(source: String, target: String)
        /// `segment PID -> Patient`
        case segment(source: String, target: String)
        /// `message ADT^A01 ADT^A04 -> Bundle message`
        case message(events: [String], bundleType: String)
        /// `profile vn-core`: a mapping option — resources claim profiles, and maps are swapped
        /// for variants that meet them.
        case profile(String)
    }

    /// The name other files use: the file name without `.map`.
    public var name: String
    /// The file, as errors name it.
    public var file: String
    /// What it maps.
    public var kind: Kind
    /// The field and component rules (data-type and segment maps).
    public var rules: [Rule]
    /// The resource rules (message maps), as a tree.
    public var resources: [ResourceRule]
    /// The lines of a profile option.
    public var profile = ProfileRules()

    /// The line number (1-based) of a rule in its file.
    public typealias Line = Int
}

extension MappingFile {
    /// Where a value comes from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// A component path of the value a data-type map converts (or of the repetition a rule
        /// block runs for): `.4.1` is `[4, 1]`, `.` the value itself (`[]`).
        case component([Int])
        /// A field of the segment a segment map converts, with an optional component path:
        /// `PID-3.4.1` is field 3, `[4, 1]`.
        case field(segment: String, field: Int, components: [Int])
        /// A constant.
        case constant(String)
        /// An element of the FHIR output built so far (conditions only): `status` in
        /// `if status missing` tests what earlier rules (or maps) set.
        case output([String])
        /// Text joined from several sources: `.1.1 + " " + .3 + " " + .2`. Each source gives its
        /// first value's text; constants between two sources are separators, kept only between
        /// two non-empty values (the run just before the later one); constants before the first
        /// or after the last source are kept when any value is there. No value: no text.
        indirect case joined([Source])

        public var description: String {
            switch self {
            case .component(let path): path.map { ".\($0)" }.joined()
            case .field(let segment, let field, let path): "\(segment)-\(field)" + path.map { ".\($0)" }.joined()
            case .constant(let text): "\"\(text)\""
            case .output(let path): path.joined(separator: ".")
            case .joined(let parts): parts.map(\.description).joined(separator: " + ")
            }
        }
    }

    /// How a value is converted.
    public enum Conversion: Sendable, Hashable {
        /// By a data-type map.
        case datatype(String)
        /// By a vocabulary map (a ConceptMap).
        case vocabulary(String)
        /// By a built-in conversion.
        case builtin(Builtin)
    }

    /// The built-in conversions.
    public enum Builtin: String, Sendable, Hashable, CaseIterable {
        case string, code, id, uri, markdown, decimal, integer, positiveInt, unsignedInt, boolean, date, dateTime, instant
        /// The text's UTF-8 bytes in base64 (text into an Attachment's data).
        case base64
    }

    /// A test of a source value.
    public struct Condition: Sendable, Hashable {
        /// How the value is tested.
        public enum Test: Sendable, Hashable {
            case exists, missing
            /// The field has more than one (non-empty) repetition, or at most one.
            case repeats, single
            case equals(String), notEquals(String)
            case oneOf([String])
            /// The whole value matches a regular expression.
            case matches(String)
        }

        public var source: Source
        public var test: Test
    }

    /// `SOURCE -> TARGET [via MAP] [if CONDITION [and CONDITION…]]`.
    public struct Rule: Sendable, Hashable {
        public var line: Line
        public var source: Source
        /// The FHIR element path, split at the dots.
        public var target: [String]
        public var conversion: Conversion?
        /// Conditions that must all hold.
        public var conditions: [Condition]
        /// The rules indented under this one: they run once per value of the source, each
        /// making one new item of the target (`.` is that value).
        public var children: [Rule] = []
    }

    /// A line of a message map: `[each] SEG -> Type [as name] via MAP [if CONDITION…]` (a new
    /// resource) or `[each] SEG -> name via MAP [if CONDITION…]` (more of a named resource), with
    /// its reference lines and the rules nested under it.
    public struct ResourceRule: Sendable, Hashable {
        public var line: Line
        /// One resource per segment (`each`), or one from the first segment.
        public var isEach: Bool
        public var segment: String
        /// The new resource's type; `nil` when the line adds to the resource ``into``.
        public var resourceType: String?
        /// The named resource this line adds to.
        public var into: String?
        /// The name the resource is referred to by.
        public var name: String?
        /// The segment map.
        public var map: String
        /// Conditions on the segment's fields that must all hold for the line to read it.
        public var conditions: [Condition] = []
        /// Segments the segment's group must hold (`if RXO exists`) or lack (`if RXO missing`).
        public var groupTests: [GroupTest] = []
        /// `each OBX before OBR`: the line reads only the segments that come before the first
        /// segment of this ID in its scope (all of them when the scope has none), such as the
        /// specimen's results of an OUL^R22 ahead of its first order.
        public var before: String?
        /// `element = name` and `owner.element += name` lines.
        public var references: [ReferenceRule]
        /// The rules of the segments that belong to this one.
        public var children: [ResourceRule]
    }

    /// `if SEG exists` or `if SEG missing` on a message-map line: whether the group of the line's
    /// segment (the segments after it, up to the next of its kind) holds a segment `SEG`.
    public struct GroupTest: Sendable, Hashable {
        public var segment: String
        public var exists: Bool
    }

    /// What a profile option (`profile NAME`) does.
    public struct ProfileRules: Sendable, Hashable {
        /// `Patient conforms to URL`: resources of the type get `meta.profile` URL, and are
        /// validated against it when the implementation guide is loaded. With
        /// `if PATH exists` (or `missing`), only the resources whose element PATH (dotted, from
        /// the resource) has a value (or has none) claim it: a message that cannot meet a
        /// profile (an Encounter without the diagnosis the profile requires) does not claim it.
        public struct Claim: Sendable, Hashable {
            public var line: Line
            public var resourceType: String
            public var profile: String
            /// The element the claim depends on, and whether it must exist (`true`) or be missing.
            public var condition: (path: [String], exists: Bool)?

            public init(line: Line, resourceType: String, profile: String, condition: (path: [String], exists: Bool)? = nil) {
                self.line = line
                self.resourceType = resourceType
                self.profile = profile
                self.condition = condition
            }

            public static func == (lhs: Claim, rhs: Claim) -> Bool {
                lhs.line == rhs.line && lhs.resourceType == rhs.resourceType && lhs.profile == rhs.profile
                    && lhs.condition?.path == rhs.condition?.path && lhs.condition?.exists == rhs.condition?.exists
            }

            public func hash(into hasher: inout Hasher) {
                hasher.combine(line)
                hasher.combine(resourceType)
                hasher.combine(profile)
                hasher.combine(condition?.path)
                hasher.combine(condition?.exists)
            }
        }

        /// `use VARIANT for MAP`: wherever a rule says `via MAP` (or a message map names segment
        /// map MAP), VARIANT runs instead.
        public struct Substitution: Sendable, Hashable {
            public var line: Line
            public var variant: String
            public var replaced: String
        }

        public var claims: [Claim] = []
        public var substitutions: [Substitution] = []
    }

    /// `[owner.]element = name` (set a Reference) or `[owner.]element += name` (append one).
    public struct ReferenceRule: Sendable, Hashable {
        public var line: Line
        /// The resource that gets the reference (a name); `nil` for the rule's own resource.
        public var owner: String?
        /// The element path.
        public var element: [String]
        /// The referenced resource's name.
        public var target: String
        public var appends: Bool
    }
}
