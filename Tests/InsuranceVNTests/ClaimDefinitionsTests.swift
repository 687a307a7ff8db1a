import Foundation
import InsuranceVN
import Testing

@Suite struct ClaimDefinitionsTests {
    let definitions = ClaimDefinitions.standard

    @Test func holdsTheSixteenTablesInOrder() {
        #expect(definitions.tables.map(\.name) == (0...15).map { "XML\($0)" })
    }

    /// Every field row of every spec table (rows with a type; note rows have none) is in the
    /// definitions, in the spec's order, under its 3176 name or as a former name.
    @Test func everyFieldOfEveryTableIsDefined() throws {
        var total = 0
        for table in definitions.tables {
            let rows = try TestFiles.csvRows("tables", table.name).filter { !($0["type"] ?? "").isEmpty }
            let specNames = rows.map { $0["field"] ?? "" }
            let definedNames = table.fields.map { $0.formerNames.first ?? $0.name }
            #expect(definedNames == specNames, "\(table.name)")
            #expect(table.fields.map(\.number) == rows.map { Int($0["stt"] ?? "") ?? -1 }, "\(table.name)")
            total += rows.count
        }
        #expect(total == 481)
        #expect(definitions.tables.reduce(0) { $0 + $1.fields.count } == total)
    }

    /// Fields are found by name through a hash table of their own (not a `Dictionary`): every
    /// name and former name of every table gives the first field that has it, as a search of the
    /// list does, and other names give nothing.
    @Test func fieldsAreFoundByNameAndFormerName() {
        for table in definitions.tables {
            var names = Set<String>()
            for field in table.fields {
                for name in [field.name] + field.formerNames {
                    names.insert(name)
                    let first = table.fields.firstIndex { $0.name == name || $0.formerNames.contains(name) }
                    #expect(table.index(of: name) == first, "\(table.name).\(name)")
                    #expect(table.field(named: name)?.name == first.map { table.fields[$0].name })
                }
            }
            for other in ["", "MA_LK ", "ma_lk", "MA_LK_", "MA", "Họ tên", String(repeating: "X", count: 40)] where !names.contains(other) {
                #expect(table.index(of: other) == nil, "\(table.name) \(other)")
            }
        }
        // A table of many names, two of them equal: the first is kept.
        let many = (0..<300).map { ClaimFieldDefinition(name: "F\($0)", number: $0 + 1, type: .string, maxSize: 10) }
        let table = ClaimTableDefinition(
            name: "T", title: "t", rootElement: "R", listElement: nil, recordElement: "R",
            fields: many + [ClaimFieldDefinition(name: "F7", number: 301, type: .string, maxSize: 1)])
        for number in 0..<300 {
            #expect(table.index(of: "F" + String(number)) == number)
        }
        #expect(table.index(of: "F300") == nil)
        // Changing the fields of a copy finds the new ones there, and leaves the original as it was.
        var copy = table
        copy.fields = [ClaimFieldDefinition(name: "G", number: 1, type: .string, maxSize: 2)]
        #expect(copy.index(of: "G") == 0 && copy.index(of: "F1") == nil && copy != table)
        #expect(table.index(of: "G") == nil && table.index(of: "F1") == 1 && table.fields.count == 301)
        copy.fields = table.fields
        #expect(copy == table && copy.hashValue == table.hashValue)
    }

    @Test func fieldCountsPerTable() {
        let counts = definitions.tables.map(\.fields.count)
        #expect(counts == [26, 66, 39, 47, 12, 9, 47, 26, 22, 35, 13, 23, 35, 39, 22, 20])
    }

    @Test func typesSizesAndRequirementsComeFromTheSpec() throws {
        let summary = try #require(definitions["XML1"])
        let ngayVao = try #require(summary.field(named: "NGAY_VAO"))
        #expect(ngayVao.type == .string)
        #expect(ngayVao.maxSize == 12)
        #expect(ngayVao.requirement == .always)
        #expect(ngayVao.gatewayType == .number)
        let card = try #require(summary.field(named: "MA_THE_BHYT"))
        #expect(card.maxSize == nil)
        let total = try #require(summary.field(named: "T_TONGCHI_BV"))
        #expect(total.type == .number && total.maxSize == 15)

        let checkIn = try #require(definitions["XML0"]?.field(named: "MA_VAT_TU"))
        #expect(checkIn.requirement == .conditional("Chỉ bắt buộc khi MA_DICH_VU và MA_THUOC = null"))
        #expect(checkIn.isAmended)
        let tenThuoc = try #require(definitions["XML2"]?.field(named: "TEN_THUOC"))
        #expect(!tenThuoc.isAmended && tenThuoc.check == "Như 4210")
        let nationality = try #require(summary.field(named: "MA_QUOCTICH"))
        #expect(nationality.isFormerFixedWidthNumber)
    }

    @Test func amendmentsOf3176() throws {
        let referral = try #require(definitions["XML13"])
        let origin = try #require(referral.field(named: "MA_NOI_DI"))
        #expect(origin.name == "MA_CSKCB_DI" && origin.formerNames == ["MA_NOI_DI"])
        #expect(referral.field(named: "TEN_THUOC")?.isRemoved == true)
        #expect(referral.field(named: "TEN_DICH_VU")?.isRemoved == true)
        #expect(definitions["XML1"]?.field(named: "NGAY_SINH")?.isChangedToString == false)
        #expect(definitions["XML9"]?.field(named: "MA_BHXH_NND")?.isChangedToString == true)
    }

    /// XML4's rules file has no `valid` column; XML14 has no field numbered 14.
    @Test func gapsInTheSpecStayVisible() throws {
        #expect(try #require(definitions["XML4"]).fields.allSatisfy { $0.check == nil })
        #expect(try #require(definitions["XML14"]).fields.map(\.number).contains(14) == false)
    }

    @Test func elementLayouts() throws {
        let summary = try #require(definitions["XML1"])
        #expect(summary.isFlat && summary.rootElement == "TONG_HOP" && summary.recordElement == "TONG_HOP")
        let drugs = try #require(definitions["XML2"])
        #expect(drugs.rootElement == "CHITIEU_CHITIET_THUOC")
        #expect(drugs.listElement == "DSACH_CHI_TIET_THUOC")
        #expect(drugs.recordElement == "CHI_TIET_THUOC")
        #expect(!drugs.isLayoutUncertain)
        #expect(definitions["XML6"]?.isLayoutUncertain == true)
        #expect(definitions["XML12"]?.rootElement == nil)
    }

    @Test func malformedDefinitionsThrow() {
        #expect {
            try ClaimDefinitions(json: Data("{\"tables\": [{\"name\": 1}]}".utf8))
        } throws: { ($0 as? ClaimError)?.code == .invalidDefinitions }
    }
}
