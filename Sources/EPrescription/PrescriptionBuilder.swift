public import FHIR
public import Foundation

/// Builds the national system's prescription (``Prescription``) from a FHIR Bundle holding
/// MedicationRequest(s) and the Patient, Practitioner, Condition(s) and Encounter they concern.
///
/// Every value that cannot be built is a ``PrescriptionError`` naming the FHIR element
/// (`MedicationRequest[0].dosageInstruction[0].text`); indexes count the Bundle's resources of
/// that type, in order. The rules (kind, code, sex coding, dates, guardian) are in
/// docs/EPRESCRIPTION.md.
///
/// ```swift
/// let bundle = try Element(json: bytes)
/// let prescription = try PrescriptionBuilder(facilityCode: "79001").build(from: bundle)
/// let body = try prescription.json()
/// ```
public struct PrescriptionBuilder: Sendable {
    /// Identifier systems for the citizen ID (VN Core naming systems).
    public static let citizenIDSystems: Set<String> = [
        "http://fhir.ehealth.gov.vn/core/sid/citizen_id", "http://fhir.ehealth.gov.vn/core/sid/national_id",
    ]
    /// Identifier system for the social insurance number.
    public static let insuranceNumberSystem = "http://fhir.ehealth.gov.vn/core/sid/insurance_number"
    /// Children younger than this many months need a guardian.
    public static let guardianAgeLimitMonths = 72

    /// The facility's 5-character code (`ma_co_so`, the first 5 characters of `ma_don_thuoc`).
    public var facilityCode: String
    /// The time zone `ngay_gio_ke_don` is written in (Vietnam, UTC+7).
    public var timeZone: TimeZone

    /// Creates a builder.
    public init(facilityCode: String, timeZone: TimeZone = TimeZone(secondsFromGMT: 7 * 3600)!) {
        self.facilityCode = facilityCode
        self.timeZone = timeZone
    }

    /// Builds the prescription.
    ///
    /// - Throws: ``PrescriptionError``.
    public func build(from bundle: Element) throws(PrescriptionError) -> Prescription {
        guard bundle.type == "Bundle" else {
            throw PrescriptionError(.notAPrescription, element: bundle.type, "expected a Bundle")
        }
        guard facilityCode.count == 5, facilityCode.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw PrescriptionError(.invalidValue, element: "facility", "the facility code must be 5 letters or digits")
        }
        let resources = Resources(bundle: bundle)
        let requests = resources.all("MedicationRequest")
        guard !requests.isEmpty else {
            throw PrescriptionError(.notAPrescription, element: "Bundle.entry", "the Bundle holds no MedicationRequest")
        }
        var sources: [String: String] = [:]

        // Kind and code.
        let kind = try Self.kind(of: requests)
        let code = Self.code(facility: facilityCode, kind: kind, requests: requests)
        sources["ma_don_thuoc"] = code.source
        sources["loai_don_thuoc"] = "MedicationRequest[0].category"
        sources["ma_co_so"] = "facility"

        // Date of the prescription.
        let authoredPath = "MedicationRequest[0].authoredOn"
        guard let authoredText = requests[0].child(named: "authoredOn")?.value?.text else {
            throw PrescriptionError(.missingElement, element: authoredPath, "the prescription date is missing")
        }
        guard let authored = Self.dateTime(authoredText) else {
            throw PrescriptionError(.invalidValue, element: authoredPath, "expected a date and time with its zone")
        }
        sources["ngay_gio_ke_don"] = authoredPath

        // Patient.
        guard let patient = resources.all("Patient").first else {
            throw PrescriptionError(.missingElement, element: "Patient", "the Bundle holds no Patient")
        }
        guard let name = patient.children(named: "name").first.flatMap(Self.text(ofName:)) else {
            throw PrescriptionError(.missingElement, element: "Patient.name", "the patient's name is missing")
        }
        sources["ho_ten_benh_nhan"] = "Patient.name"
        guard let birthText = patient.child(named: "birthDate")?.value?.text else {
            throw PrescriptionError(.missingElement, element: "Patient.birthDate", "the birth date is missing")
        }
        guard let birth = Self.fullDate(birthText) else {
            throw PrescriptionError(.invalidValue, element: "Patient.birthDate", "expected a full date (YYYY-MM-DD)")
        }
        sources["ngay_sinh_benh_nhan"] = "Patient.birthDate"
        guard let gender = patient.child(named: "gender")?.value?.text else {
            throw PrescriptionError(.missingElement, element: "Patient.gender", "the sex is missing")
        }
        sources["gioi_tinh"] = "Patient.gender"
        let identifiers = patient.children(named: "identifier")
        let citizenID = Self.identifier(in: identifiers, systems: Self.citizenIDSystems)
        let insuranceNumber = Self.identifier(in: identifiers, systems: [Self.insuranceNumberSystem])
        if let citizenID { sources["so_can_cuoc"] = "Patient.identifier[\(citizenID.index)]" }
        if let insuranceNumber { sources["ma_so_bhxh"] = "Patient.identifier[\(insuranceNumber.index)]" }
        let address = patient.children(named: "address").first.flatMap(Self.text(ofAddress:))
        if address != nil { sources["dia_chi"] = "Patient.address[0]" }

        // Guardian under 72 months.
        var guardian: Prescription.Guardian?
        if Self.months(from: birth, to: authored, in: timeZone) < Self.guardianAgeLimitMonths {
            guard let found = Self.guardian(of: patient, resources: resources) else {
                throw PrescriptionError(
                    .missingGuardian, element: "Patient.contact", "a child under 72 months needs a guardian (Patient.contact or RelatedPerson)")
            }
            guardian = found.guardian
            sources["thong_tin_nguoi_giam_ho"] = found.source
            sources["thong_tin_nguoi_giam_ho.ho_ten"] = found.source + ".name"
        }

        // Prescriber: the Practitioner the first MedicationRequest's requester refers to, else
        // the Bundle's first Practitioner, else the requester's own identifier and display (a
        // logical reference, as HL7 v2 ORC-12 gives it).
        let requester = requests[0].child(named: "requester")
        let referenced = (requester?.child(named: "reference")?.value?.text).flatMap { resources.resolve($0) }
        let practitioner = referenced?.type == "Practitioner" ? referenced : resources.all("Practitioner").first
        let prescriberName: String
        let prescriberID: String?
        if let practitioner {
            guard let name = practitioner.children(named: "name").first.flatMap(Self.text(ofName:)) else {
                throw PrescriptionError(.missingElement, element: "Practitioner.name", "the prescriber's name is missing")
            }
            prescriberName = name
            sources["ho_ten_bac_si"] = "Practitioner.name"
            prescriberID = practitioner.children(named: "identifier").first?.child(named: "value")?.value?.text
            if prescriberID != nil { sources["ma_bac_si"] = "Practitioner.identifier[0]" }
        } else if let requester, let display = requester.child(named: "display")?.value?.text, !display.isEmpty {
            prescriberName = display
            sources["ho_ten_bac_si"] = "MedicationRequest[0].requester.display"
            prescriberID = requester.child(named: "identifier")?.child(named: "value")?.value?.text
            if prescriberID != nil { sources["ma_bac_si"] = "MedicationRequest[0].requester.identifier" }
        } else {
            throw PrescriptionError(
                .missingElement, element: "MedicationRequest[0].requester", "no prescriber: no Practitioner, nor a requester with a display")
        }

        // Encounter.
        let encounterID = resources.all("Encounter").first.flatMap {
            $0.children(named: "identifier").first?.child(named: "value")?.value?.text ?? $0.child(named: "id")?.value?.text
        }
        if encounterID != nil { sources["ma_luot_kham"] = "Encounter.identifier[0]" }

        // Diagnoses: the ICD-10 reasons of the MedicationRequests (HL7 v2 RXE-27), else every
        // Condition of the Bundle.
        var diagnoses: [Prescription.Diagnosis] = []
        for (index, request) in requests.enumerated() {
            for (reasonIndex, reason) in request.children(named: "reasonCode").enumerated() {
                guard let coding = reason.children(named: "coding").first(where: { Self.isICD10($0.child(named: "system")?.value?.text) }),
                    let icd = coding.child(named: "code")?.value?.text, !diagnoses.contains(where: { $0.code == icd })
                else { continue }
                let path = "MedicationRequest[\(index)].reasonCode[\(reasonIndex)]"
                guard let label = coding.child(named: "display")?.value?.text ?? reason.child(named: "text")?.value?.text else {
                    throw PrescriptionError(.missingElement, element: path + ".coding.display", "the diagnosis has no name")
                }
                sources["chan_doan[\(diagnoses.count)]"] = path
                sources["chan_doan[\(diagnoses.count)].ma_chan_doan"] = path + ".coding.code"
                sources["chan_doan[\(diagnoses.count)].ten_chan_doan"] = path + ".coding.display"
                diagnoses.append(.init(code: icd, name: label))
            }
        }
        if !diagnoses.isEmpty {
            sources["chan_doan"] = "MedicationRequest[0].reasonCode"
        } else {
            for (index, condition) in resources.all("Condition").enumerated() {
                let path = "Condition[\(index)].code"
                let codings = condition.child(named: "code")?.children(named: "coding") ?? []
                guard let coding = codings.first(where: { Self.isICD10($0.child(named: "system")?.value?.text) }),
                    let icd = coding.child(named: "code")?.value?.text
                else {
                    throw PrescriptionError(.missingElement, element: path + ".coding", "no ICD-10 coding")
                }
                let label = coding.child(named: "display")?.value?.text ?? condition.child(named: "code")?.child(named: "text")?.value?.text
                guard let label else {
                    throw PrescriptionError(.missingElement, element: path + ".coding.display", "the diagnosis has no name")
                }
                sources["chan_doan[\(diagnoses.count)]"] = "Condition[\(index)]"
                sources["chan_doan[\(diagnoses.count)].ma_chan_doan"] = path + ".coding.code"
                sources["chan_doan[\(diagnoses.count)].ten_chan_doan"] = path + ".coding.display"
                diagnoses.append(.init(code: icd, name: label))
            }
            guard !diagnoses.isEmpty else {
                throw PrescriptionError(
                    .missingElement, element: "MedicationRequest[0].reasonCode",
                    "no diagnosis: no ICD-10 MedicationRequest.reasonCode, and the Bundle holds no Condition")
            }
            sources["chan_doan"] = "Condition"
        }

        // Drugs.
        var drugs: [Prescription.Drug] = []
        var notes: [String] = []
        for (index, request) in requests.enumerated() {
            let base = "MedicationRequest[\(index)]"
            let field = "thong_tin_thuoc[\(index)]"
            sources[field] = base
            let medication = try Self.medication(of: request, base: base, resources: resources)
            sources[field + ".ma_thuoc"] = medication.codePath
            sources[field + ".ten_thuoc"] = medication.namePath
            let quantityPath = base + ".dispenseRequest.quantity"
            guard let quantity = request.child(named: "dispenseRequest")?.child(named: "quantity") else {
                throw PrescriptionError(.missingElement, element: quantityPath, "the quantity to dispense is missing")
            }
            guard let valueText = quantity.child(named: "value")?.value?.text else {
                throw PrescriptionError(.missingElement, element: quantityPath + ".value", "the quantity has no value")
            }
            guard let value = Decimal(string: valueText, locale: Locale(identifier: "en_US_POSIX")), value > 0 else {
                throw PrescriptionError(.invalidValue, element: quantityPath + ".value", "the quantity must be a positive number")
            }
            guard let unit = quantity.child(named: "unit")?.value?.text ?? quantity.child(named: "code")?.value?.text else {
                throw PrescriptionError(.missingElement, element: quantityPath + ".unit", "the quantity has no unit")
            }
            sources[field + ".so_luong"] = quantityPath
            sources[field + ".don_vi_tinh"] = quantityPath + ".unit"
            let dosages = request.children(named: "dosageInstruction")
            let texts = dosages.compactMap { $0.child(named: "text")?.value?.text ?? $0.child(named: "patientInstruction")?.value?.text }
            guard !dosages.isEmpty, texts.count == dosages.count else {
                throw PrescriptionError(
                    .missingElement, element: base + ".dosageInstruction[\(texts.count)].text", "the dose instructions are missing")
            }
            sources[field + ".cach_dung"] = base + ".dosageInstruction[0].text"
            drugs.append(.init(code: medication.code, name: medication.name, unit: unit, quantity: value, instructions: texts.joined(separator: "; ")))
            notes += request.children(named: "note").compactMap { $0.child(named: "text")?.value?.text }
        }
        if !notes.isEmpty { sources["loi_dan"] = "MedicationRequest[0].note" }

        return Prescription(
            code: code.value, kind: kind.code, facilityCode: facilityCode, prescribedAt: Self.format(authored, "yyyy-MM-dd HH:mm:ss", timeZone),
            patientName: name, birthDate: birthText, sex: Self.sexCode(gender), citizenID: citizenID?.value,
            insuranceNumber: insuranceNumber?.value, address: address, guardian: guardian, prescriberName: prescriberName,
            prescriberID: prescriberID, encounterID: encounterID, diagnoses: diagnoses, drugs: drugs,
            advice: notes.isEmpty ? nil : notes.joined(separator: "\n"), sources: sources)
    }

    // MARK: Rules

    /// The national sex code for a FHIR `Patient.gender`: male 2, female 3, anything else 1.
    public static func sexCode(_ gender: String) -> Int {
        switch gender {
        case "male": 2
        case "female": 3
        default: 1
        }
    }

    /// The kind: each MedicationRequest's `category` coding in ``PrescriptionKind/codeSystem``,
    /// `c` when none; all must agree.
    static func kind(of requests: [Element]) throws(PrescriptionError) -> PrescriptionKind {
        var found: PrescriptionKind?
        for (index, request) in requests.enumerated() {
            var kind = PrescriptionKind.normal
            for category in request.children(named: "category") {
                for coding in category.children(named: "coding") where coding.child(named: "system")?.value?.text == PrescriptionKind.codeSystem {
                    guard let code = coding.child(named: "code")?.value?.text, PrescriptionKind.known.contains(PrescriptionKind(code: code)) else {
                        throw PrescriptionError(.invalidValue, element: "MedicationRequest[\(index)].category", "the kind must be c, h, n or y")
                    }
                    kind = PrescriptionKind(code: code)
                }
            }
            if let found, found != kind {
                throw PrescriptionError(
                    .mixedKinds, element: "MedicationRequest[\(index)].category", "drugs of different kinds go on separate prescriptions")
            }
            found = kind
        }
        return found ?? .normal
    }

    /// `ma_don_thuoc`: `MedicationRequest.groupIdentifier.value` when it already is a national
    /// code of this facility and kind; otherwise facility (5) + 7 characters derived from the
    /// group identifier (or the first request's identifier or id) + `-` + kind, so that a retried
    /// delivery sends the same code.
    static func code(facility: String, kind: PrescriptionKind, requests: [Element]) -> (value: String, source: String) {
        let first = requests[0]
        let group = first.child(named: "groupIdentifier")?.child(named: "value")?.value?.text
        if let group, group.count == 14, group.hasPrefix(facility), group.hasSuffix("-" + kind.code) {
            return (group, "MedicationRequest[0].groupIdentifier")
        }
        var seed = requests.compactMap { $0.child(named: "id")?.value?.text }.joined(separator: ",")
        var source = "MedicationRequest[0].id"
        if let group {
            seed = group
            source = "MedicationRequest[0].groupIdentifier"
        } else if let identifier = first.children(named: "identifier").first?.child(named: "value")?.value?.text {
            seed = identifier
            source = "MedicationRequest[0].identifier[0]"
        }
        // FNV-1a, 64 bits, written in base 36 (7 characters).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in seed.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var value = hash % 78_364_164_096  // 36^7
        var middle = ""
        for _ in 0..<7 {
            middle = String(digits[Int(value % 36)]) + middle
            value /= 36
        }
        return (facility + middle + "-" + kind.code, source)
    }

    static func isICD10(_ system: String?) -> Bool {
        guard let system = system?.lowercased() else { return false }
        return system.contains("icd10") || system.contains("icd-10")
    }

    struct Medication {
        var code: String
        var name: String
        var codePath: String
        var namePath: String
    }

    static func medication(of request: Element, base: String, resources: Resources) throws(PrescriptionError) -> Medication {
        guard let medication = request.child(named: "medication") else {
            throw PrescriptionError(.missingElement, element: base + ".medication[x]", "the drug is missing")
        }
        let concept: Element?
        let path: String
        if medication.type == "Reference" {
            let reference = medication.child(named: "reference")?.value?.text
            guard let reference, let resource = resources.resolve(reference), resource.type == "Medication" else {
                throw PrescriptionError(.missingElement, element: base + ".medicationReference", "the Medication is not in the Bundle")
            }
            concept = resource.child(named: "code")
            path = "Medication.code"
        } else {
            concept = medication
            path = base + ".medicationCodeableConcept"
        }
        let coding = concept?.children(named: "coding").first
        guard let code = coding?.child(named: "code")?.value?.text else {
            throw PrescriptionError(.missingElement, element: path + ".coding[0].code", "the drug has no code")
        }
        if let display = coding?.child(named: "display")?.value?.text {
            return Medication(code: code, name: display, codePath: path + ".coding[0].code", namePath: path + ".coding[0].display")
        }
        guard let text = concept?.child(named: "text")?.value?.text else {
            throw PrescriptionError(.missingElement, element: path + ".text", "the drug has no name")
        }
        return Medication(code: code, name: text, codePath: path + ".coding[0].code", namePath: path + ".text")
    }

    static func guardian(of patient: Element, resources: Resources) -> (guardian: Prescription.Guardian, source: String)? {
        for (index, contact) in patient.children(named: "contact").enumerated() {
            guard let name = contact.child(named: "name").flatMap(text(ofName:)) else { continue }
            let relationship = contact.children(named: "relationship").first.flatMap(text(ofConcept:))
            return (.init(name: name, relationship: relationship, phone: phone(in: contact.children(named: "telecom"))), "Patient.contact[\(index)]")
        }
        for (index, person) in resources.all("RelatedPerson").enumerated() {
            guard let name = person.children(named: "name").first.flatMap(text(ofName:)) else { continue }
            let relationship = person.children(named: "relationship").first.flatMap(text(ofConcept:))
            let citizen = identifier(in: person.children(named: "identifier"), systems: citizenIDSystems)?.value
            return (
                .init(name: name, relationship: relationship, phone: phone(in: person.children(named: "telecom")), citizenID: citizen),
                "RelatedPerson[\(index)]"
            )
        }
        return nil
    }

    static func phone(in telecoms: [Element]) -> String? {
        telecoms.first { $0.child(named: "system")?.value?.text == "phone" }?.child(named: "value")?.value?.text
    }

    static func identifier(in identifiers: [Element], systems: Set<String>) -> (value: String, index: Int)? {
        for (index, identifier) in identifiers.enumerated() {
            guard let system = identifier.child(named: "system")?.value?.text, systems.contains(system),
                let value = identifier.child(named: "value")?.value?.text
            else { continue }
            return (value, index)
        }
        return nil
    }

    /// `HumanName.text`, or family then given names (Vietnamese order).
    static func text(ofName name: Element) -> String? {
        if let text = name.child(named: "text")?.value?.text, !text.isEmpty { return text }
        let parts = name.children(named: "family").compactMap(\.value?.text) + name.children(named: "given").compactMap(\.value?.text)
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    static func text(ofAddress address: Element) -> String? {
        if let text = address.child(named: "text")?.value?.text, !text.isEmpty { return text }
        let parts = ["line", "district", "city", "state"].flatMap { address.children(named: $0).compactMap(\.value?.text) }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    static func text(ofConcept concept: Element) -> String? {
        concept.child(named: "text")?.value?.text
            ?? concept.children(named: "coding").first.flatMap { $0.child(named: "display")?.value?.text ?? $0.child(named: "code")?.value?.text }
    }

    // MARK: Dates

    static func dateTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    static func fullDate(_ text: String) -> DateComponents? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        return DateComponents(year: year, month: month, day: day)
    }

    /// Whole months from a birth date to a moment, in the given zone.
    static func months(from birth: DateComponents, to date: Date, in zone: TimeZone) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let now = calendar.dateComponents([.year, .month, .day], from: date)
        var months = (now.year! - birth.year!) * 12 + (now.month! - birth.month!)
        if now.day! < birth.day! { months -= 1 }
        return months
    }

    static func format(_ date: Date, _ pattern: String, _ zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
