import FHIR

/// The cross-checks of ``MappingLibrary``: resolves every rule's target, and checks that every
/// map, vocabulary and name a rule uses exists and fits.
struct LibraryChecker {
    let definitions: Definitions
    let vocabularies: [String: VocabularyMap]
    let resolver: TargetResolver
    var errors: [MappingError] = []
    var datatypeMaps: [String: MappingLibrary.FieldMap] = [:]
    var segmentMaps: [String: MappingLibrary.FieldMap] = [:]
    var messageMaps: [String: MappingFile] = [:]
    var messageMapByEvent: [String: String] = [:]
    var referenceSteps: [String: [TargetResolver.Step]] = [:]
    var patterns: [String: MappingLibrary.Pattern] = [:]
    var profiles: [String: MappingFile.ProfileRules] = [:]
    /// The names of the data-type maps, sorted: a compiled rule names its map by its number here.
    var datatypeNames: [String] = []
    var datatypeNumbers: [String: Int] = [:]

    init(definitions: Definitions, vocabularies: [String: VocabularyMap]) {
        self.definitions = definitions
        self.vocabularies = vocabularies
        self.resolver = TargetResolver(definitions: definitions)
    }

    mutating func check(_ files: [MappingFile]) {
        // First every data-type and segment map's own rules (their targets), then the uses of
        // other maps (which need the targets' types), then the message maps.
        datatypeNames = Set(files.compactMap { if case .datatype = $0.kind { $0.name } else { nil } }).sorted()
        datatypeNumbers = Dictionary(uniqueKeysWithValues: datatypeNames.enumerated().map { ($1, $0) })
        for file in files {
            switch file.kind {
            case .datatype(let source, let target):
                if let map = fieldMap(file, source: source, target: target) { datatypeMaps[file.name] = map }
            case .segment(let source, let target):
                guard definitions.isResourceType(target) else {
                    errors.append(MappingError(file: file.file, line: 1, "\(target) is not a FHIR R4 resource type"))
                    continue
                }
                if let map = fieldMap(file, source: source, target: target) { segmentMaps[file.name] = map }
            case .message:
                messageMaps[file.name] = file
            case .profile(let name):
                profiles[name] = file.profile
            }
        }
        for map in Array(datatypeMaps.values) + Array(segmentMaps.values) {
            var pending = map.rules
            while let compiled = pending.popLast() {
                if compiled.children.isEmpty { checkConversion(compiled.rule, steps: compiled.steps, in: map.file) }
                pending += compiled.children
            }
        }
        for file in messageMaps.values.sorted(by: { $0.name < $1.name }) {
            guard case .message(let events, _) = file.kind else { continue }
            for event in events {
                if let other = messageMapByEvent.updateValue(file.name, forKey: event) {
                    errors.append(MappingError(file: file.file, line: 1, "\(event) is mapped by \(other) too"))
                }
            }
            var names: [String: String] = [:]
            checkResources(file.resources, in: file, names: &names)
        }
        for file in files {
            guard case .profile = file.kind else { continue }
            checkProfile(file)
        }
    }

    /// A profile's claims name resource types; each variant exists and can stand in for the map
    /// it replaces (same kind, source and target).
    mutating func checkProfile(_ file: MappingFile) {
        for claim in file.profile.claims {
            if !definitions.isResourceType(claim.resourceType) {
                errors.append(MappingError(file: file.file, line: claim.line, "\(claim.resourceType) is not a FHIR R4 resource type"))
            }
            if !claim.profile.contains("://") {
                errors.append(MappingError(file: file.file, line: claim.line, "\(claim.profile) is not a profile's canonical URL"))
            }
        }
        for substitution in file.profile.substitutions {
            let pair = (datatypeMaps[substitution.variant], datatypeMaps[substitution.replaced])
            let segments = (segmentMaps[substitution.variant], segmentMaps[substitution.replaced])
            if let variant = pair.0 ?? segments.0, let replaced = pair.1 ?? segments.1 {
                if (pair.0 == nil) != (pair.1 == nil) || variant.sourceType != replaced.sourceType || variant.targetType != replaced.targetType {
                    errors.append(MappingError(
                        file: file.file, line: substitution.line,
                        "\(substitution.variant) maps \(variant.sourceType) to \(variant.targetType); it cannot stand in for \(substitution.replaced) (\(replaced.sourceType) to \(replaced.targetType))"))
                }
            } else {
                let missing = (pair.0 ?? segments.0) == nil ? substitution.variant : substitution.replaced
                errors.append(MappingError(file: file.file, line: substitution.line, "no data-type or segment map named \(missing)"))
            }
        }
    }

    mutating func fieldMap(_ file: MappingFile, source: String, target: String) -> MappingLibrary.FieldMap? {
        guard definitions.structure(forType: target) != nil else {
            errors.append(MappingError(file: file.file, line: 1, "\(target) is not a FHIR R4 type"))
            return nil
        }
        let rules = compile(file.rules, from: target, prefix: [], in: file)
        return MappingLibrary.FieldMap(file: file, sourceType: source, targetType: target, rules: rules)
    }

    /// Resolves rules' targets from `type`; rules in a block resolve below their block's target
    /// (`prefix`) and keep the steps after it.
    mutating func compile(_ rules: [MappingFile.Rule], from type: String, prefix: [String], in file: MappingFile) -> [MappingLibrary.CompiledRule] {
        var compiled: [MappingLibrary.CompiledRule] = []
        for rule in rules {
            for condition in rule.conditions {
                if case .matches(let pattern) = condition.test, patterns[pattern] == nil {
                    patterns[pattern] = (try? Regex(pattern)).map(MappingLibrary.Pattern.init)
                }
                guard case .output(let path) = condition.source else { continue }
                if case .failure(let error) = resolver.resolve(prefix + path, from: type) {
                    errors.append(MappingError(file: file.file, line: rule.line, "the condition's \(error.message)"))
                }
            }
            if case .joined = rule.source {
                if !rule.children.isEmpty {
                    errors.append(MappingError(file: file.file, line: rule.line, "a joined source is one text; a block needs a field or component"))
                }
                if case .datatype(let name) = rule.conversion {
                    errors.append(MappingError(file: file.file, line: rule.line, "a joined source is text; it cannot go through the data-type map \(name)"))
                }
            }
            switch resolver.resolve(prefix + rule.target, from: type) {
            case .success(let steps):
                let own = Array(steps.dropFirst(prefix.count))
                var children: [MappingLibrary.CompiledRule] = []
                if !rule.children.isEmpty {
                    if own.last?.isRepeating != true || definitions.structure(forType: own.last?.type ?? "").map({ $0.kind == .primitiveType }) == true {
                        errors.append(MappingError(
                            file: file.file, line: rule.line,
                            "a block makes one \(rule.target.joined(separator: ".")) per value: it must be a repeating element with elements of its own"))
                    }
                    children = compile(rule.children, from: type, prefix: prefix + rule.target, in: file)
                }
                var datatype: Int?
                var vocabulary: VocabularyMap?
                switch rule.conversion {
                case .datatype(let name): datatype = datatypeNumbers[name]
                case .vocabulary(let name): vocabulary = vocabularies[name]
                case .builtin, nil: break
                }
                compiled.append(MappingLibrary.CompiledRule(rule, steps: own, children: children, datatype: datatype, vocabulary: vocabulary))
            case .failure(let error):
                errors.append(MappingError(file: file.file, line: rule.line, error.message))
            }
        }
        return compiled
    }

    mutating func checkConversion(_ rule: MappingFile.Rule, steps: [TargetResolver.Step], in file: MappingFile) {
        guard let last = steps.last else { return }
        switch rule.conversion {
        case .datatype(let name):
            guard let map = datatypeMaps[name] else {
                errors.append(MappingError(file: file.file, line: rule.line, "no data-type map named \(name)"))
                return
            }
            if map.targetType != last.type {
                errors.append(MappingError(file: file.file, line: rule.line, "\(name) makes a \(map.targetType), but \(rule.target.joined(separator: ".")) is a \(last.type)"))
            }
        case .vocabulary(let name):
            if vocabularies[name] == nil {
                errors.append(MappingError(file: file.file, line: rule.line, "no vocabulary map (ConceptMap) named \(name)"))
            }
            if !Self.codeTypes.contains(last.type) {
                errors.append(MappingError(file: file.file, line: rule.line, "a vocabulary gives a code; \(rule.target.joined(separator: ".")) is a \(last.type)"))
            }
        case .builtin, nil:
            if definitions.structure(forType: last.type).map({ $0.kind != .primitiveType }) ?? false {
                errors.append(MappingError(
                    file: file.file, line: rule.line,
                    "\(rule.target.joined(separator: ".")) is a \(last.type); it needs a data-type map (via …) or a path to one of its elements"))
            }
        }
    }

    static let codeTypes: Set<String> = ["code", "string", "uri", "id"]

    /// Checks the resource rules of a message map; `names` maps each name declared so far to its
    /// resource type.
    mutating func checkResources(_ rules: [MappingFile.ResourceRule], in file: MappingFile, names: inout [String: String]) {
        for rule in rules {
            var type = rule.resourceType
            if let into = rule.into {
                type = names[into]
                if type == nil { errors.append(MappingError(file: file.file, line: rule.line, "no resource named \(into) before this line")) }
            }
            if let map = segmentMaps[rule.map] {
                if map.sourceType != rule.segment {
                    errors.append(MappingError(file: file.file, line: rule.line, "\(rule.map) maps \(map.sourceType) segments, not \(rule.segment)"))
                }
                if let type, map.targetType != type {
                    errors.append(MappingError(file: file.file, line: rule.line, "\(rule.map) makes a \(map.targetType), not a \(type)"))
                }
            } else {
                errors.append(MappingError(file: file.file, line: rule.line, "no segment map named \(rule.map)"))
            }
            for condition in rule.conditions {
                if case .matches(let pattern) = condition.test, patterns[pattern] == nil {
                    patterns[pattern] = (try? Regex(pattern)).map(MappingLibrary.Pattern.init)
                }
            }
            // The name of an `each` resource is known to its own lines only (there is one per
            // segment); any other name to every line after it.
            var scope = names
            if let name = rule.name, let type {
                if scope.updateValue(type, forKey: name) != nil {
                    errors.append(MappingError(file: file.file, line: rule.line, "the name \(name) is used twice"))
                }
                if !rule.isEach { names[name] = type }
            }
            for reference in rule.references {
                guard scope[reference.target] != nil else {
                    errors.append(MappingError(file: file.file, line: reference.line, "no resource named \(reference.target) before this line"))
                    continue
                }
                let ownerType = reference.owner.map { scope[$0] } ?? type
                guard let ownerType else {
                    errors.append(MappingError(file: file.file, line: reference.line, "no resource named \(reference.owner ?? "?") before this line"))
                    continue
                }
                switch resolver.resolve(reference.element, from: ownerType) {
                case .success(let steps):
                    if steps.last?.type != "Reference" {
                        errors.append(MappingError(
                            file: file.file, line: reference.line,
                            "\(ownerType).\(reference.element.joined(separator: ".")) is a \(steps.last?.type ?? "?"), not a Reference"))
                    } else if reference.appends, steps.last?.isRepeating == false {
                        errors.append(MappingError(file: file.file, line: reference.line, "+= appends to a repeating element; \(reference.element.joined(separator: ".")) holds one reference (use =)"))
                    }
                    referenceSteps[MappingLibrary.referenceKey(file.name, reference.line)] = steps
                case .failure(let error):
                    errors.append(MappingError(file: file.file, line: reference.line, error.message))
                }
            }
            checkResources(rule.children, in: file, names: &scope)
            if !rule.isEach {
                for (name, type) in scope where names[name] == nil { names[name] = type }
            }
        }
    }
}
