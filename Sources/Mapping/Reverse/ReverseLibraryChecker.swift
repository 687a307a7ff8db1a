package import FHIR
import HL7v2

/// The cross-checks of the FHIR → HL7 v2 maps of a ``MappingLibrary``: every target is a field or
/// component the HL7 v2 definitions know (the newest version's, a superset of the older ones),
/// every map and vocabulary a rule uses exists and fits the place it fills, the leading element
/// path of every FHIRPath source exists on the map's FHIR type.
package struct ReverseLibraryChecker {
    let definitions: FHIR.Definitions
    let vocabularies: [String: VocabularyMap]
    let v2: HL7v2.Definitions?
    var errors: [MappingError] = []
    var datatypeMaps: [String: ReverseMappingFile] = [:]
    var segmentMaps: [String: ReverseMappingFile] = [:]
    var messageMaps: [String: ReverseMappingFile] = [:]

    /// HL7 v2 data types that hold the same thing under another name in another version.
    static let compatibleTypes: [Set<String>] = [["CE", "CWE", "CNE", "CF"], ["TS", "DTM", "DT"], ["ST", "ID", "IS", "TX", "FT"]]

    init(definitions: FHIR.Definitions, vocabularies: [String: VocabularyMap]) {
        self.definitions = definitions
        self.vocabularies = vocabularies
        self.v2 = try? HL7v2.Definitions.load(version: HL7v2.Definitions.versions.last!)
    }

    mutating func check(_ files: [ReverseMappingFile]) {
        for file in files {
            switch file.kind {
            case .datatype: datatypeMaps[file.name] = file
            case .segment: segmentMaps[file.name] = file
            case .message: messageMaps[file.name] = file
            }
        }
        for file in files.sorted(by: { $0.name < $1.name }) {
            switch file.kind {
            case .datatype(let source, let target):
                if definitions.structure(forType: source) == nil {
                    errors.append(MappingError(file: file.file, line: 1, "\(source) is not a FHIR R4 type"))
                }
                if v2?.dataType(target) == nil {
                    errors.append(MappingError(file: file.file, line: 1, "\(target) is not an HL7 v2 data type"))
                }
                for rule in file.rules { check(rule, in: file, from: source, placeType: target) }
            case .segment(let source, let target):
                if !definitions.isResourceType(source) {
                    errors.append(MappingError(file: file.file, line: 1, "\(source) is not a FHIR R4 resource type"))
                }
                if v2?.segment(target) == nil {
                    errors.append(MappingError(file: file.file, line: 1, "\(target) is not an HL7 v2 segment"))
                }
                for rule in file.rules { check(rule, in: file, from: source, placeType: nil) }
            case .message(let messageType, let version):
                if HL7v2.Definitions.resolve(version) == nil {
                    errors.append(MappingError(file: file.file, line: 1, "\(version) is not an HL7 v2 version (\(HL7v2.Definitions.versions.joined(separator: ", ")))"))
                }
                let event = Self.event(of: messageType)
                if let other = messageMaps.values.filter({ $0.name < file.name }).first(where: {
                    if case .message(let type, _) = $0.kind { Self.event(of: type) == event } else { false }
                }) {
                    errors.append(MappingError(file: file.file, line: 1, "\(event) is made by \(other.name) too"))
                }
                checkSegments(file.segments, in: file)
            }
        }
    }

    /// `ORU^R01^ORU_R01` → `ORU^R01`.
    static func event(of messageType: String) -> String {
        messageType.split(separator: "^", omittingEmptySubsequences: false).prefix(2).joined(separator: "^")
    }

    mutating func check(_ rule: ReverseMappingFile.Rule, in file: ReverseMappingFile, from type: String, placeType: String?) {
        if case .expression(let expression) = rule.source, let problem = Self.unknownElement(in: expression.text, from: type, definitions: definitions) {
            errors.append(MappingError(file: file.file, line: rule.line, problem))
        }
        if let condition = rule.condition, let problem = Self.unknownElement(in: condition.text, from: type, definitions: definitions) {
            errors.append(MappingError(file: file.file, line: rule.line, "the condition's \(problem)"))
        }
        // The HL7 v2 type of the place the rule fills.
        var placeType = placeType
        var path = rule.target.components
        if case .field(let segment, let field, _) = rule.target, let definition = v2?.segment(segment) {
            guard field <= definition.fields.count else {
                errors.append(MappingError(file: file.file, line: rule.line, "\(segment) has \(definition.fields.count) fields; there is no \(segment)-\(field)"))
                return
            }
            placeType = definition.fields[field - 1].dataType
        }
        while let component = path.first, let type = placeType, let components = v2?.dataType(type), !components.isEmpty {
            guard component <= components.count else {
                errors.append(MappingError(file: file.file, line: rule.line, "\(type) has \(components.count) components; there is no \(rule.target)"))
                return
            }
            placeType = components[component - 1].dataType
            path.removeFirst()
        }
        switch rule.conversion {
        case .datatype(let name):
            guard let map = datatypeMaps[name], case .datatype(_, let mapType) = map.kind else {
                errors.append(MappingError(file: file.file, line: rule.line, "no FHIR → v2 data-type map named \(name)"))
                return
            }
            if let placeType, !Self.compatible(mapType, placeType) {
                errors.append(MappingError(file: file.file, line: rule.line, "\(name) makes a \(mapType), but \(rule.target) is a \(placeType)"))
            }
            let depth = rule.target.components.count + (map.rules.map(\.target.components.count).max() ?? 0)
            if depth > 2 {
                errors.append(MappingError(file: file.file, line: rule.line, "\(name) fills subcomponents; it cannot go into a component (\(rule.target))"))
            }
        case .vocabulary(let name):
            if vocabularies[name] == nil {
                errors.append(MappingError(file: file.file, line: rule.line, "no vocabulary map (ConceptMap) named \(name)"))
            }
        case .builtin, nil:
            break
        }
    }

    mutating func checkSegments(_ rules: [ReverseMappingFile.SegmentRule], in file: ReverseMappingFile) {
        for rule in rules {
            if let name = rule.map {
                if let map = segmentMaps[name], case .segment(_, let segment) = map.kind {
                    if segment != rule.segment {
                        errors.append(MappingError(file: file.file, line: rule.line, "\(name) makes \(segment) segments, not \(rule.segment)"))
                    }
                } else {
                    errors.append(MappingError(file: file.file, line: rule.line, "no FHIR → v2 segment map named \(name)"))
                }
            } else if rule.children.isEmpty {
                errors.append(MappingError(file: file.file, line: rule.line, "the group \(rule.segment) has no lines under it"))
            }
            checkSegments(rule.children, in: file)
        }
    }

    static func compatible(_ a: String, _ b: String) -> Bool {
        // OBX-5 (`varies`) takes any type: OBX-2 says which.
        a == b || a == "varies" || b == "varies" || compatibleTypes.contains { $0.contains(a) && $0.contains(b) }
    }

    /// Checks the leading element path of a FHIRPath expression (`name` in
    /// `name.where(use = 'official')`, `valueQuantity.value` is not FHIRPath: `value.ofType(Quantity).value`)
    /// against the FHIR type it is evaluated on; `nil` when it exists (or cannot be followed:
    /// after a choice element or a function the type is not known here).
    package static func unknownElement(in expression: String, from type: String, definitions: FHIR.Definitions) -> String? {
        var names: [String] = []
        var current = ""
        for character in expression {
            if character.isLetter || character.isNumber || character == "_" {
                current.append(character)
            } else if character == ".", !current.isEmpty {
                names.append(current)
                current = ""
            } else {
                // A function call, an operator, a variable or a literal: the path ends before it.
                if character != "(" , !current.isEmpty { names.append(current) }
                current = ""
                break
            }
        }
        if !current.isEmpty { names.append(current) }
        if names.first == type || names.first.map(definitions.isResourceType) == true { names.removeFirst() }
        guard var structure = definitions.structure(forType: type) else { return nil }
        var path = structure.type
        for name in names {
            guard name.first?.isLowercase == true else { return nil }
            if structure.element(at: "\(path).\(name)[x]") != nil { return nil }
            guard let definition = structure.element(at: "\(path).\(name)") else {
                return "FHIRPath \(expression): \(path) has no element \(name)"
            }
            if definition.contentReference != nil { return nil }
            if !structure.children(of: definition.id).isEmpty {
                path = definition.id
            } else if let code = definition.types.first?.code, let next = definitions.structure(forType: code) {
                structure = next
                path = next.type
            } else {
                return nil
            }
        }
        return nil
    }
}
