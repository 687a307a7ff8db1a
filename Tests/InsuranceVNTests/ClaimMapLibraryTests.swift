import FHIR
import Foundation
@testable import InsuranceVN
import Mapping
import Testing

@Suite struct ClaimMapLibraryTests {
    static let gender: [(file: String, bytes: [UInt8])] = [
        ("vocabulary/claims-gioi-tinh.json", [UInt8](try! Data(contentsOf: TestFiles.mappingsFolder.appendingPathComponent("vocabulary/claims-gioi-tinh.json"))))
    ]

    static func errors(_ text: String, file: String = "fhir-to-claims/XML1.map") -> [String] {
        do {
            _ = try ClaimMapLibrary(sources: [(file, text)], conceptMaps: gender)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func shippedMapsLoad() throws {
        let maps = try ClaimMapLibrary(folder: TestFiles.mappingsFolder)
        #expect(maps.maps.map(\.table.name) == ["XML1", "XML2", "XML3", "XML4", "XML5"])
        #expect(maps["XML2"]?.blocks.count == 2)  // ChargeItems, Claim items
    }

    /// Each expression has the slot a build keeps its input-independent value in: one per
    /// distinct text, the same for equal texts, none for a constant.
    @Test func expressionsAreNumberedByText() throws {
        let maps = try ClaimMapLibrary(folder: TestFiles.mappingsFolder)
        var slotOfText: [String: Int] = [:]
        var textOfSlot: [Int: String] = [:]
        func record(_ expression: ClaimMap.Expression?, _ slot: Int) {
            guard let expression else {
                #expect(slot == -1)
                return
            }
            #expect((0..<maps.expressionSlots).contains(slot), "\(expression.text)")
            #expect(slotOfText.updateValue(slot, forKey: expression.text) ?? slot == slot, "\(expression.text)")
            #expect(textOfSlot.updateValue(expression.text, forKey: slot) ?? expression.text == expression.text, "\(slot)")
        }
        func record(_ rules: [ClaimMap.Rule]) {
            for rule in rules {
                switch rule.source {
                case .expression(let expression):
                    record(expression, rule.sourceSlot)
                    #expect(rule.sourceExpression?.text == expression.text)
                case .constant:
                    #expect(rule.sourceSlot == -1 && rule.sourceExpression == nil)
                }
                record(rule.condition, rule.conditionSlot)
            }
        }
        for map in maps.maps {
            record(map.rules)
            for block in map.blocks {
                record(block.source, block.sourceSlot)
                record(block.condition, block.conditionSlot)
                record(block.rules)
            }
        }
        #expect(slotOfText.count == maps.expressionSlots)
        #expect(maps.expressionSlots > 100)
        // XML2's two blocks share `%coverages.first()…` for MUC_HUONG.
        let muchuong = maps["XML2"]!.blocks.map { $0.rules.first { $0.field == "MUC_HUONG" }!.sourceSlot }
        #expect(muchuong.count == 2 && muchuong[0] == muchuong[1] && muchuong[0] >= 0)
    }

    /// Every mistake is reported at once, each with file, line and column.
    @Test func reportsErrorsWithFileAndLine() {
        let errors = Self.errors("""
            table XML1
            %patient.name.text -> HO_TENN
            %patient.gender -> GIOI_TINH   via vocabulary no-such-map
            %patient.birthDate..year -> NGAY_SINH
            each %bundle.entry -> MA_LK
            %facility -> MA_CSKCB   via money
            """)
        #expect(errors.count == 5)
        #expect(errors.contains { $0.hasPrefix("fhir-to-claims/XML1.map:2:23") && $0.contains("XML1 has no field HO_TENN") })
        #expect(errors.contains { $0.hasPrefix("fhir-to-claims/XML1.map:3:") && $0.contains("no vocabulary map named no-such-map") })
        #expect(errors.contains { $0.hasPrefix("fhir-to-claims/XML1.map:4:") && $0.contains("not a FHIRPath expression") })
        #expect(errors.contains { $0.hasPrefix("fhir-to-claims/XML1.map:5:") && $0.contains("flat table") })
        #expect(errors.contains { $0.hasPrefix("fhir-to-claims/XML1.map:6:") && $0.contains("via date") })
    }

    /// A source's leading element path is checked against the type it reads: a variable's, an
    /// `ofType` selection's, or the block's items'.
    @Test func reportsUnknownElements() {
        let flat = Self.errors("""
            table XML1
            %patient.nmae.text -> HO_TEN
            %bundle.entry.resource.ofType(Encounter).perod.start -> NGAY_VAO
            %patient.name.first().text -> HO_TEN
            """)
        #expect(flat.count == 2)
        #expect(flat.contains { $0.hasPrefix("fhir-to-claims/XML1.map:2:") && $0.contains("Patient has no element nmae") })
        #expect(flat.contains { $0.hasPrefix("fhir-to-claims/XML1.map:3:") && $0.contains("Encounter has no element perod") })
        let lines = Self.errors("""
            table XML2
            each %bundle.entry.resource.ofType(ChargeItem)
                quantiy.value -> SO_LUONG
                priceOverride.value -> DON_GIA
                %encounter.serviceType.coding.code.first() -> MA_KHOA
            """, file: "fhir-to-claims/XML2.map")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("XML2.map:3:") == true && lines.first?.contains("ChargeItem has no element quantiy") == true)
    }

    @Test func reportsTableAndBlockErrors() {
        #expect(Self.errors("table XML99\n").first?.contains("XML99 is not a claim table") == true)
        let lineErrors = Self.errors("table XML2\nquantity.value -> SO_LUONG\n    code.text -> TEN_THUOC\n", file: "fhir-to-claims/XML2.map")
        #expect(lineErrors.count == 2)
        #expect(lineErrors.allSatisfy { $0.hasPrefix("fhir-to-claims/XML2.map:") })
        let twice = try? ClaimMapLibrary(sources: [("a/XML1.map", "table XML1\n"), ("b/XML1-other.map", "table XML1\n")])
        #expect(twice == nil)
    }

    /// Values are written by the field's type: FHIR dateTimes in Vietnam's time (`+07:00`) to
    /// the minute, dates, numbers rounded with `.`, codes through a vocabulary, lists with `;`.
    @Test func formatsValuesByFieldType() throws {
        let maps = try ClaimMapLibrary(sources: [("fhir-to-claims/XML1.map", """
            table XML1
            %encounter.period.start -> NGAY_VAO
            %encounter.period.end -> NGAY_RA
            %patient.birthDate -> NGAY_SINH
            %patient.gender -> GIOI_TINH       via vocabulary claims-gioi-tinh
            %coverages.period.start -> GT_THE_TU   via date
            "12.345" -> CAN_NANG
            %encounter.length.value -> SO_NGAY_DTRI
            %linkKey -> MA_LK
            """)], conceptMaps: Self.gender)
        let bundle = try FHIR.Element(json: Array("""
            {"resourceType": "Bundle", "type": "collection", "entry": [
              {"resource": {"resourceType": "Patient", "gender": "other", "birthDate": "1990"}},
              {"resource": {"resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"},
                "period": {"start": "2024-03-10T23:30:00Z", "end": "2024-03-11"}, "length": {"value": 2.456}}},
              {"resource": {"resourceType": "Coverage", "status": "active", "beneficiary": {"reference": "Patient/1"}, "payor": [{"display": "BHXH"}], "period": {"start": "2024-07-01"}}},
              {"resource": {"resourceType": "Coverage", "status": "active", "beneficiary": {"reference": "Patient/1"}, "payor": [{"display": "BHXH"}], "period": {"start": "2024-01-01"}}}
            ]}
            """.utf8))
        let result = ClaimBuilder(maps: maps, options: .init(facilityCode: "79001", linkKey: "LK-1")).build(bundle)
        let summary = try #require(result["XML1"]?.records.first)
        #expect(summary["NGAY_VAO"] == "202403110630")  // 23:30 UTC is 06:30 the next day in Vietnam
        #expect(summary["NGAY_RA"] == "202403110000")
        #expect(summary["NGAY_SINH"] == "199000000000")  // unknown month and day are 00
        #expect(summary["GIOI_TINH"] == "3")
        #expect(summary["GT_THE_TU"] == "20240101;20240701")  // cards by the start of their period
        #expect(summary["CAN_NANG"] == "12.345")  // a constant is written as given
        #expect(summary["SO_NGAY_DTRI"] == "2.46")
        #expect(summary["MA_LK"] == "LK-1")
        #expect(result.issues.isEmpty)
    }

    /// A value that cannot be converted is left out with an issue naming the place and the rule,
    /// never the value.
    @Test func reportsValuesItCannotWrite() throws {
        let maps = try ClaimMapLibrary(sources: [("fhir-to-claims/XML1.map", """
            table XML1
            %patient.gender -> GIOI_TINH       via vocabulary claims-gioi-tinh
            %patient.name.family -> T_THUOC
            %patient.name -> HO_TEN
            """)], conceptMaps: Self.gender)
        let bundle = try FHIR.Element(json: Array("""
            {"resourceType": "Patient", "gender": "female", "name": [{"family": "Nguyễn"}]}
            """.utf8))
        let result = ClaimBuilder(maps: maps, options: .init(facilityCode: "79001")).build(bundle)
        #expect(result.issues.count == 2)
        #expect(result.issues.allSatisfy { $0.rule.hasPrefix("fhir-to-claims/XML1.map:") && !$0.description.contains("Nguyễn") })
        #expect(result["XML1"]?.records.first?["GIOI_TINH"] == "2")
    }
}
