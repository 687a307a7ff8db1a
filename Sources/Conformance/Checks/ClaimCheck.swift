import FHIR
import Foundation
import InsuranceVN

/// `kind: claim` — read claim table documents (Decision 130's XML1…XML15), optionally add a
/// table and change fields, validate with the gateway's offline rules (``ClaimValidator``) and
/// compare the rules broken.
///
/// ```yaml
/// - id: XML1.SO_CCCD.pattern
///   kind: claim
///   tables: {XML1: ../fixtures/inpatient-xml1.xml, XML2: ../fixtures/inpatient-xml2.xml}
///   add: {table: XML6, fields: {LOAI_DTRI_LAO: "0"}}   # optional: a table built from fields
///   set: {"XML1.SO_CCCD": "07905800432"}             # TABLE[record].FIELD: text (record 1 if omitted)
///   expect:
///     rules: [XML1.SO_CCCD.pattern]
/// ```
/// Instead of `tables`, `build: {bundles: [a.json, b.json], facility: "79001"}` builds the tables
/// from FHIR Bundles (merged) with the suite's `mappings` (`fhir-to-claims`), as
/// `lienthong claims build` does.
///
/// With `set`, `rules` are the rules the changes break (problems found after the changes and not
/// before them); without it, every rule broken. Each rule must be reported, and no other.
struct ClaimCheck: CaseCheck {
    static let kind = "claim"

    struct Change: Sendable {
        var table: String
        var record: Int
        var field: String
        var text: String
    }

    var tables: [(name: String, file: URL)]
    var build: (bundles: [URL], facility: String)?
    var added: (table: String, fields: [(key: String, value: String)])?
    var changes: [Change]
    var rules: [String]

    init(_ node: ManifestNode, resolver: FileResolver) throws(ConformanceError) {
        try node.allowKeys(ConformanceSuite.commonKeys.union(["tables", "build", "add", "set", "expect"]))
        var tables: [(name: String, file: URL)] = []
        if let tablesNode = try node.optional("tables") {
            for name in try tablesNode.map().keys.sorted(by: Self.tableOrder) {
                guard ClaimDefinitions.standard[name] != nil else { throw tablesNode.error("no table \(name) in Decision 130 (XML0 … XML15)") }
                tables.append((name, try resolver.existing(try tablesNode.required(name))))
            }
        } else {
            let build = try node.required("build")
            try build.allowKeys(["bundles", "facility"])
            var bundles: [URL] = []
            for item in try build.required("bundles").list() { bundles.append(try resolver.existing(item)) }
            self.build = (bundles, try build.required("facility").text())
        }
        self.tables = tables
        if let add = try node.optional("add") {
            try add.allowKeys(["table", "fields"])
            let table = try add.required("table").text()
            guard ClaimDefinitions.standard[table] != nil else { throw add.error("no table \(table) in Decision 130 (XML0 … XML15)") }
            added = (table, try add.optional("fields")?.textMap() ?? [])
        }
        var changes: [Change] = []
        if let set = try node.optional("set") {
            for (place, text) in try set.textMap() {
                // TABLE[record].FIELD or TABLE.FIELD
                let parts = place.split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw set.error("\(place): expected TABLE.FIELD or TABLE[record].FIELD") }
                var table = parts[0]
                var record = 1
                if let open = table.firstIndex(of: "["), table.hasSuffix("]"), let number = Int(table[table.index(after: open)..<table.index(before: table.endIndex)]) {
                    record = number
                    table = String(table[..<open])
                }
                changes.append(Change(table: table, record: record, field: parts[1], text: text))
            }
        }
        self.changes = changes
        rules = try node.required("expect").required("rules").texts()
    }

    static func tableOrder(_ left: String, _ right: String) -> Bool {
        (Int(left.dropFirst(3)) ?? 0) < (Int(right.dropFirst(3)) ?? 0)
    }

    func skipReason(for target: ConformanceTarget) -> String? {
        target.isLocal ? nil : "needs local access: checks LienThong's own claim validator"
    }

    func run(in context: CaseContext) async throws -> CheckOutcome {
        var documents: [ClaimTableDocument] = []
        for (name, file) in tables {
            documents.append(try ClaimTableDocument(xml: Data(try FileResolver.read(file)), table: ClaimDefinitions.standard[name]!))
        }
        var inputLines = tables.map { "\($0.name): \($0.file.lastPathComponent)" }
        if let build {
            let builder = ClaimBuilder(maps: try context.shared.claimMaps(context.suite.mappings), options: .init(facilityCode: build.facility))
            var bundles: [FHIR.Element] = []
            for file in build.bundles { bundles.append(try FHIR.Element(json: try FileResolver.read(file))) }
            let result = builder.build(bundles.count == 1 ? bundles[0] : BundleMerger.merge(bundles))
            documents = result.documents
            inputLines.append("built for facility \(build.facility) from " + build.bundles.map(\.lastPathComponent).joined(separator: ", "))
            inputLines += result.issues.map { "build issue: \($0)" }
            inputLines.append("tables: " + documents.map { "\($0.table.name) (\($0.records.count) record\($0.records.count == 1 ? "" : "s"))" }.joined(separator: ", "))
        }
        if let added {
            let table = ClaimDefinitions.standard[added.table]!
            var record = ClaimRecord(table: table)
            // The added table belongs to the first table's encounter.
            if table.index(of: "MA_LK") != nil, let key = documents.first?.records.first?["MA_LK"] { try record.setText(key, for: "MA_LK") }
            for (field, text) in added.fields { try record.setText(text, for: field) }
            documents.append(ClaimTableDocument(table: table, records: [record]))
            inputLines.append("added \(added.table): " + added.fields.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ", "))
        }
        let validator = ClaimValidator()
        let before = changes.isEmpty ? [] : Set(validator.validate(documents))
        var changed = documents
        for change in changes {
            guard let document = changed.firstIndex(where: { $0.table.name == change.table }),
                let record = changed[document].records.firstIndex(where: { $0.number == change.record })
            else {
                throw ConformanceError(.invalidManifest, "set: no record \(change.record) of \(change.table) in the case's tables")
            }
            try changed[document].records[record].setText(change.text, for: change.field)
            inputLines.append("set \(change.table)[\(change.record)].\(change.field) = \"\(change.text)\"")
        }
        let problems = validator.validate(changed).filter { !before.contains($0) }
        let seen = Set(problems.map(\.rule))
        var failures: [String] = []
        for rule in rules where !seen.contains(rule) { failures.append("rule not reported: \(rule)") }
        for rule in seen.sorted() where !rules.contains(rule) { failures.append("unexpected rule: \(rule)") }
        let expected = rules.isEmpty ? "no rule broken" : "rules broken:\n" + rules.sorted().joined(separator: "\n")
        let actual = problems.isEmpty ? "no rule broken" : "rules broken:\n" + problems.map { "\($0)" }.joined(separator: "\n")
        return CheckOutcome(input: inputLines.joined(separator: "\n"), expected: expected, actual: actual, failures: failures)
    }
}
