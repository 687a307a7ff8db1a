import FHIR
import Foundation

/// Realistic prescription Bundles (a clinic visit: Patient, Practitioner, Encounter, Condition,
/// MedicationRequests), with knobs to take parts away.
enum PrescriptionFixtures {
    struct Options {
        var birthDate: String? = "1978-04-12"
        var gender: String? = "female"
        var kind: String? = nil
        var secondKind: String? = nil
        var contact: Bool = false
        var relatedPerson: Bool = false
        var dosageText: Bool = true
        var quantity: Bool = true
        var condition: Bool = true
        /// An ICD-10 `reasonCode` on the first MedicationRequest (as HL7 v2 RXE-27 gives it).
        var reasonCode: Bool = false
        /// The Practitioner resource; without it the requester is a logical reference (identifier, display).
        var practitioner: Bool = true
        var authoredOn: String = "2026-11-20T02:15:30Z"
        var groupIdentifier: String? = "DT-2026-000123"
    }

    static func bundle(_ options: Options = Options()) throws -> Element {
        try Element(json: Array(json(options).utf8))
    }

    static func category(_ kind: String?) -> String {
        guard let kind else { return "" }
        return #""category": [{"coding": [{"system": "urn:lienthong:e-prescription-kind", "code": "\#(kind)"}]}],"#
    }

    static func json(_ o: Options) -> String {
        let birth = o.birthDate.map { #""birthDate": "\#($0)","# } ?? ""
        let gender = o.gender.map { #""gender": "\#($0)","# } ?? ""
        let contact = o.contact ? #"""
            "contact": [{"relationship": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0131", "code": "N", "display": "Mẹ"}]}],
              "name": {"family": "Trần", "given": ["Thị", "Mai"]}, "telecom": [{"system": "phone", "value": "0903123456"}]}],
            """# : ""
        let related = o.relatedPerson ? #"""
            ,{"fullUrl": "urn:uuid:7b1c2d3e-0000-4000-8000-000000000009", "resource": {"resourceType": "RelatedPerson", "id": "rp1",
              "patient": {"reference": "Patient/p1"},
              "identifier": [{"system": "http://fhir.ehealth.gov.vn/core/sid/citizen_id", "value": "079185001234"}],
              "relationship": [{"text": "Bố"}], "name": [{"text": "Lê Văn Hùng"}]}}
            """# : ""
        let dosage = o.dosageText
            ? #""dosageInstruction": [{"text": "Uống 1 viên/lần, ngày 2 lần sau ăn sáng và tối"}],"#
            : #""dosageInstruction": [{"timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}}}],"#
        let quantity = o.quantity ? #""dispenseRequest": {"quantity": {"value": 20, "unit": "viên"}},"# : ""
        let group = o.groupIdentifier.map { #""groupIdentifier": {"value": "\#($0)"},"# } ?? ""
        let condition = o.condition ? #"""
            ,{"fullUrl": "urn:uuid:7b1c2d3e-0000-4000-8000-000000000004", "resource": {"resourceType": "Condition", "id": "c1",
              "subject": {"reference": "Patient/p1"},
              "code": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/icd10", "code": "J02.9", "display": "Viêm họng cấp, không đặc hiệu"}]}}}
            """# : ""
        let reason = o.reasonCode
            ? #""reasonCode": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/icd10", "code": "J03.9", "display": "Viêm amidan cấp"}]}],"#
            : ""
        let practitioner = o.practitioner ? #"""
          {"fullUrl": "urn:uuid:7b1c2d3e-0000-4000-8000-000000000002", "resource": {"resourceType": "Practitioner", "id": "dr1",
            "identifier": [{"system": "http://fhir.ehealth.gov.vn/core/sid/provider-medical-license-number", "value": "001234/HCM-CCHN"}],
            "name": [{"text": "BS. Phạm Minh Đức"}]}},
          """# : ""
        let requester = o.practitioner
            ? #""requester": {"reference": "Practitioner/dr1"},"#
            : #""requester": {"identifier": {"value": "0112399"}, "display": "Nguyễn Văn An"},"#
        return #"""
        {"resourceType": "Bundle", "type": "collection", "entry": [
          {"fullUrl": "urn:uuid:7b1c2d3e-0000-4000-8000-000000000001", "resource": {"resourceType": "Patient", "id": "p1",
            "identifier": [
              {"system": "http://fhir.ehealth.gov.vn/core/sid/MRN", "value": "BN0012345"},
              {"system": "http://fhir.ehealth.gov.vn/core/sid/citizen_id", "value": "079178004321"},
              {"system": "http://fhir.ehealth.gov.vn/core/sid/insurance_number", "value": "7920123456"}],
            "name": [{"family": "Nguyễn", "given": ["Thị", "Lan"]}], \#(gender) \#(birth) \#(contact)
            "address": [{"line": ["12 Lê Lợi"], "district": "Quận 1", "city": "Thành phố Hồ Chí Minh"}]}},
          \#(practitioner)
          {"fullUrl": "urn:uuid:7b1c2d3e-0000-4000-8000-000000000003", "resource": {"resourceType": "Encounter", "id": "e1", "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
            "identifier": [{"system": "http://fhir.ehealth.gov.vn/core/sid/VisitNumber", "value": "KB2026112000042"}],
            "subject": {"reference": "Patient/p1"}}}
          \#(condition),
          {"fullUrl": "urn:uuid:7b1c2d3e-0000-4000-8000-000000000005", "resource": {"resourceType": "MedicationRequest", "id": "mr1",
            "status": "active", "intent": "order", \#(category(o.kind)) \#(group)
            "medicationCodeableConcept": {"coding": [{"system": "http://fhir.ehealth.gov.vn/core/CodeSystem/thuoc", "code": "VD-12345-10", "display": "Amoxicillin 500mg"}]},
            "subject": {"reference": "Patient/p1"}, "encounter": {"reference": "Encounter/e1"},
            "authoredOn": "\#(o.authoredOn)", \#(requester)
            "reasonReference": [{"reference": "Condition/c1"}], \#(reason)
            \#(dosage)
            "dispenseRequest": {"quantity": {"value": 20, "unit": "viên"}}}},
          {"fullUrl": "urn:uuid:7b1c2d3e-0000-4000-8000-000000000006", "resource": {"resourceType": "MedicationRequest", "id": "mr2",
            "status": "active", "intent": "order", \#(category(o.secondKind ?? o.kind)) \#(group)
            "medicationCodeableConcept": {"coding": [{"system": "http://fhir.ehealth.gov.vn/core/CodeSystem/thuoc", "code": "VD-23456-15"}], "text": "Paracetamol 500mg"},
            "subject": {"reference": "Patient/p1"}, "authoredOn": "\#(o.authoredOn)",
            "dosageInstruction": [{"text": "Uống 1 viên khi sốt trên 38.5 độ, cách nhau ít nhất 4 giờ"}],
            \#(quantity)
            "note": [{"text": "Tái khám sau 5 ngày"}]}}
          \#(related)
        ]}
        """#
    }
}
