public import FHIR
import Foundation
import Mapping

/// Builds the claim tables of one encounter from a FHIR Bundle with the FHIR → claims maps of a
/// ``ClaimMapLibrary`` (`mappings/fhir-to-claims/`, see `docs/CLAIMS.md`, "Building claims").
///
/// ```swift
/// let maps = try ClaimMapLibrary(folder: URL(fileURLWithPath: "mappings"))
/// let builder = ClaimBuilder(maps: maps, options: .init(facilityCode: "79001"))
/// let result = builder.build(bundle)
/// let envelope = try result.envelope()      // GIAMDINHHS with XML1, XML2 …
/// let problems = ClaimValidator().validate(result.documents)
/// ```
///
/// Each map's rules are FHIRPath on the Bundle (XML1) or on each resource of a block (the lines of
/// XML2 …), evaluated with these variables: `%bundle`, `%patient` (the first Patient),
/// `%encounter` (the first Encounter), `%coverages` (every Coverage, by the start of its period),
/// `%facility` (``Options/facilityCode``), `%linkKey` (``Options/linkKey``) and
/// ``Options/variables``. Values are written by the field's type: dates as `yyyyMMdd` or
/// `yyyyMMddHHmm` (in ``Options/timeZoneOffset``), numbers with `.` rounded to 2 decimals (3 for
/// quantities), several values `;`-separated. What the maps leave empty and the standard
/// computes is computed (`ClaimBuilder+Amounts.swift`): `MA_LK` and `STT` of the lines, the
/// line amounts and shares, XML1's totals, `SO_NGAY_DTRI`, `NAM_QT` and `THANG_QT`.
///
/// The output depends only on the input and the options: there is no clock.
public struct ClaimBuilder: Sendable {
    /// What the Bundle cannot give, and how to write.
    public struct Options: Sendable {
        /// The facility's code (`MACSKCB`, `MA_CSKCB`): `%facility` in the maps.
        public var facilityCode: String
        /// The encounter's key (`MA_LK`) when the Bundle's Encounter has no identifier:
        /// `%linkKey` in the maps.
        public var linkKey: String?
        /// The tables to return (`XML1`, `XML2` …); all the maps make when `nil`. All are built
        /// either way: XML1's `MA_LK` and totals depend on the others.
        public var tables: Set<String>?
        /// More variables for the maps, by name without `%`, as strings.
        public var variables: [String: String]
        /// The offset from UTC, in seconds, that times are written in: Vietnam's (+07:00).
        public var timeZoneOffset: Int

        /// Creates options.
        public init(
            facilityCode: String, linkKey: String? = nil, tables: Set<String>? = nil, variables: [String: String] = [:],
            timeZoneOffset: Int = 7 * 3600
        ) {
            self.facilityCode = facilityCode
            self.linkKey = linkKey
            self.tables = tables
            self.variables = variables
            self.timeZoneOffset = timeZoneOffset
        }
    }

    /// The maps.
    public let maps: ClaimMapLibrary
    /// The settings.
    public var options: Options

    /// Creates a builder.
    public init(maps: ClaimMapLibrary, options: Options) {
        self.maps = maps
        self.options = options
    }

    /// Builds the tables of the encounter a Bundle describes (a single resource is read as a
    /// collection Bundle of it). A line table without lines is left out; XML1 is always made when
    /// its map exists and is asked for.
    public func build(_ bundle: FHIR.Element) -> ClaimBuildResult {
        var run = Run(builder: self, bundle: FHIR.Element.bundle(wrapping: bundle))
        var documents: [ClaimTableDocument] = []
        // Every table is built (XML1 gives the lines their MA_LK, the lines give XML1 its totals),
        // then only those asked for are kept.
        for map in maps.maps {
            let records = run.records(of: map)
            guard map.table.isFlat || !records.isEmpty else { continue }
            documents.append(ClaimTableDocument(table: map.table, records: records))
        }
        Self.complete(&documents, issues: &run.issues)
        if let tables = options.tables { documents.removeAll { !tables.contains($0.table.name) } }
        return ClaimBuildResult(documents: documents, facilityCode: options.facilityCode, issues: run.issues)
    }

    /// Reads FHIR JSON (a Bundle or one resource) and builds its tables. What the reader could
    /// not read is left out and listed in the issues with its place, never its value.
    ///
    /// - Throws: ``ClaimError`` ``ClaimError/Code/invalidInput`` when the text is not a FHIR resource.
    public func build(json bytes: [UInt8]) throws -> ClaimBuildResult {
        let read: (FHIR.Element?, [FormatError])
        do throws(FormatError) {
            read = try FHIR.Element.read(json: bytes, definitions: maps.fhirDefinitions)
        } catch {
            throw ClaimError(.invalidInput, path: error.path, "not FHIR JSON: \(error.message)")
        }
        guard let element = read.0 else {
            throw ClaimError(.invalidInput, "not a FHIR resource: \(read.1.first?.message ?? "no resourceType")")
        }
        var result = build(element)
        result.issues = read.1.map { error in
            ClaimBuildIssue(
                severity: .warning, input: [error.path, error.position.map { "at \($0)" }].compactMap { $0 }.joined(separator: " "),
                rule: "the FHIR reader", message: "left out: \(error.message)")
        } + result.issues
        return result
    }
}

extension ClaimBuilder {
    /// One build: the Bundle, its entries, the FHIRPath environment and the issues.
    struct Run {
        let builder: ClaimBuilder
        let bundle: FHIR.Element
        let entries: [FHIR.Element]
        let environment: FHIRPathEnvironment
        var issues: [ClaimBuildIssue] = []
        /// The values of the expressions that depend only on the environment (`%coverages.first()…`,
        /// `%bundle.entry.resource.ofType(Condition)…`), by slot (one per distinct text, see
        /// ``ClaimMapLibrary/numberingExpressions(_:)``): evaluated once per build, not once per
        /// line. An expression that fails is not kept (each evaluation reports it).
        var independentValues: [[FHIRPathValue]?]
        /// The values of the subexpressions the maps share that depend only on the environment
        /// (``ClaimMapLibrary/constantSlots``), for the whole build.
        let constants: FHIRPathSharedValues?

        init(builder: ClaimBuilder, bundle: FHIR.Element) {
            self.builder = builder
            self.bundle = bundle
            entries = bundle.children(named: "entry").compactMap { $0.child(named: "resource") }
            let options = builder.options
            var variables: [String: [FHIRPathValue]] = ["bundle": [.element(bundle)]]
            variables["patient"] = entries.first { $0.type == "Patient" }.map { [.element($0)] } ?? []
            variables["encounter"] = entries.first { $0.type == "Encounter" }.map { [.element($0)] } ?? []
            let coverages = entries.enumerated().filter { $0.element.type == "Coverage" }.sorted { left, right in
                let start = { (coverage: FHIR.Element) in coverage.child(named: "period")?.child(named: "start")?.value?.text ?? "" }
                return (start(left.element), left.offset) < (start(right.element), right.offset)
            }
            variables["coverages"] = coverages.map { .element($0.element) }
            variables["facility"] = [.string(options.facilityCode)]
            variables["linkKey"] = options.linkKey.map { [.string($0)] } ?? []
            for (name, value) in options.variables { variables[name] = [.string(value)] }
            var environment = FHIRPathEnvironment(
                resource: bundle, rootResource: bundle, variables: variables, definitions: builder.maps.fhirDefinitions)
            // Every line resolves its references in the Bundle.
            environment.indexBundles()
            self.environment = environment
            independentValues = Array(repeating: nil, count: builder.maps.expressionSlots)
            constants = builder.maps.constantSlots > 0 ? FHIRPathSharedValues(slots: builder.maps.constantSlots) : nil
        }

        /// The records a map makes.
        mutating func records(of map: ClaimMap) -> [ClaimRecord] {
            if map.table.isFlat {
                var record = ClaimRecord(table: map.table, number: 1)
                let input = FHIRPathInput([.element(bundle)], environment: environment, sharedSlots: map.sharedSlots, constants: constants)
                apply(map.rules, of: map, on: input, place: "Bundle", into: &record)
                return [record]
            }
            var records: [ClaimRecord] = []
            let bundleInput = FHIRPathInput([.element(bundle)], environment: environment, constants: constants)
            for block in map.blocks {
                let items = evaluate(block.source, slot: block.sourceSlot, on: bundleInput, place: "Bundle", line: block.line, file: map.file)
                let entries = self.entries
                for item in items {
                    // The item, with the values the block's condition and rules share.
                    let input = FHIRPathInput([item], environment: environment, sharedSlots: block.sharedSlots, constants: constants)
                    // Places are written only into issues: made when one is.
                    if let condition = block.condition,
                        !holds(
                            condition, slot: block.conditionSlot, on: input, place: Self.place(of: item, in: entries),
                            line: block.line, file: map.file)
                    {
                        continue
                    }
                    var record = ClaimRecord(table: map.table, number: records.count + 1)
                    apply(block.rules, of: map, on: input, place: Self.place(of: item, in: entries), into: &record)
                    records.append(record)
                }
            }
            return records
        }

        /// Applies rules in order; a later rule that gives a value replaces an earlier one's.
        mutating func apply(
            _ rules: [ClaimMap.Rule], of map: ClaimMap, on input: FHIRPathInput,
            place: @autoclosure () -> String, into record: inout ClaimRecord
        ) {
            // The rules read in place: a copy of each counts references to its texts and expressions.
            rules.withUnsafeBufferPointer { rules in
                for number in rules.indices {
                    // Conditions and expressions passed where they are (`x!` of the element, not a
                    // binding), and told apart by their slots (numbered ones, -1 for none): a
                    // binding, or `!= nil`, copies the expression, counting the references of its
                    // text and compiled expression.
                    if rules[number].conditionSlot >= 0,
                        !holds(
                            rules[number].condition!, slot: rules[number].conditionSlot, on: input, place: place(),
                            line: rules[number].line, file: map.file)
                    {
                        continue
                    }
                    let rule = (line: rules[number].line, fieldIndex: rules[number].fieldIndex, conversion: rules[number].conversion)
                    let value: String
                    if rules[number].sourceSlot < 0 {
                        guard case .constant(let text) = rules[number].source else { continue }
                        value = text
                    } else {
                        // Where a value comes from, for issues (made only for one).
                        func sourcePlace() -> String { "\(place()).\(rules[number].sourceExpression!.text)" }
                        let items = evaluate(
                            rules[number].sourceExpression!, slot: rules[number].sourceSlot, on: input,
                            place: sourcePlace(), line: rule.line, file: map.file)
                        if items.count == 1 {
                            // One value (most fields): written without an array of texts.
                            value = format(
                                items[0], for: rule.fieldIndex, of: map.table, conversion: rule.conversion,
                                place: sourcePlace(), line: rule.line, file: map.file) ?? ""
                        } else {
                            var formatted: [String] = []
                            for (index, item) in items.enumerated() {
                                if let text = format(
                                    item, for: rule.fieldIndex, of: map.table, conversion: rule.conversion,
                                    place: sourcePlace() + (items.count > 1 ? "[\(index)]" : ""),
                                    line: rule.line,
                                    file: map.file), !text.isEmpty
                                {
                                    formatted.append(text)
                                }
                            }
                            value = formatted.joined(separator: ";")
                        }
                    }
                    guard !value.isEmpty else { continue }
                    record.setText(value, at: rule.fieldIndex)
                }
            }
        }
    }
}
