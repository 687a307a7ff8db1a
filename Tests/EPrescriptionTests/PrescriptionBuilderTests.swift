import EPrescription
import FHIR
import Foundation
import Testing

@Suite struct PrescriptionBuilderTests {
    let builder = PrescriptionBuilder(facilityCode: "79001")

    @Test func adultPrescription() throws {
        let prescription = try builder.build(from: try PrescriptionFixtures.bundle())
        #expect(prescription.code.count == 14)
        #expect(prescription.code.hasPrefix("79001"))
        #expect(prescription.code.hasSuffix("-c"))
        #expect(prescription.kind == "c")
        // 02:15:30Z is 09:15:30 in Vietnam.
        #expect(prescription.prescribedAt == "2026-11-20 09:15:30")
        #expect(prescription.patientName == "Nguyễn Thị Lan")
        #expect(prescription.birthDate == "1978-04-12")
        #expect(prescription.sex == 3)
        #expect(prescription.citizenID == "079178004321")
        #expect(prescription.insuranceNumber == "7920123456")
        #expect(prescription.address == "12 Lê Lợi, Quận 1, Thành phố Hồ Chí Minh")
        #expect(prescription.guardian == nil)
        #expect(prescription.prescriberName == "BS. Phạm Minh Đức")
        #expect(prescription.encounterID == "KB2026112000042")
        #expect(prescription.diagnoses == [.init(code: "J02.9", name: "Viêm họng cấp, không đặc hiệu")])
        #expect(prescription.drugs.map(\.code) == ["VD-12345-10", "VD-23456-15"])
        #expect(prescription.drugs.map(\.name) == ["Amoxicillin 500mg", "Paracetamol 500mg"])
        #expect(prescription.drugs[0].unit == "viên")
        #expect(prescription.drugs[1].quantity == 20)
        #expect(prescription.drugs[0].instructions == "Uống 1 viên/lần, ngày 2 lần sau ăn sáng và tối")
        #expect(prescription.advice == "Tái khám sau 5 ngày")
    }

    @Test func jsonUsesTheNationalNames() throws {
        let prescription = try builder.build(from: try PrescriptionFixtures.bundle())
        let object = try #require(try JSONSerialization.jsonObject(with: prescription.json()) as? [String: Any])
        #expect(object["ma_don_thuoc"] as? String == prescription.code)
        #expect(object["gioi_tinh"] as? Int == 3)
        #expect(object["ngay_gio_ke_don"] as? String == "2026-11-20 09:15:30")
        let drugs = try #require(object["thong_tin_thuoc"] as? [[String: Any]])
        #expect(Set(drugs[0].keys) == ["ma_thuoc", "ten_thuoc", "don_vi_tinh", "so_luong", "cach_dung"])
        #expect((drugs[1]["so_luong"] as? NSNumber)?.intValue == 20)
        let diagnoses = try #require(object["chan_doan"] as? [[String: Any]])
        #expect(diagnoses[0]["ma_chan_doan"] as? String == "J02.9")
        #expect(object["sources"] == nil)
    }

    @Test func sameBundleSameCode() throws {
        let first = try builder.build(from: try PrescriptionFixtures.bundle())
        let again = try builder.build(from: try PrescriptionFixtures.bundle())
        var other = PrescriptionFixtures.Options()
        other.groupIdentifier = "DT-2026-000124"
        let different = try builder.build(from: try PrescriptionFixtures.bundle(other))
        #expect(first.code == again.code)
        #expect(first.code != different.code)
    }

    @Test func existingNationalCodeIsKept() throws {
        var options = PrescriptionFixtures.Options()
        options.groupIdentifier = "79001AB12C34-c"
        #expect(try builder.build(from: try PrescriptionFixtures.bundle(options)).code == "79001AB12C34-c")
    }

    @Test(arguments: [("h", "-h"), ("n", "-n"), ("y", "-y"), ("c", "-c")])
    func kindFromCategory(kind: String, suffix: String) throws {
        var options = PrescriptionFixtures.Options()
        options.kind = kind
        let prescription = try builder.build(from: try PrescriptionFixtures.bundle(options))
        #expect(prescription.code.hasSuffix(suffix))
        #expect(prescription.kind == kind)
    }

    @Test func mixedKindsAreAnError() throws {
        var options = PrescriptionFixtures.Options()
        options.kind = "n"
        options.secondKind = "c"
        #expect(throws: PrescriptionError(.mixedKinds, element: "MedicationRequest[1].category", "drugs of different kinds go on separate prescriptions")) {
            try builder.build(from: try PrescriptionFixtures.bundle(options))
        }
    }

    @Test(arguments: [("male", 2), ("female", 3), ("other", 1), ("unknown", 1)])
    func sexCoding(gender: String, code: Int) throws {
        var options = PrescriptionFixtures.Options()
        options.gender = gender
        #expect(try builder.build(from: try PrescriptionFixtures.bundle(options)).sex == code)
    }

    @Test func childUnder72MonthsWithContact() throws {
        var options = PrescriptionFixtures.Options()
        options.birthDate = "2022-03-05"  // 4 years 8 months at the prescription
        options.contact = true
        let prescription = try builder.build(from: try PrescriptionFixtures.bundle(options))
        #expect(prescription.guardian == .init(name: "Trần Thị Mai", relationship: "Mẹ", phone: "0903123456"))
        #expect(prescription.element(forField: "thong_tin_nguoi_giam_ho.ho_ten") == "Patient.contact[0].name")
    }

    @Test func childUnder72MonthsWithRelatedPerson() throws {
        var options = PrescriptionFixtures.Options()
        options.birthDate = "2021-11-21"  // one day short of 60 months
        options.relatedPerson = true
        let prescription = try builder.build(from: try PrescriptionFixtures.bundle(options))
        #expect(prescription.guardian?.name == "Lê Văn Hùng")
        #expect(prescription.guardian?.citizenID == "079185001234")
        #expect(prescription.guardian?.relationship == "Bố")
    }

    @Test func childWithoutGuardianIsAnError() throws {
        var options = PrescriptionFixtures.Options()
        options.birthDate = "2020-11-21"  // 71 months on 2026-11-20
        #expect(throws: PrescriptionError.self) { try builder.build(from: try PrescriptionFixtures.bundle(options)) }
        do {
            _ = try builder.build(from: try PrescriptionFixtures.bundle(options))
        } catch let error as PrescriptionError {
            #expect(error.code == .missingGuardian)
            #expect(error.element == "Patient.contact")
        }
    }

    @Test func exactly72MonthsNeedsNoGuardian() throws {
        var options = PrescriptionFixtures.Options()
        options.birthDate = "2020-11-20"
        #expect(try builder.build(from: try PrescriptionFixtures.bundle(options)).guardian == nil)
    }

    @Test func missingDataNamesTheElement() throws {
        func element(_ change: (inout PrescriptionFixtures.Options) -> Void) throws -> String? {
            var options = PrescriptionFixtures.Options()
            change(&options)
            do {
                _ = try builder.build(from: try PrescriptionFixtures.bundle(options))
                return nil
            } catch let error as PrescriptionError {
                return error.element
            }
        }
        #expect(try element { $0.dosageText = false } == "MedicationRequest[0].dosageInstruction[0].text")
        #expect(try element { $0.quantity = false } == "MedicationRequest[1].dispenseRequest.quantity")
        #expect(try element { $0.gender = nil } == "Patient.gender")
        #expect(try element { $0.birthDate = nil } == "Patient.birthDate")
        #expect(try element { $0.birthDate = "1978" } == "Patient.birthDate")
        #expect(try element { $0.condition = false } == "MedicationRequest[0].reasonCode")
        #expect(try element { $0.authoredOn = "2026-11-20" } == "MedicationRequest[0].authoredOn")
        #expect(try element { _ in } == nil)
    }

    @Test func diagnosesComeFromTheRequestsReasonsBeforeTheConditions() throws {
        var options = PrescriptionFixtures.Options()
        options.reasonCode = true
        let withReason = try builder.build(from: try PrescriptionFixtures.bundle(options))
        #expect(withReason.diagnoses.map(\.code) == ["J03.9"], "the prescription's own indication, not the visit's Condition")
        #expect(withReason.element(forField: "chan_doan[0].ma_chan_doan") == "MedicationRequest[0].reasonCode[0].coding.code")
        options.condition = false
        #expect(try builder.build(from: try PrescriptionFixtures.bundle(options)).diagnoses.map(\.name) == ["Viêm amidan cấp"])
        let withoutReason = try builder.build(from: try PrescriptionFixtures.bundle())
        #expect(withoutReason.diagnoses.map(\.code) == ["J02.9"], "no reason: the Bundle's Conditions")
    }

    @Test func thePrescriberMayBeTheRequestersLogicalReference() throws {
        var options = PrescriptionFixtures.Options()
        options.practitioner = false
        let prescription = try builder.build(from: try PrescriptionFixtures.bundle(options))
        #expect(prescription.prescriberName == "Nguyễn Văn An")
        #expect(prescription.prescriberID == "0112399")
        #expect(prescription.element(forField: "ho_ten_bac_si") == "MedicationRequest[0].requester.display")
        let withResource = try builder.build(from: try PrescriptionFixtures.bundle())
        #expect(withResource.prescriberName == "BS. Phạm Minh Đức")
        #expect(withResource.prescriberID == "001234/HCM-CCHN")
    }

    @Test func wrongFacilityCode() throws {
        #expect(throws: PrescriptionError.self) {
            try PrescriptionBuilder(facilityCode: "7900").build(from: try PrescriptionFixtures.bundle())
        }
    }

    @Test func fieldsMapBackToElements() throws {
        let prescription = try builder.build(from: try PrescriptionFixtures.bundle())
        #expect(prescription.element(forField: "thong_tin_thuoc[1].so_luong") == "MedicationRequest[1].dispenseRequest.quantity")
        #expect(prescription.element(forField: "thong_tin_thuoc[0].cach_dung") == "MedicationRequest[0].dosageInstruction[0].text")
        #expect(prescription.element(forField: "gioi_tinh") == "Patient.gender")
        #expect(prescription.element(forField: "chan_doan[0].ma_chan_doan") == "Condition[0].code.coding.code")
        #expect(prescription.element(forField: "thong_tin_thuoc[1].unknown_field") == "MedicationRequest[1]")
        #expect(prescription.element(forField: "khong_co") == nil)
    }
}
