public import FHIR
public import Foundation

/// Every mapping of a folder (`mappings/`), parsed and checked against each other and against the
/// FHIR definitions: `*.map` files (data-type, segment and message maps, anywhere below the
/// folder; those in a `fhir-to-v2` folder map FHIR to HL7 v2, see ``FHIRToV2``) and ConceptMaps
/// (`*.json`) as vocabulary maps, read both ways. Names are file names without their extension
/// and must be unique in each direction.
///
/// Loading checks everything before anything runs, and reports every problem at once with its
/// file and line: a rule's target that is not an element, a map or vocabulary that does not
/// exist, a segment map used for another segment or resource type, a reference to an unknown
/// name, two message maps for one event.
///
/// ```swift
/// let library = try MappingLibrary(folder: URL(fileURLWithPath: "mappings"))
/// let result = try V2ToFHIR(library: library).convert(message)
/// ```
public struct MappingLibrary: Sendable {
    /// A data-type or segment map with each rule's target resolved (a class: the engine looks one
    /// up for every value a data-type map converts, and a struct was copied field by field).
    final class FieldMap: Sendable {
        let file: MappingFile
        let sourceType: String
        let targetType: String
        let rules: [CompiledRule]

        init(file: MappingFile, sourceType: String, targetType: String, rules: [CompiledRule]) {
            self.file = file
            self.sourceType = sourceType
            self.targetType = targetType
            self.rules = rules
        }
    }

    /// A rule with its target resolved, in the form the engine walks (a class: the engine walks
    /// the rules of every segment, and a struct of this size was copied, field by field, each time).
    final class CompiledRule: Sendable {
        let rule: MappingFile.Rule
        /// The target's steps from the map's type (for a rule in a block: from the block's item).
        let steps: [TargetResolver.Step]
        let names: [String]
        let repeating: [Bool]
        let newItem: [Bool]
        /// The rules of the block under this one, their steps relative to the new item.
        let children: [CompiledRule]
        /// How a value is written when no map or vocabulary converts it: by the built-in
        /// conversion, or else by the target's FHIR type (decided once, not per value).
        let primitive: Primitive
        /// The number of the data-type map of `via MAP` in ``MappingLibrary/datatypeMapsByNumber``
        /// (found once, not by name for every value).
        let datatype: Int?
        /// The vocabulary map of `via vocabulary NAME`.
        let vocabulary: VocabularyMap?

        init(_ rule: MappingFile.Rule, steps: [TargetResolver.Step], children: [CompiledRule] = [], datatype: Int? = nil, vocabulary: VocabularyMap? = nil) {
            self.rule = rule
            self.steps = steps
            self.children = children
            self.datatype = datatype
            self.vocabulary = vocabulary
            names = steps.map(\.name)
            repeating = steps.map(\.isRepeating)
            newItem = steps.map(\.startsNewItem)
            if case .builtin(let builtin) = rule.conversion {
                primitive = Primitive(type: builtin.rawValue)
            } else {
                primitive = Primitive(type: steps.last?.type ?? "")
            }
        }
    }

    /// The kinds of FHIR primitive a v2 text becomes (see `V2ToFHIR.Run.primitive`).
    enum Primitive: Sendable {
        case date, dateTime, instant, boolean, integer, positiveInt, unsignedInt, decimal, base64
        /// Any other type: the text as a JSON string.
        case text

        init(type: String) {
            switch type {
            case "date": self = .date
            case "dateTime": self = .dateTime
            case "instant": self = .instant
            case "boolean": self = .boolean
            case "integer": self = .integer
            case "positiveInt": self = .positiveInt
            case "unsignedInt": self = .unsignedInt
            case "decimal": self = .decimal
            case "base64": self = .base64
            default: self = .text
            }
        }
    }

    /// The data-type maps, by name.
    var datatypeMaps: [String: FieldMap] = [:]
    /// The data-type maps by number (``CompiledRule/datatype``): their names sorted.
    var datatypeMapsByNumber: [FieldMap?] = []
    /// The segment maps, by name.
    var segmentMaps: [String: FieldMap] = [:]
    /// The message maps, by name.
    var messageMaps: [String: MappingFile] = [:]
    /// The message map of each `TYPE^EVENT`.
    var messageMapByEvent: [String: String] = [:]
    /// Resolved reference element paths, by (map name, line).
    var referenceSteps: [String: [TargetResolver.Step]] = [:]
    /// A compiled `matches` pattern. `Regex<AnyRegexOutput>` is not `Sendable` only because its
    /// output type erases captures; matching never mutates the compiled program, so sharing it
    /// between tasks is safe.
    struct Pattern: @unchecked Sendable {
        let regex: Regex<AnyRegexOutput>
    }

    /// The compiled regular expressions of `matches` conditions, by pattern.
    var patterns: [String: Pattern] = [:]
    /// The FHIR → HL7 v2 maps (files under a `fhir-to-v2` folder), by kind and name.
    var reverseDatatypeMaps: [String: ReverseMappingFile] = [:]
    var reverseSegmentMaps: [String: ReverseMappingFile] = [:]
    var reverseMessageMaps: [String: ReverseMappingFile] = [:]
    /// The vocabulary maps, by name.
    public private(set) var vocabularies: [String: VocabularyMap] = [:]
    /// The profile options (`profile NAME` files), by name.
    public private(set) var profiles: [String: MappingFile.ProfileRules] = [:]
    /// The definitions targets are checked against.
    public let definitions: Definitions

    /// The names of the maps, by kind, sorted.
    public var mapNames: (messages: [String], segments: [String], datatypes: [String], vocabularies: [String]) {
        (messageMaps.keys.sorted(), segmentMaps.keys.sorted(), datatypeMaps.keys.sorted(), vocabularies.keys.sorted())
    }

    /// The names of the profile options, sorted.
    public var profileNames: [String] { profiles.keys.sorted() }

    /// The events (`TYPE^EVENT`) a message map exists for, sorted.
    public var events: [String] { messageMapByEvent.keys.sorted() }

    /// Loads and checks every mapping under `folder`.
    ///
    /// - Throws: ``MappingErrors`` with every problem found.
    public init(folder: URL, definitions: Definitions = .r4) throws(MappingErrors) {
        var sources: [(file: String, text: String)] = []
        var conceptMaps: [(file: String, bytes: [UInt8])] = []
        var errors: [MappingError] = []
        let base = folder.standardizedFileURL.path
        let enumerator = FileManager.default.enumerator(atPath: base)
        var relativePaths: [String] = []
        while let relative = enumerator?.nextObject() as? String { relativePaths.append(relative) }
        if enumerator == nil { errors.append(MappingError(file: base, "the mappings folder cannot be read")) }
        for relative in relativePaths.sorted() {
            let url = URL(fileURLWithPath: base).appendingPathComponent(relative)
            // The claims maps (`fhir-to-claims/`) are InsuranceVN's: another language on other targets.
            if relative.hasSuffix(".map"), relative.split(separator: "/").dropLast().contains("fhir-to-claims") { continue }
            if relative.hasSuffix(".map") {
                guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                    errors.append(MappingError(file: relative, "cannot be read as UTF-8 text"))
                    continue
                }
                sources.append((relative, text))
            } else if relative.hasSuffix(".json"), let data = try? Data(contentsOf: url) {
                conceptMaps.append((relative, [UInt8](data)))
            }
        }
        try self.init(sources: sources, conceptMaps: conceptMaps, definitions: definitions, errors: errors)
    }

    /// Loads and checks mappings given as text (`file` names them in errors; the name is the
    /// file name without extension).
    ///
    /// - Throws: ``MappingErrors`` with every problem found.
    public init(
        sources: [(file: String, text: String)], conceptMaps: [(file: String, bytes: [UInt8])] = [], definitions: Definitions = .r4
    ) throws(MappingErrors) {
        try self.init(sources: sources, conceptMaps: conceptMaps, definitions: definitions, errors: [])
    }

    private init(
        sources: [(file: String, text: String)], conceptMaps: [(file: String, bytes: [UInt8])], definitions: Definitions, errors: [MappingError]
    ) throws(MappingErrors) {
        self.definitions = definitions
        var errors = errors
        var files: [MappingFile] = []
        var reverseFiles: [ReverseMappingFile] = []
        // Names are unique per direction: `ORU_R01` reads ORU^R01 into FHIR, `fhir-to-v2/…/ORU_R01` writes it.
        var seen: [String: String] = [:]
        var seenReverse: [String: String] = [:]
        for source in sources {
            let name = Self.name(of: source.file, extension: ".map")
            let isReverse = Self.isFHIRToV2(source.file)
            if let other = isReverse ? seenReverse.updateValue(source.file, forKey: name) : seen.updateValue(source.file, forKey: name) {
                errors.append(MappingError(file: source.file, "a second map named \(name) (the other is \(other))"))
                continue
            }
            if isReverse {
                var parser = ReverseMappingParser(file: source.file, name: name)
                if let file = parser.parse(source.text) { reverseFiles.append(file) }
                errors += parser.errors
                continue
            }
            var parser = MappingParser(file: source.file, name: name)
            if let file = parser.parse(source.text) { files.append(file) }
            errors += parser.errors
        }
        vocabularies = VocabularyMap.load(conceptMaps, definitions: definitions, errors: &errors)
        var checker = LibraryChecker(definitions: definitions, vocabularies: vocabularies)
        checker.check(files)
        errors += checker.errors
        var reverseChecker = ReverseLibraryChecker(definitions: definitions, vocabularies: vocabularies)
        reverseChecker.check(reverseFiles)
        errors += reverseChecker.errors
        guard errors.isEmpty else { throw MappingErrors(errors: errors) }
        datatypeMaps = checker.datatypeMaps
        datatypeMapsByNumber = checker.datatypeNames.map { checker.datatypeMaps[$0] }
        segmentMaps = checker.segmentMaps
        messageMaps = checker.messageMaps
        messageMapByEvent = checker.messageMapByEvent
        referenceSteps = checker.referenceSteps
        patterns = checker.patterns
        profiles = checker.profiles
        reverseDatatypeMaps = reverseChecker.datatypeMaps
        reverseSegmentMaps = reverseChecker.segmentMaps
        reverseMessageMaps = reverseChecker.messageMaps
    }

    /// Whether a file is a FHIR → HL7 v2 map: it is in a folder named `fhir-to-v2`.
    static func isFHIRToV2(_ file: String) -> Bool {
        file.split(separator: "/").dropLast().contains("fhir-to-v2")
    }

    /// The name of a map or vocabulary file: its last path component without `suffix`.
    package static func name(of file: String, extension suffix: String) -> String {
        let last = file.split(separator: "/").last.map(String.init) ?? file
        return last.hasSuffix(suffix) ? String(last.dropLast(suffix.count)) : last
    }

    static func referenceKey(_ map: String, _ line: Int) -> String { "\(map):\(line)" }
}
