import Foundation

/// The HL7 v2 definitions of one version: message structures, trigger events, segments,
/// composite data types and table values, as shipped in the module's resources
/// (`Resources/hl7v2-<version>.json`, derived from hl7apy by `scripts/derive-hl7v2-data.py`).
///
/// Each version is read and compiled once per process, on first use, and shared: the
/// ``Validator`` never decodes JSON per message.
///
/// ```swift
/// let v25 = try Definitions.load(version: "2.5")
/// v25.structureID(type: "ADT", event: "A04")   // "ADT_A01"
/// v25.structure("ADT_A01")?.elements.count     // 22
/// v25.table("0001")                             // ["A", "F", "M", "N", "O", "U"]
/// ```
public final class Definitions: Sendable {
    /// The versions with definitions, oldest first. There is no 2.7.1 (hl7apy has none):
    /// ``resolve(_:)`` maps it to 2.7.
    public static let versions: [String] = ["2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.8", "2.8.1", "2.8.2"]

    /// The version, e.g. `2.5.1`.
    public let version: String

    let structures: [String: MessageStructure]
    let events: [String: String]
    let segmentDefinitions: [String: SegmentDefinition]
    let dataTypes: [String: [ComponentDefinition]]
    let tables: [String: Set<String>]
    /// The tables with values, by index (for compiled table checks).
    let tableList: [(id: String, values: Set<String>)]

    /// Segment ID → symbol used by the structure automata.
    let symbols: [String: Int32]
    /// Compiled structures.
    let automata: [String: StructureAutomaton]
    /// Compiled segment checks, by symbol.
    let segmentPlans: [SegmentPlan?]
    /// Compiled composite data types (for OBX-5 by OBX-2).
    let compositePlans: [String: CompositePlan]
    /// The message types named anywhere (table 0076, events, structure IDs).
    let messageTypes: Set<String>

    /// Reads a version from the JSON definitions file format.
    init(file: DefinitionsFile) {
        version = file.version
        var structures: [String: MessageStructure] = [:]
        for (id, elements) in file.messages {
            structures[id] = MessageStructure(id: id, elements: elements.map(DefinitionsFile.element))
        }
        self.structures = structures
        events = file.events
        var segments: [String: SegmentDefinition] = [:]
        for (id, fields) in file.segments {
            segments[id] = SegmentDefinition(id: id, fields: fields.map {
                FieldDefinition(name: $0.n, dataType: $0.t, minOccurs: $0.min, maxOccurs: $0.max < 0 ? nil : $0.max, table: $0.tbl)
            })
        }
        segmentDefinitions = segments
        let dataTypeValues = file.datatypes.mapValues { $0.map { ComponentDefinition(name: $0.n, dataType: $0.t, table: $0.tbl) } }
        dataTypes = dataTypeValues
        let tableValues = file.tables.filter { !$0.value.isEmpty }.mapValues(Set.init)
        tables = tableValues

        // Symbols: every defined segment, plus any segment a structure names without defining it.
        var ids = Set(segments.keys)
        for structure in structures.values { ids.formUnion(structure.segmentIDs) }
        var symbols: [String: Int32] = [:]
        for (index, id) in ids.sorted().enumerated() { symbols[id] = Int32(index) }
        self.symbols = symbols
        automata = structures.mapValues { StructureAutomaton($0, symbols: symbols) }

        let tableList = tableValues.sorted { $0.key < $1.key }.map { (id: $0.key, values: $0.value) }
        self.tableList = tableList
        var tableIndex: [String: Int32] = [:]
        for (index, entry) in tableList.enumerated() { tableIndex[entry.id] = Int32(index) }
        let compiler = PlanCompiler(dataTypes: dataTypeValues, tables: tableIndex)
        var plans = [SegmentPlan?](repeating: nil, count: symbols.count)
        for (id, definition) in segments {
            if let symbol = symbols[id] { plans[Int(symbol)] = compiler.segment(definition) }
        }
        segmentPlans = plans
        var composites: [String: CompositePlan] = [:]
        for type in dataTypeValues.keys {
            if let plan = compiler.composite(type) { composites[type] = plan }
        }
        compositePlans = composites
        var types = tableValues["0076"] ?? []
        for key in file.events.keys { types.insert(String(key.prefix { $0 != "^" })) }
        for id in structures.keys { types.insert(String(id.prefix { $0 != "_" })) }
        messageTypes = types
    }

    // MARK: Loading

    /// Why the definitions of a version could not be loaded.
    public struct LoadError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The version asked for.
        public var version: String
        /// What went wrong.
        public var reason: String

        /// Creates a load error.
        public init(version: String, reason: String) {
            self.version = version
            self.reason = reason
        }

        public var description: String { "HL7 v2 definitions for version \(version): \(reason)" }
    }

    /// The definitions of exactly `version` (one of ``versions``), read once and then shared.
    ///
    /// - Throws: ``LoadError`` when the version is not one of ``versions`` or its resource
    ///   cannot be read.
    public static func load(version: String) throws(LoadError) -> Definitions {
        try DefinitionsCache.shared.definitions(version)
    }

    /// Reads and compiles a version's resource (uncached).
    static func read(version: String) throws(LoadError) -> Definitions {
        guard versions.contains(version) else {
            throw LoadError(version: version, reason: "no definitions for this version")
        }
        guard let url = Bundle.module.url(forResource: "hl7v2-\(version)", withExtension: "json", subdirectory: "Resources") else {
            throw LoadError(version: version, reason: "the resource hl7v2-\(version).json is missing from the bundle")
        }
        let file: DefinitionsFile
        do {
            let data = try Data(contentsOf: url)
            file = try JSONDecoder().decode(DefinitionsFile.self, from: data)
        } catch {
            throw LoadError(version: version, reason: "the resource cannot be read (\(error))")
        }
        return Definitions(file: file)
    }

    /// A version as asked for by a message (MSH-12) and the version whose definitions apply.
    public struct ResolvedVersion: Hashable, Sendable {
        /// The version whose definitions apply, one of ``Definitions/versions``.
        public var version: String
        /// Whether it is the version asked for (`false`: the closest lower known version).
        public var isExact: Bool
    }

    /// The version whose definitions apply to a message of version `requested`: the same
    /// version when there are definitions for it, else the closest lower one (2.7.1 → 2.7,
    /// 2.5.2 → 2.5.1, 2.9 → 2.8.2). `nil` for anything that is not a 2.x version number or is
    /// older than 2.1.
    public static func resolve(_ requested: String) -> ResolvedVersion? {
        if versions.contains(requested) { return ResolvedVersion(version: requested, isExact: true) }
        guard let key = versionKey(requested.trimmingCharacters(in: .whitespaces)) else { return nil }
        var best: (key: [Int], version: String)?
        for version in versions {
            guard let known = versionKey(version) else { continue }
            if known == key { return ResolvedVersion(version: version, isExact: true) }
            if known.lexicographicallyPrecedes(key), best.map({ $0.key.lexicographicallyPrecedes(known) }) ?? true {
                best = (known, version)
            }
        }
        return best.map { ResolvedVersion(version: $0.version, isExact: false) }
    }

    /// `2.5.1` → [2, 5, 1]; trailing zeros dropped (2.3.0 = 2.3); `nil` unless 2.x[.y].
    private static func versionKey(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        var key: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 4, part.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(part) else { return nil }
            key.append(number)
        }
        guard key[0] == 2 else { return nil }
        while key.count > 2, key.last == 0 { key.removeLast() }
        return key
    }

    // MARK: Lookups

    /// The IDs of all message structures, sorted.
    public var structureIDs: [String] { structures.keys.sorted() }

    /// The message structure `id` (e.g. `ADT_A01`), if the version has it.
    public func structure(_ id: String) -> MessageStructure? { structures[id] }

    /// The structure of messages of type `type` and trigger event `event` (table 0354, e.g.
    /// ADT^A04 → `ADT_A01`), if the version has one.
    public func structureID(type: String, event: String) -> String? { events[type + "^" + event] }

    /// All `TYPE^EVENT` keys with their structure IDs.
    public var eventStructures: [String: String] { events }

    /// The segment `id`, if the version defines it.
    public func segment(_ id: String) -> SegmentDefinition? { segmentDefinitions[id] }

    /// The IDs of all segments the version defines, sorted.
    public var segmentIDs: [String] { segmentDefinitions.keys.sorted() }

    /// The components of the composite data type `id` (e.g. `CX`), or `nil` for a primitive or
    /// unknown type.
    public func dataType(_ id: String) -> [ComponentDefinition]? { dataTypes[id] }

    /// The values of HL7 table `id` (e.g. `0001`), when the definitions carry them.
    public func table(_ id: String) -> Set<String>? { tables[id] }

    /// The IDs of the tables that have values, sorted.
    public var tableIDs: [String] { tables.keys.sorted() }
}
