public import Foundation

/// A prescription as the national e-prescription system takes it (`POST /api/v1/gui-don-thuoc`),
/// with, for every JSON field, the FHIR element it was built from.
///
/// The JSON member names are the national system's (snake case, Vietnamese); see
/// docs/EPRESCRIPTION.md for each field and where it comes from.
public struct Prescription: Sendable, Hashable, Codable {
    /// A diagnosis (`chan_doan[i]`).
    public struct Diagnosis: Sendable, Hashable, Codable {
        /// The ICD-10 code.
        public var code: String
        /// Its name.
        public var name: String

        /// Creates a diagnosis.
        public init(code: String, name: String) {
            self.code = code
            self.name = name
        }

        enum CodingKeys: String, CodingKey {
            case code = "ma_chan_doan"
            case name = "ten_chan_doan"
        }
    }

    /// A drug (`thong_tin_thuoc[i]`).
    public struct Drug: Sendable, Hashable, Codable {
        /// `ma_thuoc`: the drug's code.
        public var code: String
        /// `ten_thuoc`: its name.
        public var name: String
        /// `don_vi_tinh`: the unit counted (tablet, bottle).
        public var unit: String
        /// `so_luong`: how many units are dispensed.
        public var quantity: Decimal
        /// `cach_dung`: the dose instructions.
        public var instructions: String

        /// Creates a drug.
        public init(code: String, name: String, unit: String, quantity: Decimal, instructions: String) {
            self.code = code
            self.name = name
            self.unit = unit
            self.quantity = quantity
            self.instructions = instructions
        }

        enum CodingKeys: String, CodingKey {
            case code = "ma_thuoc"
            case name = "ten_thuoc"
            case unit = "don_vi_tinh"
            case quantity = "so_luong"
            case instructions = "cach_dung"
        }
    }

    /// The guardian of a child under 72 months (`thong_tin_nguoi_giam_ho`).
    public struct Guardian: Sendable, Hashable, Codable {
        /// `ho_ten`.
        public var name: String
        /// `quan_he`: the relationship, as text.
        public var relationship: String?
        /// `so_dien_thoai`.
        public var phone: String?
        /// `so_can_cuoc`: the guardian's citizen ID.
        public var citizenID: String?

        /// Creates a guardian.
        public init(name: String, relationship: String? = nil, phone: String? = nil, citizenID: String? = nil) {
            self.name = name
            self.relationship = relationship
            self.phone = phone
            self.citizenID = citizenID
        }

        enum CodingKeys: String, CodingKey {
            case name = "ho_ten"
            case relationship = "quan_he"
            case phone = "so_dien_thoai"
            case citizenID = "so_can_cuoc"
        }
    }

    /// `ma_don_thuoc`: 14 characters, the facility's 5, 7 of the prescription, `-` and the kind.
    public var code: String
    /// `loai_don_thuoc`: the kind (also the code's last character).
    public var kind: String
    /// `ma_co_so`: the facility code.
    public var facilityCode: String
    /// `ngay_gio_ke_don`: `Y-m-d H:i:s`, Vietnam time.
    public var prescribedAt: String
    /// `ho_ten_benh_nhan`.
    public var patientName: String
    /// `ngay_sinh_benh_nhan`: `Y-m-d`.
    public var birthDate: String
    /// `gioi_tinh`: 1 undetermined, 2 male, 3 female.
    public var sex: Int
    /// `so_can_cuoc`: citizen ID.
    public var citizenID: String?
    /// `ma_so_bhxh`: insurance number.
    public var insuranceNumber: String?
    /// `dia_chi`.
    public var address: String?
    /// `thong_tin_nguoi_giam_ho`, required under 72 months.
    public var guardian: Guardian?
    /// `ho_ten_bac_si`.
    public var prescriberName: String
    /// `ma_bac_si`: the prescriber's practice licence or code.
    public var prescriberID: String?
    /// `ma_luot_kham`: the encounter's identifier.
    public var encounterID: String?
    /// `chan_doan`.
    public var diagnoses: [Diagnosis]
    /// `thong_tin_thuoc`.
    public var drugs: [Drug]
    /// `loi_dan`: advice (MedicationRequest.note).
    public var advice: String?

    /// For each JSON field path (`thong_tin_thuoc[1].so_luong`), the FHIR element it was built
    /// from (`MedicationRequest[1].dispenseRequest.quantity`). Not sent.
    public var sources: [String: String] = [:]

    enum CodingKeys: String, CodingKey {
        case code = "ma_don_thuoc"
        case kind = "loai_don_thuoc"
        case facilityCode = "ma_co_so"
        case prescribedAt = "ngay_gio_ke_don"
        case patientName = "ho_ten_benh_nhan"
        case birthDate = "ngay_sinh_benh_nhan"
        case sex = "gioi_tinh"
        case citizenID = "so_can_cuoc"
        case insuranceNumber = "ma_so_bhxh"
        case address = "dia_chi"
        case guardian = "thong_tin_nguoi_giam_ho"
        case prescriberName = "ho_ten_bac_si"
        case prescriberID = "ma_bac_si"
        case encounterID = "ma_luot_kham"
        case diagnoses = "chan_doan"
        case drugs = "thong_tin_thuoc"
        case advice = "loi_dan"
    }

    /// The JSON the national system takes (sorted keys, UTF-8).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The FHIR element a JSON field path names: the recorded source, else the nearest recorded
    /// parent path (`thong_tin_thuoc[1]` for `thong_tin_thuoc[1].foo`), else `nil`.
    public func element(forField field: String) -> String? {
        var path = field
        while true {
            if let source = sources[path] { return source }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            path = String(path[..<cut])
        }
    }
}
