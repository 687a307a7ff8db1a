/// One entry of a 422 answer's `danh_sach_cac_loi`: the JSON field the national system names,
/// its message, and the FHIR element the field was built from.
public struct PrescriptionFieldError: Hashable, Sendable, CustomStringConvertible {
    /// The field as the system names it (`thong_tin_thuoc[1].so_luong`); empty when it names none.
    public var field: String
    /// The system's message.
    public var message: String
    /// The FHIR element (`MedicationRequest[1].dispenseRequest.quantity`), when known.
    public var element: String?

    /// Creates an error entry.
    public init(field: String, message: String, element: String? = nil) {
        self.field = field
        self.message = message
        self.element = element
    }

    /// `element (field): message`. The system's messages describe the rule broken, not the value.
    public var description: String {
        let place = element.map { "\($0) (\(field))" } ?? (field.isEmpty ? "prescription" : field)
        return "\(place): \(message)"
    }
}
