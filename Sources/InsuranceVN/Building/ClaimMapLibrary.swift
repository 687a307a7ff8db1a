public import FHIR
public import Foundation
public import Mapping

/// The FHIR → claims maps of a mappings folder (`mappings/fhir-to-claims/*.map`, one per table)
/// with the vocabulary maps they use (`mappings/vocabulary/*.json`), parsed and checked against
/// the claim table definitions.
///
/// Loading checks everything before anything runs and reports every problem at once with its
/// file, line and column: an unknown table or field, FHIRPath that does not parse, an unknown
/// vocabulary, two maps for one table.
///
/// ```swift
/// let maps = try ClaimMapLibrary(folder: URL(fileURLWithPath: "mappings"))
/// let result = ClaimBuilder(maps: maps, options: .init(facilityCode: "79001")).build(bundle)
/// ```
public struct ClaimMapLibrary: Sendable {
    /// The maps, in the tables' order (XML1 before XML2 …).
    public let maps: [ClaimMap]
    /// The vocabulary maps, by name (file name without `.json`).
    public let vocabularies: [String: VocabularyMap]
    /// The claim table definitions the maps were checked against.
    public let definitions: ClaimDefinitions
    /// The FHIR definitions (type tests in FHIRPath).
    public let fhirDefinitions: FHIR.Definitions

    /// The folder, below a mappings folder, holding the claims maps.
    public static let folderName = "fhir-to-claims"

    /// Loads the maps under `folder/fhir-to-claims` and the ConceptMaps under `folder/vocabulary`.
    ///
    /// - Throws: ``MappingErrors`` with every problem found.
    public init(folder: URL, definitions: ClaimDefinitions = .standard, fhirDefinitions: FHIR.Definitions = .r4) throws(MappingErrors) {
        let base = folder.standardizedFileURL
        var sources: [(file: String, text: String)] = []
        var conceptMaps: [(file: String, bytes: [UInt8])] = []
        var errors: [MappingError] = []
        let manager = FileManager.default
        let mapsFolder = base.appendingPathComponent(Self.folderName)
        guard let mapFiles = try? manager.contentsOfDirectory(atPath: mapsFolder.path) else {
            throw MappingErrors(errors: [MappingError(file: "\(Self.folderName)/", "the claims maps folder cannot be read")])
        }
        for name in mapFiles.sorted() where name.hasSuffix(".map") {
            let file = "\(Self.folderName)/\(name)"
            guard let text = try? String(contentsOf: mapsFolder.appendingPathComponent(name), encoding: .utf8) else {
                errors.append(MappingError(file: file, "cannot be read as UTF-8 text"))
                continue
            }
            sources.append((file, text))
        }
        let vocabularyFolder = base.appendingPathComponent("vocabulary")
        for name in ((try? manager.contentsOfDirectory(atPath: vocabularyFolder.path)) ?? []).sorted() where name.hasSuffix(".json") {
            if let data = try? Data(contentsOf: vocabularyFolder.appendingPathComponent(name)) {
                conceptMaps.append(("vocabulary/\(name)", [UInt8](data)))
            }
        }
        try self.init(sources: sources, conceptMaps: conceptMaps, definitions: definitions, fhirDefinitions: fhirDefinitions, errors: errors)
    }

    /// Loads maps given as text (`file` names them in errors; the name is the file name without
    /// `.map`) and ConceptMaps given as JSON.
    ///
    /// - Throws: ``MappingErrors`` with every problem found.
    public init(
        sources: [(file: String, text: String)], conceptMaps: [(file: String, bytes: [UInt8])] = [],
        definitions: ClaimDefinitions = .standard, fhirDefinitions: FHIR.Definitions = .r4
    ) throws(MappingErrors) {
        try self.init(sources: sources, conceptMaps: conceptMaps, definitions: definitions, fhirDefinitions: fhirDefinitions, errors: [])
    }

    private init(
        sources: [(file: String, text: String)], conceptMaps: [(file: String, bytes: [UInt8])],
        definitions: ClaimDefinitions, fhirDefinitions: FHIR.Definitions, errors: [MappingError]
    ) throws(MappingErrors) {
        var errors = errors
        let vocabularies = VocabularyMap.load(conceptMaps, definitions: fhirDefinitions, errors: &errors)
        var maps: [ClaimMap] = []
        var byTable: [String: String] = [:]
        for source in sources {
            var parser = ClaimMapParser(
                file: source.file, name: MappingLibrary.name(of: source.file, extension: ".map"), definitions: definitions,
                vocabularies: Set(vocabularies.keys), fhirDefinitions: fhirDefinitions)
            let map = parser.parse(source.text)
            errors += parser.errors
            guard let map else { continue }
            if let other = byTable.updateValue(source.file, forKey: map.table.name) {
                errors.append(MappingError(file: source.file, line: 1, "a second map for \(map.table.name) (the other is \(other))"))
                continue
            }
            maps.append(map)
        }
        guard errors.isEmpty else { throw MappingErrors(errors: errors) }
        let order = Dictionary(uniqueKeysWithValues: definitions.tables.enumerated().map { ($1.name, $0) })
        let constants = ClaimMap.sharingConstants(
            maps.sorted { (order[$0.table.name] ?? .max) < (order[$1.table.name] ?? .max) }.map { $0.sharingSubexpressions() })
        self.constantSlots = constants.slots
        (self.maps, self.expressionSlots) = Self.numberingExpressions(constants.maps)
        self.vocabularies = vocabularies
        self.definitions = definitions
        self.fhirDefinitions = fhirDefinitions
    }

    /// How many slots ``numberingExpressions(_:)`` gave.
    let expressionSlots: Int
    /// How many constant subexpressions the maps share (``ClaimMap/sharingConstants(_:)``).
    let constantSlots: Int

    /// The maps with each expression (source or condition, of a block or a rule) given a slot,
    /// one per distinct text, where a build keeps its value when it does not depend on the input
    /// (`%coverages.first()…` in every drug line): found by number, not by hashing its text.
    static func numberingExpressions(_ maps: [ClaimMap]) -> (maps: [ClaimMap], slots: Int) {
        var slots: [String: Int] = [:]
        func slot(_ expression: ClaimMap.Expression?) -> Int {
            guard let expression else { return -1 }
            if let known = slots[expression.text] { return known }
            slots[expression.text] = slots.count
            return slots.count - 1
        }
        func numbered(_ rules: [ClaimMap.Rule]) -> [ClaimMap.Rule] {
            rules.map { rule in
                var rule = rule
                if case .expression(let expression) = rule.source {
                    rule.sourceSlot = slot(expression)
                    rule.sourceExpression = expression
                }
                rule.conditionSlot = slot(rule.condition)
                return rule
            }
        }
        let numberedMaps = maps.map { map in
            var map = map
            map.rules = numbered(map.rules)
            map.blocks = map.blocks.map { block in
                var block = block
                block.sourceSlot = slot(block.source)
                block.conditionSlot = slot(block.condition)
                block.rules = numbered(block.rules)
                return block
            }
            return map
        }
        return (numberedMaps, slots.count)
    }

    /// The map of a table, if any.
    public subscript(table: String) -> ClaimMap? {
        maps.first { $0.table.name == table }
    }
}
