public import FHIR
import HL7v2

/// Maps FHIR R4 Bundles to HL7 v2 messages (ER7) with the FHIR → HL7 v2 message maps of a
/// ``MappingLibrary`` (the files under `mappings/fhir-to-v2/`, see `docs/MAPPING.md`).
///
/// ```swift
/// let mapper = FHIRToV2(library: try MappingLibrary(folder: mappingsFolder))
/// let bundle = try FHIR.Element(json: bytes)
/// let result = try mapper.convert(bundle)      // the map by MessageHeader.eventCoding or the maps' conditions
/// result.text        // "MSH|^~\&|…\rPID|…\rOBR|…\rOBX|…"
/// result.issues      // values that could not be converted, with rule and input location
/// ```
///
/// Sources and conditions are FHIRPath, evaluated with `%bundle` (and `%resource`, which
/// `resolve()` reads) the Bundle and `%setID` the segment's Set ID. The output is deterministic:
/// the same Bundle gives the same message (MSH-10 without an identifier in the Bundle is a hash
/// of the input, MSH-7 its timestamp; there is no clock).
public struct FHIRToV2: Sendable {
    /// Conversion settings.
    public struct Options: Sendable {
        /// Whether to record which rule produced which value (``FHIRToV2Result/trace``).
        public var trace: Bool

        /// Creates options; by default no trace.
        public init(trace: Bool = false) {
            self.trace = trace
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

    /// The message map for a Bundle: the one whose trigger event is the first MessageHeader's
    /// `eventCoding.code` (`R01`, or `ORU^R01`); without a MessageHeader (or with an event no map
    /// makes), the one whose `if` condition holds.
    ///
    /// - Throws: ``MappingError`` when no map, or more than one, takes the Bundle.
    public func mapName(for bundle: FHIR.Element) throws(MappingError) -> String {
        let bundle = FHIR.Element.bundle(wrapping: bundle)
        let maps = library.reverseMessageMaps.values.sorted { $0.name < $1.name }
        let header = bundle.children(named: "entry").compactMap { $0.child(named: "resource") }.first { $0.type == "MessageHeader" }
        // `event[x]` is read as `event` (of type Coding for eventCoding).
        if let event = header?.child(named: "event")?.child(named: "code")?.value?.text {
            let matching = maps.filter { map in
                guard case .message(let type, _) = map.kind else { return false }
                let parts = type.split(separator: "^", omittingEmptySubsequences: false)
                return event == parts.prefix(2).joined(separator: "^") || event == String(parts[1])
            }
            if let first = matching.first { return first.name }
        }
        let environment = Run.environment(bundle: bundle, definitions: library.definitions)
        let taking = maps.filter { map in
            guard let condition = map.condition else { return false }
            return (try? condition.path.evaluateBoolean(bundle, environment: environment)) == true
        }
        guard taking.count == 1 else {
            throw MappingError(
                file: "mappings",
                taking.isEmpty ? "no FHIR → v2 message map takes this Bundle (by MessageHeader.eventCoding or by its condition); name one"
                    : "the FHIR → v2 message maps \(taking.map { $0.name }.joined(separator: ", ")) all take this Bundle; name one")
        }
        return taking[0].name
    }

    /// Maps a Bundle (a single resource is read as a collection Bundle of it) with the map
    /// ``mapName(for:)`` picks.
    ///
    /// - Throws: ``MappingError`` when no map takes the Bundle.
    public func convert(_ bundle: FHIR.Element) throws(MappingError) -> FHIRToV2Result {
        try convert(bundle, map: try mapName(for: bundle))
    }

    /// Maps a Bundle (a single resource is read as a collection Bundle of it) with the message
    /// map `name`.
    ///
    /// - Throws: ``MappingError`` when there is no such map.
    public func convert(_ bundle: FHIR.Element, map name: String) throws(MappingError) -> FHIRToV2Result {
        try convert(bundle, map: name, json: nil)
    }

    /// Maps with the map `name`; `json` is the text the Bundle was read from (its hash is the
    /// default MSH-10; without it, the hash of the Bundle written as JSON).
    func convert(_ bundle: FHIR.Element, map name: String, json: [UInt8]?) throws(MappingError) -> FHIRToV2Result {
        guard let map = library.reverseMessageMaps[name], case .message(let messageType, let version) = map.kind else {
            throw MappingError(file: "mappings", "no FHIR → v2 message map named \(name)")
        }
        var run = Run(library: library, bundle: FHIR.Element.bundle(wrapping: bundle), mapFile: map.file, tracing: options.trace)
        run.header(messageType: messageType, version: version, json: json ?? run.bundle.json(definitions: library.definitions))
        var counters: [String: Int] = [:]
        run.segments(map.segments, on: [.element(run.bundle)], base: nil, counters: &counters)
        if run.built[0].isEmpty(field: 7) {
            run.issue(.warning, "Bundle.timestamp", 1, "MSH-7 is empty: the Bundle has no timestamp and no rule gave one", file: map.file)
        }
        var body: [UInt8] = []
        for segment in run.built.dropFirst() {
            body.append(0x0D)
            body += segment.er7(encoding: .standard)
        }
        // Text beyond ASCII is UTF-8, and MSH-18 says so (v2's default character set is ASCII).
        var header = run.built[0].er7(encoding: .standard)
        if run.built[0].isEmpty(field: 18), (header + body).contains(where: { $0 >= 0x80 }) {
            run.built[0].set(field: 18, repetitions: [SegmentBuilder.Value(text: CharacterSet.utf8.name)])
            header = run.built[0].er7(encoding: .standard)
        }
        let output = header + body
        let unmapped = run.entries.indices.filter { !run.consumed.contains($0) }.map { "Bundle.entry[\($0)] (\(run.entries[$0].type))" }
        return FHIRToV2Result(er7: output, mapFile: map.file, issues: run.issues, trace: run.trace, unmappedResources: unmapped)
    }

    /// Reads FHIR JSON (a Bundle, or a single resource) and maps it with the message map `name`,
    /// or the one ``mapName(for:)`` picks. What the reader could not read (an element that is not
    /// in R4, a value of the wrong type) is left out and listed in the issues, as the mapper's
    /// problems are: with its place in the input, never its value.
    ///
    /// ```swift
    /// let result = try FHIRToV2(library: library).convert(json: bytes)   // `lienthong map run FILE.json`
    /// ```
    ///
    /// - Throws: ``MappingError`` when the text is not JSON, is not a resource, or no map takes it.
    public func convert(json bytes: [UInt8], map name: String? = nil) throws(MappingError) -> FHIRToV2Result {
        let read: (FHIR.Element?, [FormatError])
        do throws(FormatError) {
            read = try FHIR.Element.read(json: bytes, definitions: library.definitions)
        } catch {
            throw MappingError(file: "input", line: error.position?.line, column: error.position?.column, error.message)
        }
        guard let element = read.0 else {
            throw MappingError(file: "input", "not a FHIR resource: \(read.1.first?.message ?? "no resourceType")")
        }
        let map: String
        if let name { map = name } else { map = try mapName(for: element) }
        var result = try convert(element, map: map, json: bytes)
        result.issues = read.1.map { error in
            MappingIssue(
                severity: .warning, input: [error.path, error.position.map { "at \($0)" }].compactMap { $0 }.joined(separator: " "),
                rule: "the FHIR reader", message: "left out: \(error.message)")
        } + result.issues
        return result
    }
}

extension FHIRToV2 {
    /// One conversion.
    struct Run {
        let library: MappingLibrary
        let bundle: FHIR.Element
        let mapFile: String
        /// The entries' resources, in order.
        let entries: [FHIR.Element]
        /// Where each entry's resource starts in the input, in order (for elements read from text).
        let starts: [(position: TextPosition, entry: Int)]
        var built: [SegmentBuilder] = []
        var issues: [MappingIssue] = []
        var consumed = Set<Int>()
        /// What FHIRPath is evaluated with; `%setID` is the Set ID of the segment being made.
        var environment: FHIRPathEnvironment
        /// The repeating fields of each segment ID met so far.
        var repeatingFields: [String: Set<Int>?] = [:]
        let tracing: Bool
        var trace: [MappingTrace] = []

        init(library: MappingLibrary, bundle: FHIR.Element, mapFile: String, tracing: Bool) {
            self.library = library
            self.tracing = tracing
            self.bundle = bundle
            self.mapFile = mapFile
            entries = bundle.children(named: "entry").compactMap { $0.child(named: "resource") }
            starts = entries.enumerated().compactMap { entry in entry.element.position.map { ($0, entry.offset) } }
            environment = Self.environment(bundle: bundle, definitions: library.definitions)
        }

        static func environment(bundle: FHIR.Element, definitions: FHIR.Definitions) -> FHIRPathEnvironment {
            FHIRPathEnvironment(resource: bundle, rootResource: bundle, variables: ["bundle": [.element(bundle)]], definitions: definitions)
        }

        /// MSH before any rule: the delimiters, MSH-9 and MSH-12 from the message map, MSH-10 a
        /// hash of the Bundle (a rule replaces it with the Bundle's identifier, say), MSH-11 `P`.
        mutating func header(messageType: String, version: String, json: [UInt8]) {
            var msh = SegmentBuilder(id: "MSH")
            var type = SegmentBuilder.Value()
            for (index, part) in messageType.split(separator: "^", omittingEmptySubsequences: false).enumerated() {
                type.set(SegmentBuilder.Value(text: String(part)), at: [index + 1])
            }
            msh.set(field: 9, repetitions: [type])
            let hash = StableID(message: json).id("MSH-10").filter { $0 != "-" }
            msh.set(field: 10, repetitions: [SegmentBuilder.Value(text: String(hash.prefix(20)))])
            msh.set(field: 11, repetitions: [SegmentBuilder.Value(text: "P")])
            msh.set(field: 12, repetitions: [SegmentBuilder.Value(text: version)])
            built.append(msh)
        }

        // MARK: Message maps

        /// Runs segment rules on `input` (the Bundle, or the resource of the enclosing line).
        /// `counters` holds the Set ID of each segment ID at this level.
        mutating func segments(_ rules: [ReverseMappingFile.SegmentRule], on input: [FHIRPathValue], base: String?, counters: inout [String: Int]) {
            for rule in rules {
                let location = "\(base.map { "\($0)." } ?? "")\(rule.source.text)"
                // The resources the source gives (those the condition holds for); without `each`, the first.
                var resources: [(resource: FHIR.Element, place: String)] = []
                for case .element(let resource) in evaluate(rule.source, on: input, setID: nil, input: location, line: rule.line, file: mapFile) {
                    guard rule.isEach || resources.isEmpty else { break }
                    let place = place(of: resource) ?? location
                    if let condition = rule.condition, !holds(condition, on: [.element(resource)], input: place, line: rule.line, file: mapFile) { continue }
                    resources.append((resource, place))
                }
                for (resource, resourceBase) in resources {
                    let item = FHIRPathValue.element(resource)
                    guard let name = rule.map else {
                        // A group: its lines for this resource, counting Set IDs with the lines around it.
                        segments(rule.children, on: [item], base: resourceBase, counters: &counters)
                        continue
                    }
                    guard let map = library.reverseSegmentMaps[name], case .segment(let resourceType, _) = map.kind else { continue }
                    guard resource.type == resourceType else {
                        issue(.warning, resourceBase, rule.line, "is a \(resource.type); \(name) maps a \(resourceType)", file: mapFile)
                        continue
                    }
                    markRead(resource)
                    let setID = (counters[rule.segment] ?? 0) + 1
                    counters[rule.segment] = setID
                    // A line for MSH fills the header made before any rule.
                    var segment = rule.segment == "MSH" ? built[0] : SegmentBuilder(id: rule.segment)
                    let occurrence = rule.segment == "MSH" ? 1 : built.count { $0.id == rule.segment } + 1
                    apply(map, to: resource, setID: setID, base: resourceBase, into: &segment, output: "\(rule.segment)[\(occurrence)]")
                    if rule.segment == "MSH" { built[0] = segment } else { built.append(segment) }
                    var childCounters: [String: Int] = [:]
                    segments(rule.children, on: [item], base: resourceBase, counters: &childCounters)
                }
            }
        }

        // MARK: Segment and data-type maps

        /// Applies a segment map to a resource; `output` names the segment (`OBX[3]`) in the trace.
        mutating func apply(_ map: ReverseMappingFile, to resource: FHIR.Element, setID: Int, base: String, into segment: inout SegmentBuilder, output: String) {
            if repeatingFields[segment.id] == nil { repeatingFields[segment.id] = Self.repeatingFields(of: segment.id) }
            let fieldRepeats = repeatingFields[segment.id] ?? nil
            for rule in map.rules {
                guard case .field(_, let field, let components) = rule.target else { continue }
                let input = "\(base).\(rule.source)"
                if let condition = rule.condition, !holds(condition, on: [.element(resource)], input: base, line: rule.line, file: map.file, setID: setID) { continue }
                var values = self.values(
                    of: rule, on: resource, setID: setID, input: input, file: map.file,
                    output: "\(output)-\(rule.target.description.drop { $0 != "-" }.dropFirst())", firstOnly: !components.isEmpty)
                guard !values.isEmpty else { continue }
                if components.isEmpty {
                    if values.count > 1, fieldRepeats?.contains(field) == false {
                        issue(.warning, input, rule.line, "gives \(values.count) values; \(segment.id)-\(field) does not repeat and takes the first", file: map.file)
                        values = [values[0]]
                    }
                    segment.set(field: field, repetitions: values)
                } else {
                    segment.set(values[0], field: field, components: components)
                }
            }
        }

        /// Applies a data-type map to one FHIR value; `output` names the place it fills in the trace.
        mutating func apply(_ map: ReverseMappingFile, to element: FHIR.Element, base: String, output: String) -> SegmentBuilder.Value {
            var result = SegmentBuilder.Value()
            for rule in map.rules {
                guard case .component(let path) = rule.target else { continue }
                let input = "\(base).\(rule.source)"
                if let condition = rule.condition, !holds(condition, on: [.element(element)], input: base, line: rule.line, file: map.file) { continue }
                guard let value = values(of: rule, on: element, setID: nil, input: input, file: map.file, output: output + rule.target.description, firstOnly: true).first else { continue }
                result.set(value, at: path[...])
            }
            return result
        }

        /// The values a rule gives: one per item of its source, converted; empty ones left out.
        /// With `firstOnly` (a component takes one value), the first that is not empty.
        mutating func values(
            of rule: ReverseMappingFile.Rule, on element: FHIR.Element, setID: Int?, input: String, file: String, output: String, firstOnly: Bool = false
        ) -> [SegmentBuilder.Value] {
            switch rule.source {
            case .constant(let text):
                if tracing { trace.append(MappingTrace(rule: "\(file):\(rule.line)", input: rule.source.description, output: output)) }
                return [SegmentBuilder.Value(text: text)]
            case .expression(let expression):
                let items = evaluate(expression, on: [.element(element)], setID: setID, input: input, line: rule.line, file: file)
                // What a rule reads counts as mapped (the MessageHeader MSH reads, a referenced
                // Practitioner); what a line or condition only selects or tests does not.
                for case .element(let element) in items { markRead(element) }
                var values: [SegmentBuilder.Value] = []
                for (index, item) in items.enumerated() {
                    if firstOnly, !values.isEmpty { break }
                    let place = items.count > 1 ? "\(input)[\(index)]" : input
                    let target = items.count > 1 && !firstOnly ? "\(output)(\(index + 1))" : output
                    guard let value = convert(item, rule: rule, input: place, file: file, output: target), !value.isEmpty else { continue }
                    values.append(value)
                    if tracing { trace.append(MappingTrace(rule: "\(file):\(rule.line)", input: place, output: target)) }
                }
                return values
            }
        }

        /// Converts one FHIRPath item for an HL7 v2 place, or reports why not.
        mutating func convert(_ item: FHIRPathValue, rule: ReverseMappingFile.Rule, input: String, file: String, output: String) -> SegmentBuilder.Value? {
            switch rule.conversion {
            case .datatype(let name):
                guard let map = library.reverseDatatypeMaps[name], case .datatype(let type, _) = map.kind else { return nil }
                guard case .element(let element) = item, library.definitions.lineage(of: element.type).contains(type) else {
                    issue(.warning, input, rule.line, "is a \(item.typeName), not a \(type) for \(name)", file: file)
                    return nil
                }
                return apply(map, to: element, base: input, output: output)
            case .vocabulary(let name):
                guard let code = Self.text(of: item) else { return nil }
                guard let source = library.vocabularies[name]?.source(of: code) else {
                    issue(.warning, input, rule.line, "the code has no mapping in \(name) (read backwards)", file: file)
                    return nil
                }
                return SegmentBuilder.Value(text: source.code)
            case .builtin(let builtin):
                return primitive(item, as: builtin.rawValue, rule: rule, input: input, file: file)
            case nil:
                let type: String
                switch item {
                case .element(let element):
                    guard element.value != nil || library.definitions.structure(forType: element.type)?.kind != .primitiveType else { return nil }
                    guard element.value != nil else {
                        issue(.warning, input, rule.line, "is a \(element.type); it needs a data-type map (via …) or a path to one of its elements", file: file)
                        return nil
                    }
                    type = element.type
                case .boolean: type = "boolean"
                case .date: type = "date"
                case .dateTime: type = "dateTime"
                default: type = "string"
                }
                return primitive(item, as: type, rule: rule, input: input, file: file)
            }
        }

        /// An HL7 v2 primitive from a FHIR one: dates and times as DT/DTM (keeping their
        /// precision and offset), booleans as `Y`/`N`, everything else as its text.
        mutating func primitive(_ item: FHIRPathValue, as type: String, rule: ReverseMappingFile.Rule, input: String, file: String) -> SegmentBuilder.Value? {
            guard let text = Self.text(of: item), !text.isEmpty else { return nil }
            switch type {
            case "date", "dateTime", "instant":
                do {
                    let value = try HL7DateTime(fhir: text)
                    return SegmentBuilder.Value(text: type == "date" ? value.hl7Date : value.hl7)
                } catch {
                    issue(.warning, input, rule.line, "not a date/time: \(error.message)", file: file)
                    return nil
                }
            case "boolean":
                switch text {
                case "true": return SegmentBuilder.Value(text: "Y")
                case "false": return SegmentBuilder.Value(text: "N")
                default:
                    issue(.warning, input, rule.line, "not a boolean", file: file)
                    return nil
                }
            default:
                return SegmentBuilder.Value(text: text)
            }
        }

        /// The text of a primitive or system value.
        static func text(of item: FHIRPathValue) -> String? {
            switch item {
            case .element(let element): element.value?.text
            case .date(let value), .dateTime(let value): value.description.hasPrefix("@") ? String(value.description.dropFirst()) : value.description
            default: item.description
            }
        }

        // MARK: FHIRPath

        mutating func evaluate(
            _ expression: ReverseMappingFile.Expression, on input: [FHIRPathValue], setID: Int?, input place: String, line: Int, file: String
        ) -> [FHIRPathValue] {
            do throws(FHIRPathError) {
                if let setID, environment.variables["setID"] != [.integer(setID)] { environment.variables["setID"] = [.integer(setID)] }
                return try expression.path.evaluate(input, environment: environment)
            } catch {
                issue(.warning, place, line, "the FHIRPath expression cannot be evaluated here: \(error.message)", file: file)
                return []
            }
        }

        mutating func holds(_ condition: ReverseMappingFile.Expression, on input: [FHIRPathValue], input place: String, line: Int, file: String, setID: Int? = nil) -> Bool {
            let values = evaluate(condition, on: input, setID: setID, input: "\(place) (if \(condition))", line: line, file: file)
            switch values.count {
            case 0: return false
            case 1:
                if case .boolean(let value) = values[0].systemValue ?? values[0] { return value }
                return true
            default:
                issue(.warning, "\(place) (if \(condition))", line, "the condition gives \(values.count) values, not one", file: file)
                return false
            }
        }

        // MARK: Places

        /// The entry an element read from text belongs to: the last one starting before it.
        func entry(of element: FHIR.Element) -> Int? {
            guard let position = element.position else { return entries.firstIndex(of: element) }
            // Binary search: the first start after the element, then one back.
            var low = 0, high = starts.count
            while low < high {
                let middle = (low + high) / 2
                if (starts[middle].position.line, starts[middle].position.column) <= (position.line, position.column) {
                    low = middle + 1
                } else {
                    high = middle
                }
            }
            return low > 0 ? starts[low - 1].entry : nil
        }

        mutating func markRead(_ element: FHIR.Element) {
            if let entry = entry(of: element) { consumed.insert(entry) }
        }

        /// `Bundle.entry[2].resource` for an entry's resource.
        func place(of resource: FHIR.Element) -> String? {
            guard let index = entries.firstIndex(where: { $0.position != nil ? $0.position == resource.position && $0.type == resource.type : $0 == resource }) else { return nil }
            return "Bundle.entry[\(index)].resource"
        }

        mutating func issue(_ severity: MappingIssue.Severity, _ input: String, _ line: Int, _ message: String, file: String) {
            issues.append(MappingIssue(severity: severity, input: input, rule: "\(file):\(line)", message: message))
        }

        /// The fields of a segment that repeat (in the newest HL7 v2 definitions); `nil` when unknown.
        static func repeatingFields(of segment: String) -> Set<Int>? {
            guard let definitions = try? HL7v2.Definitions.load(version: HL7v2.Definitions.versions.last!),
                  let fields = definitions.segment(segment)?.fields else { return nil }
            return Set(fields.indices.filter { fields[$0].maxOccurs.map { $0 > 1 } ?? true }.map { $0 + 1 })
        }
    }
}
