import Foundation
import InsuranceVN
import Testing

@Suite struct ClaimRuleInventoryTests {
    static let tables = ["XML0"] + (1...15).map { "XML\($0)" }
    let validator = ClaimValidator()

    /// Every row of the gateway rules that states a check or a conditional requirement is in the
    /// inventory; every entry names a row of its file.
    @Test(arguments: tables)
    func everyRuleRowIsListed(_ table: String) throws {
        let rows = try TestFiles.csvRows("gateway-rules", table)
        let entries = ClaimRuleInventory.entries.filter { $0.table == table }
        for row in rows {
            let field = row["field", default: ""].trimmingCharacters(in: .whitespaces)
            let required = row["required", default: ""].trimmingCharacters(in: .whitespacesAndNewlines)
            let check = row["valid", default: ""].trimmingCharacters(in: .whitespacesAndNewlines)
            let entry = entries.first { $0.field == field }
            if !check.isEmpty || !["x", ""].contains(required) {
                #expect(entry != nil, "\(table) row \(row["stt", default: ""]) \(field) is not in the inventory")
            }
            if let entry { #expect(entry.row == Int(row["stt", default: ""]) ?? 0, "\(table).\(field)") }
        }
        for entry in entries {
            #expect(rows.contains { $0["field"]?.trimmingCharacters(in: .whitespaces) == entry.field },
                    "\(table).\(entry.field) is no row of the rules file")
        }
    }

    /// Every entry is implemented by rules the validator reports, or says why not.
    @Test(arguments: tables)
    func entriesNameRealRules(_ table: String) throws {
        let definition = try #require(ClaimDefinitions.standard[table])
        let known = validator.ruleIdentifiers(for: definition)
        for entry in ClaimRuleInventory.entries where entry.table == table {
            #expect(!entry.rules.isEmpty || entry.notChecked != nil, "\(table).\(entry.field) has neither")
            for rule in entry.rules {
                #expect(known.contains(rule), "\(rule) is not a rule the validator reports")
            }
        }
    }

    /// Every rule beyond the definitions' field checks is in the inventory and has a case in
    /// ClaimValidatorRuleTests that makes it fire.
    @Test(arguments: tables)
    func everySpecificRuleIsListedAndTested(_ table: String) throws {
        let definition = try #require(ClaimDefinitions.standard[table])
        let listed = Set(ClaimRuleInventory.entries.flatMap(\.rules))
        let tested = Set(ClaimValidatorRuleTests.allCases.flatMap(\.expected))
        var specific: [String] = []
        for rule in validator.ruleIdentifiers(for: definition) {
            let parts = rule.split(separator: ".")
            let field = definition.field(named: String(parts[1]))
            let isFieldCheck =
                ["type", "size", "format"].contains(parts[2])
                || (parts[2] == "required" && field?.requirement == .always)
            if !isFieldCheck { specific.append(rule) }
        }
        #expect(specific.filter { !listed.contains($0) }.sorted() == [], "rules missing from the inventory")
        #expect(specific.filter { !tested.contains($0) }.sorted() == [], "rules without a test case")
    }
}
