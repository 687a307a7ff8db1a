import FHIR
import Foundation
public import HL7v2

/// Maps HL7 v2 messages to FHIR R4 Bundles with the message maps of a ``MappingLibrary``
/// (see `docs/MAPPING.md`).
///
/// ```swift
/// let mapper = V2ToFHIR(library: try MappingLibrary(folder: mappingsFolder))
/// let result = try mapper.convert(try Message(bytes))
/// result.json          // the FHIR Bundle (try result.bundle() reads it as a typed Element)
/// result.issues        // values that could not be converted, with rule and input location
/// ```
public struct V2ToFHIR: Sendable {
    /// Conversion settings.
    public struct Options: Sendable {
        /// The offset of times that have none (the facility's time zone).
        public var defaultOffset: HL7DateTime.Offset
        /// Whether to record which rule produced which value.
        public var trace: Bool
        /// A profile option of the library (`profile NAME` file, e.g. `vn-core`): its variants
        /// replace the maps they stand in for, and resources of its types claim its profiles.
        public var profile: String?

        /// Creates options; by default Vietnam's offset, no trace, no profile option.
        public init(defaultOffset: HL7DateTime.Offset = .vietnam, trace: Bool = false, profile: String? = nil) {
            self.defaultOffset = defaultOffset
            self.trace = trace
            self.profile = profile
        }
    }

    /// The mappings.
    public let library: MappingLibrary
    /// The settings.
    public var options: Options

    /// Creates a mapper.
    public init(library: MappingLibrary, options: Options = Options()) {
        self.library = library
        self.options = options
    }

    /// Maps a message with the message map of its type and event (MSH-9.1^MSH-9.2).
    ///
    /// - Throws: ``MappingError`` when no message map takes the message's event.
    public func convert(_ message: Message) throws(MappingError) -> MappingResult {
        let event = "\(message.messageType ?? "")^\(message.triggerEvent ?? "")"
        guard let name = library.messageMapByEvent[event] ?? library.messageMapByEvent["\(message.messageType ?? "")^*"] else {
            throw MappingError(file: "mappings", "no message map takes \(event)")
        }
        return try convert(message, map: name)
    }

    /// Maps a message with the message map `name`.
    ///
    /// - Throws: ``MappingError`` when there is no such map.
    public func convert(_ message: Message, map name: String) throws(MappingError) -> MappingResult {
        guard let map = library.messageMaps[name], case .message(_, let bundleType) = map.kind else {
            throw MappingError(file: "mappings", "no message map named \(name)")
        }
        var profile = MappingFile.ProfileRules()
        if let option = options.profile {
            guard let rules = library.profiles[option] else {
                throw MappingError(file: "mappings", "no profile option named \(option) (known: \(library.profileNames.joined(separator: ", ")))")
            }
            profile = rules
        }
        var run = Run(library: library, options: options, message: message, mapName: map.name, mapFile: map.file, profile: profile)
        var names = Run.Names()
        run.resources(map.resources, scope: 0..<message.segmentCount, names: &names)
        let bytes = run.bundle(type: bundleType).bytes
        let unmapped = run.segmentIDs.indices.filter { !run.consumed.contains($0) }.map { "\(run.segmentIDs[$0]) (segment \($0 + 1))" }
        return MappingResult(
            json: bytes, definitions: library.definitions, mapFile: map.file, issues: run.issues, trace: run.trace, unmappedSegments: unmapped)
    }
}

extension V2ToFHIR {
    /// One conversion.
    struct Run {
        let library: MappingLibrary
        let options: Options
        let message: Message
        let mapName: String
        let mapFile: String
        let ids: StableID
        /// The segment IDs, read once.
        let segmentIDs: [String]
        /// The profile option's variants, by the map they replace.
        let variants: [String: String]
        /// The profile option's profiles, by resource type.
        let claims: [String: [MappingFile.ProfileRules.Claim]]
        var created: [(type: String, id: String, json: JSONValue)] = []
        var consumed = Set<Int>()
        var issues: [MappingIssue] = []
        var trace: [MappingTrace] = []

        init(library: MappingLibrary, options: Options, message: Message, mapName: String, mapFile: String, profile: MappingFile.ProfileRules = .init()) {
            self.library = library
            self.options = options
            self.message = message
            self.mapName = mapName
            self.mapFile = mapFile
            self.variants = Dictionary(profile.substitutions.map { ($0.replaced, $0.variant) }, uniquingKeysWith: { first, _ in first })
            self.claims = Dictionary(grouping: profile.claims, by: \.resourceType)
            self.ids = StableID(message: message.encoded())
            self.segmentIDs = message.segments.map(\.id)
        }

        // MARK: Message maps

        /// The named resources visible in a scope, as a stack: a name bound later hides an earlier
        /// one, and a scope's names are dropped when it ends (no dictionary copied per scope).
        struct Names {
            var bindings: [(name: String, resource: Int)] = []

            subscript(name: String) -> Int? {
                bindings.last { $0.name == name }?.resource
            }

            mutating func bind(_ name: String, to resource: Int) {
                bindings.append((name, resource))
            }
        }

        /// Runs resource rules on the segments in `scope`; `names` holds the named resources
        /// (index into ``created``) visible here, and receives the names of non-`each` rules.
        mutating func resources(_ rules: [MappingFile.ResourceRule], scope: Range<Int>, parent: Int? = nil, names: inout Names) {
            for rule in rules {
                // A rule nested under a segment of its own kind reads that segment (one segment,
                // several resources); otherwise the segments of its kind in scope.
                var indices = parent.map { segmentIDs[$0] == rule.segment } == true ? [parent!] : scope.filter { segmentIDs[$0] == rule.segment }
                if let before = rule.before, let limit = scope.first(where: { segmentIDs[$0] == before }) {
                    indices = indices.filter { $0 < limit }
                }
                if !rule.conditions.isEmpty {
                    indices = indices.filter { index in rule.conditions.allSatisfy { holds($0, on: .segment(message.segments[index]), output: .emptyObject) } }
                }
                if !rule.groupTests.isEmpty {
                    indices = indices.filter { index in
                        // The group: the segments after this one, up to the next of its kind.
                        let end = scope.first { $0 > index && segmentIDs[$0] == rule.segment } ?? scope.upperBound
                        let group = segmentIDs[(index + 1)..<max(index + 1, end)]
                        return rule.groupTests.allSatisfy { group.contains($0.segment) == $0.exists }
                    }
                }
                for index in rule.isEach ? indices : Array(indices.prefix(1)) {
                    consumed.insert(index)
                    let segment = message.segments[index]
                    let resource: Int
                    if let into = rule.into {
                        guard let existing = names[into] else {
                            issue(.warning, segment, nil, rule.line, "there is no \(into) resource to add this segment to")
                            continue
                        }
                        resource = existing
                    } else {
                        let type = rule.resourceType ?? "?"
                        let id = ids.id("\(mapName):\(rule.line):\(index)")
                        created.append((type, id, .object([.init(key: "resourceType", value: .string(type)), .init(key: "id", value: .string(id))])))
                        resource = created.count - 1
                    }
                    if let map = library.segmentMaps[variants.isEmpty ? rule.map : variants[rule.map] ?? rule.map] {
                        // Taken out while the map runs, so that it is changed in place, not copied.
                        var json = created[resource].json
                        created[resource].json = .emptyObject
                        let output = options.trace ? "\(created[resource].type)/\(created[resource].id)" : ""
                        apply(map, to: .segment(segment), into: &json, output: output)
                        created[resource].json = json
                    }
                    // A new resource its map gave nothing (a Coverage from a PID without an
                    // insurance card) is not made, and nothing refers to it.
                    if rule.into == nil, case .object(let members) = created[resource].json, members.count <= 2 {
                        created.removeLast()
                        continue
                    }
                    // This resource's scope: its name, and the names its children bind, until it ends.
                    let outer = names.bindings.count
                    if let name = rule.name { names.bind(name, to: resource) }
                    for reference in rule.references {
                        self.reference(reference, from: resource, names: names, segment: segment)
                    }
                    if !rule.children.isEmpty {
                        // The segments that belong to this one: up to the next of its kind.
                        let end = scope.first { $0 > index && segmentIDs[$0] == rule.segment } ?? scope.upperBound
                        resources(rule.children, scope: (index + 1)..<end, parent: index, names: &names)
                    }
                    names.bindings.removeSubrange(outer...)
                    if !rule.isEach, let name = rule.name { names.bind(name, to: resource) }
                }
            }
        }

        mutating func reference(_ reference: MappingFile.ReferenceRule, from resource: Int, names: Names, segment: Segment) {
            guard let target = names[reference.target] else {
                issue(.warning, segment, nil, reference.line, "no \(reference.target) resource to refer to (the message has none)")
                return
            }
            // `report.result += result` when the group has no report: nothing to add the reference to.
            if let name = reference.owner, names[name] == nil {
                issue(.warning, segment, nil, reference.line, "no \(name) resource to add the reference to (the message has none)")
                return
            }
            let owner = reference.owner.flatMap { names[$0] } ?? resource
            guard let steps = library.referenceSteps[MappingLibrary.referenceKey(mapName, reference.line)] else { return }
            let value = JSONValue.object([.init(key: "reference", value: .string("urn:uuid:\(created[target].id)"))])
            created[owner].json.set(
                value, at: steps.map(\.name), repeating: steps.map(\.isRepeating), newItem: steps.map(\.startsNewItem),
                appending: reference.appends)
        }

        /// The Bundle of every resource made, in the order made.
        func bundle(type: String) -> JSONValue {
            var members: [JSONValue.Member] = [
                .init(key: "resourceType", value: .string("Bundle")),
                .init(key: "id", value: .string(ids.id("\(mapName):bundle"))),
                .init(key: "type", value: .string(type)),
            ]
            if type == "message" || type == "collection",
               let time = message.segment("MSH")?.field(7)?.repetition(1)?.component(1)?.text(),
               let dateTime = try? HL7DateTime(time), dateTime.precision >= .minute {
                members.append(.init(key: "timestamp", value: .string(dateTime.fhirDateTime(defaultOffset: options.defaultOffset))))
            }
            let entries = created.map { resource -> JSONValue in
                var json = resource.json
                if let candidates = claims[resource.type] {
                    let profiles = candidates.filter { claim in
                        claim.condition.map { json.hasValue(at: $0.path) == $0.exists } ?? true
                    }
                    if !profiles.isEmpty { json.claim(profiles.map(\.profile)) }
                }
                var entry: [JSONValue.Member] = [
                    .init(key: "fullUrl", value: .string("urn:uuid:\(resource.id)")),
                    .init(key: "resource", value: json),
                ]
                if type == "transaction" || type == "batch" {
                    entry.append(.init(key: "request", value: .object([
                        .init(key: "method", value: .string("POST")), .init(key: "url", value: .string(resource.type)),
                    ])))
                }
                return .object(entry)
            }
            if !entries.isEmpty { members.append(.init(key: "entry", value: .array(entries))) }
            return .object(members)
        }

        // MARK: Segment and data-type maps

        /// What a field map reads: a segment, or one value (a repetition, component or
        /// subcomponent) of a data type with the segment and field it is in. (A struct: the
        /// segment is read by every rule, and an enum gave out a copy each time.)
        struct Input {
            let segment: Segment
            /// The value a data-type map or a block reads; `nil` for a segment map.
            let value: HL7v2.Element?
            /// The field ``value`` is in.
            let field: Int

            static func segment(_ segment: Segment) -> Input {
                Input(segment: segment, value: nil, field: 0)
            }

            static func value(_ element: HL7v2.Element, _ segment: Segment, field: Int) -> Input {
                Input(segment: segment, value: element, field: field)
            }
        }

        mutating func apply(_ map: MappingLibrary.FieldMap, to input: Input, into json: inout JSONValue, output: String) {
            apply(map.rules, map: map, to: input, into: &json, output: output)
        }

        /// Runs `rules` on `input` into `json`; `output` names the place for the trace (empty
        /// when not tracing).
        mutating func apply(_ rules: [MappingLibrary.CompiledRule], map: MappingLibrary.FieldMap, to input: Input, into json: inout JSONValue, output: String) {
            for compiled in rules {
                // Read through `compiled`, not copied out: a rule is walked for every segment.
                if !compiled.children.isEmpty {
                    // A block: one new item per value, filled by the block's rules with `.` that value.
                    guard compiled.rule.conditions.allSatisfy({ holds($0, on: input, output: json) }) else { continue }
                    for value in values(of: compiled.rule.source, on: input) {
                        guard case .element(let element, let field) = value else { continue }
                        var item = JSONValue.emptyObject
                        let place = options.trace ? "\(output).\(compiled.names.joined(separator: "."))" : ""
                        apply(compiled.children, map: map, to: .value(element, input.segment, field: field), into: &item, output: place)
                        if !item.isEmpty {
                            json.set(item, at: compiled.names, repeating: compiled.repeating, newItem: compiled.newItem, appending: true)
                        }
                    }
                    continue
                }
                if !compiled.rule.conditions.isEmpty, !compiled.rule.conditions.allSatisfy({ holds($0, on: input, output: json) }) { continue }
                guard let last = compiled.steps.last else { continue }
                // The values are handed over one by one, not collected in an array first.
                if last.isRepeating {
                    Self.forEachValue(of: compiled.rule.source, on: input) { value in
                        write(value, rule: compiled, map: map, input: input, into: &json, output: output, appending: true)
                        return true
                    }
                    continue
                }
                var first: Value?
                var repeats = false
                Self.forEachValue(of: compiled.rule.source, on: input) { value in
                    guard first == nil else {
                        repeats = true
                        return false
                    }
                    first = value
                    return true
                }
                // Said, not dropped silently: one FHIR element takes one repetition.
                if repeats, case .field(_, let field, _) = compiled.rule.source {
                    issue(.warning, input.segment, field, compiled.rule.line,
                          "the field repeats; \(map.targetType).\(compiled.rule.target.joined(separator: ".")) takes only the first repetition",
                          file: map.file.file)
                }
                if let first {
                    write(first, rule: compiled, map: map, input: input, into: &json, output: output, appending: false)
                }
            }
        }

        /// Converts one value of a rule and sets it at the rule's target in `json`.
        mutating func write(_ value: Value, rule compiled: MappingLibrary.CompiledRule, map: MappingLibrary.FieldMap, input: Input, into json: inout JSONValue, output: String, appending: Bool) {
            guard let converted = convert(value, rule: compiled, map: map, input: input) else { return }
            json.set(converted, at: compiled.names, repeating: compiled.repeating, newItem: compiled.newItem, appending: appending)
            if options.trace {
                trace.append(MappingTrace(
                    rule: "\(map.file.file):\(compiled.rule.line)", input: "\(input.segment) \(compiled.rule.source)",
                    output: "\(output).\(compiled.names.joined(separator: "."))"))
            }
        }

        /// A source value: a constant or an HL7 element, with the field it came from.
        enum Value {
            case constant(String)
            case element(HL7v2.Element, field: Int)
        }

        /// The first value of a source (a condition tests that one), without reading the others.
        static func firstValue(of source: MappingFile.Source, on input: Input) -> Value? {
            switch source {
            case .field(_, let field, let components):
                return input.segment.field(field)?.repetition(1).flatMap { Self.value($0, at: components, field: field) }
            case .component(let path):
                return input.value.flatMap { Self.value($0, at: path, field: input.field) }
            default:
                var first: Value?
                forEachValue(of: source, on: input) { value in
                    first = value
                    return false
                }
                return first
            }
        }

        func values(of source: MappingFile.Source, on input: Input) -> [Value] {
            var values: [Value] = []
            Self.forEachValue(of: source, on: input) { value in
                values.append(value)
                return true
            }
            return values
        }

        /// Calls `body` with each value of a source, in order, until it returns `false`.
        static func forEachValue(of source: MappingFile.Source, on input: Input, _ body: (Value) -> Bool) {
            switch source {
            case .constant(let text):
                _ = body(.constant(text))
            case .field(_, let field, let components):
                // Repetition by repetition, in one scan of the field; none at all for an empty field.
                guard let element = input.segment.field(field), !element.isEmpty else { return }
                element.forEachChild { repetition in
                    guard let value = Self.value(repetition, at: components, field: field) else { return true }
                    return body(value)
                }
            case .output:
                return
            case .component(let path):
                guard let element = input.value, let value = Self.value(element, at: path, field: input.field) else { return }
                _ = body(value)
            case .joined(let parts):
                if let text = joined(parts, on: input) { _ = body(.constant(text)) }
            }
        }

        /// The text of a joined source (see ``MappingFile/Source/joined(_:)``), `nil` when none
        /// of its sources has a value.
        static func joined(_ parts: [MappingFile.Source], on input: Input) -> String? {
            let sources = parts.indices.filter { if case .constant = parts[$0] { false } else { true } }
            guard let first = sources.first, let last = sources.last else { return nil }
            func constants(_ range: Range<Int>) -> String {
                parts[range].map { if case .constant(let text) = $0 { text } else { "" } }.joined()
            }
            var text = ""
            var hasValue = false
            var separator = ""
            for index in first...last {
                if case .constant(let constant) = parts[index] {
                    separator += constant
                    continue
                }
                let value = firstValue(of: parts[index], on: input).map(Self.text) ?? ""
                if !value.isEmpty {
                    text += (hasValue ? separator : "") + value
                    hasValue = true
                }
                separator = ""
            }
            return hasValue ? constants(0..<first) + text + constants((last + 1)..<parts.count) : nil
        }

        /// The value at a component path below `element` (`[]`: the element), unless it is empty
        /// or the HL7 null `""`.
        static func value(_ element: HL7v2.Element, at path: [Int], field: Int) -> Value? {
            guard let value = element.descendant(path), !value.isEmpty, !value.isNull else { return nil }
            return .element(value, field: field)
        }

        func holds(_ condition: MappingFile.Condition, on input: Input, output: JSONValue) -> Bool {
            switch condition.test {
            case .repeats, .single:
                // Counted up to two.
                var count = 0
                Self.forEachValue(of: condition.source, on: input) { _ in
                    count += 1
                    return count < 2
                }
                return (count > 1) == (condition.test == .repeats)
            default: break
            }
            guard case .output(let path) = condition.source else {
                // A value of the input: tested without making its text where the bytes tell.
                let value = Self.firstValue(of: condition.source, on: input)
                switch condition.test {
                case .exists: return value.map(Self.hasText) ?? false
                case .missing: return !(value.map(Self.hasText) ?? false)
                case .equals(let expected): return value.map { Self.text(of: $0, isOneOf: CollectionOfOne(expected)) } ?? false
                case .notEquals(let expected): return !(value.map { Self.text(of: $0, isOneOf: CollectionOfOne(expected)) } ?? false)
                case .oneOf(let options): return value.map { Self.text(of: $0, isOneOf: options) } ?? false
                case .matches(let pattern):
                    guard let value, let pattern = library.patterns[pattern] else { return false }
                    return (try? pattern.regex.wholeMatch(in: Self.text(value))) != nil
                case .repeats, .single: return false
                }
            }
            var value: JSONValue? = output
            for name in path {
                if case .array(let items) = value { value = items.last }
                value = value?[name]
            }
            let text: String?
            switch value {
            case .string(let string): text = string
            case .number(let number): text = number
            case .bool(let bool): text = bool ? "true" : "false"
            case .object, .array: text = value?.isEmpty == false ? "present" : nil
            case nil: text = nil
            }
            switch condition.test {
            case .repeats, .single: return false
            case .exists: return !(text ?? "").isEmpty
            case .missing: return (text ?? "").isEmpty
            case .equals(let expected): return text == expected
            case .notEquals(let expected): return text != expected
            case .oneOf(let options): return text.map(options.contains) ?? false
            case .matches(let pattern):
                guard let text, let pattern = library.patterns[pattern] else { return false }
                return (try? pattern.regex.wholeMatch(in: text)) != nil
            }
        }

        /// Whether a value's text (``text(_:)``) is not empty. Without escapes an element's text is
        /// its bytes decoded, one character or more for each byte: it has text when a byte is not
        /// a space or a tab.
        static func hasText(_ value: Value) -> Bool {
            switch value {
            case .constant(let text):
                return !text.isEmpty
            case .element(let element, _):
                let bytes = element.bytes
                guard !bytes.contains(element.encoding.escape) else { return !Self.text(value).isEmpty }
                return bytes.contains { $0 != 0x20 && $0 != 0x09 }
            }
        }

        /// Whether a value's text (``text(_:)``) is one of `candidates`. ASCII bytes without
        /// escapes are that text, so they are compared with an ASCII candidate directly.
        static func text(of value: Value, isOneOf candidates: some Collection<String>) -> Bool {
            guard case .element(let element, _) = value else { return candidates.contains(Self.text(value)) }
            let escape = element.encoding.escape
            var bytes = element.bytes
            guard !bytes.contains(where: { $0 >= 0x80 || $0 == escape }) else { return candidates.contains(Self.text(value)) }
            while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
            while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
            return candidates.contains { candidate in
                // A non-ASCII candidate can still equal ASCII text (U+212A KELVIN SIGN is "K"): ask String.
                candidate.utf8.allSatisfy { $0 < 0x80 } ? candidate.utf8.elementsEqual(bytes) : candidate == Self.text(value)
            }
        }

        static func text(_ value: Value) -> String {
            switch value {
            case .constant(let text): text
            case .element(let element, _): Self.trimmingSpaces(element.text())
            }
        }

        /// The text without leading and trailing spaces and tabs (on the UTF-8 bytes; Foundation's
        /// trimming goes through UTF-16 and was a tenth of the mapping time).
        static func trimmingSpaces(_ text: String) -> String {
            let utf8 = text.utf8
            guard let first = utf8.first, let last = utf8.last,
                  first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 else { return text }
            let start = utf8.firstIndex { $0 != 0x20 && $0 != 0x09 } ?? utf8.endIndex
            let end = utf8.lastIndex { $0 != 0x20 && $0 != 0x09 }.map { utf8.index(after: $0) } ?? start
            return start < end ? String(text[start..<end]) : ""
        }

        /// Converts one value for an element of FHIR type `type`, or reports why not.
        mutating func convert(_ value: Value, rule compiled: MappingLibrary.CompiledRule, map: MappingLibrary.FieldMap, input: Input) -> JSONValue? {
            let file = map.file.file
            let segment = input.segment
            let rule = compiled.rule
            switch rule.conversion {
            case .datatype(let name):
                let found = variants.isEmpty ? compiled.datatype.flatMap { library.datatypeMapsByNumber[$0] } : library.datatypeMaps[variants[name] ?? name]
                guard let datatype = found else { return nil }
                guard case .element(let element, let field) = value else {
                    issue(.warning, segment, nil, rule.line, "a constant cannot go through the data-type map \(name)", file: file)
                    return nil
                }
                var json = JSONValue.emptyObject
                apply(datatype, to: .value(element, segment, field: field), into: &json, output: compiled.steps.last?.type ?? "")
                return json.isEmpty ? nil : json
            case .vocabulary(let name):
                let code = Self.text(value)
                guard let target = compiled.vocabulary?.target(of: code) else {
                    issue(.warning, segment, field(of: value), rule.line, "the code has no mapping in \(name)", file: file)
                    return nil
                }
                return .string(target.code)
            case .builtin, nil:
                return primitive(Self.text(value), as: compiled.primitive, rule: rule, value: value, segment: segment, file: file)
            }
        }

        /// A primitive of the given FHIR type from v2 text: dates and times converted, numbers
        /// and booleans as JSON numbers and booleans, everything else as a string.
        mutating func primitive(_ text: String, as type: MappingLibrary.Primitive, rule: MappingFile.Rule, value: Value, segment: Segment, file: String) -> JSONValue? {
            guard !text.isEmpty else { return nil }
            let field = self.field(of: value)
            var problem: String?
            func fail(_ message: String) -> JSONValue? {
                problem = message
                return nil
            }
            defer { if let problem { issue(.warning, segment, field, rule.line, problem, file: file) } }
            switch type {
            case .date, .dateTime, .instant:
                do {
                    let dateTime = try HL7DateTime(text)
                    switch type {
                    case .date: return .string(dateTime.fhirDate)
                    case .dateTime: return .string(dateTime.fhirDateTime(defaultOffset: options.defaultOffset))
                    default:
                        // An instant needs seconds; a time to the minute is that minute's start.
                        guard dateTime.precision >= .minute else { return fail("an instant needs a time of day") }
                        return .string(dateTime.fhirDateTime(defaultOffset: options.defaultOffset))
                    }
                } catch {
                    return fail("not a date/time: \(error.message)")
                }
            case .boolean:
                switch text.uppercased() {
                case "Y", "YES", "TRUE", "T", "1": return .bool(true)
                case "N", "NO", "FALSE", "F", "0": return .bool(false)
                default: return fail("not a Y/N value")
                }
            case .integer, .positiveInt, .unsignedInt:
                guard let number = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text) else { return fail("not a whole number") }
                if type == .positiveInt, number < 1 { return fail("not a positive whole number") }
                if type == .unsignedInt, number < 0 { return fail("a negative number") }
                return .number("\(number)")
            case .decimal:
                guard let decimal = Self.decimal(text) else { return fail("not a number") }
                return .number(decimal)
            case .base64:
                return .string(Data(text.utf8).base64EncodedString())
            case .text:
                return .string(text)
            }
        }

        /// v2 NM text as a FHIR decimal: an optional sign, digits with an optional point; a plus
        /// sign and leading zeros dropped, the digits otherwise kept as written.
        static func decimal(_ text: String) -> String? {
            var body = Substring(text)
            var sign = ""
            if body.first == "+" { body = body.dropFirst() } else if body.first == "-" { sign = "-"; body = body.dropFirst() }
            let parts = body.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }), !(parts[0].isEmpty && (parts.count == 1 || parts[1].isEmpty)) else { return nil }
            var whole = parts[0].drop { $0 == "0" }
            if whole.isEmpty { whole = "0" }
            return sign + whole + (parts.count == 2 && !parts[1].isEmpty ? "." + parts[1] : "")
        }

        // MARK: Locations

        func field(of value: Value) -> Int? {
            if case .element(_, let field) = value { return field }
            return nil
        }

        mutating func issue(_ severity: MappingIssue.Severity, _ segment: Segment?, _ field: Int?, _ line: Int, _ message: String, file: String? = nil) {
            var input = segment.map(\.description) ?? "the message"
            if let field { input += " field \(field)" }
            issues.append(MappingIssue(severity: severity, input: input, rule: "\(file ?? mapFile):\(line)", message: message))
        }
    }
}
