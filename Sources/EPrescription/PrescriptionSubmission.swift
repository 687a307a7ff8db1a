import Foundation

/// What the national system made of one prescription: delivered (with its checksum), rejected
/// (with its error list mapped to FHIR elements), or worth another try later.
///
/// | answer | outcome |
/// | --- | --- |
/// | 200 with `checksum` | delivered; `checksum` kept |
/// | 200 without `checksum`, or a body that is not JSON | retry later (the answer is unknown) |
/// | 401 | a new token and one more try; refused again → retry later |
/// | 422 with `danh_sach_cac_loi` | rejected, each error mapped to its FHIR element |
/// | 408, 429, 5xx (honouring `Retry-After` seconds), no connection, no answer in time | retry later |
/// | any other status | rejected with the status |
public struct PrescriptionSubmission: Sendable, CustomStringConvertible {
    /// What the answer means.
    public enum Outcome: Hashable, Sendable {
        /// The system took the prescription.
        case delivered
        /// A transient failure; try again, not before `retryAfter` when the system said so.
        case retryLater(retryAfter: Duration?)
        /// The system refused the prescription; sending it again as it is cannot help.
        case rejected
    }

    /// What the answer means.
    public var outcome: Outcome
    /// The HTTP status, when an answer came.
    public var httpStatus: Int?
    /// The system's `checksum` of an accepted prescription.
    public var checksum: String?
    /// `danh_sach_cac_loi`, mapped.
    public var errors: [PrescriptionFieldError]
    /// Why it was not delivered; `nil` when delivered.
    public var reason: String?
    /// The answer's body.
    public var body: [UInt8]

    /// Creates a submission result.
    public init(
        outcome: Outcome, httpStatus: Int? = nil, checksum: String? = nil, errors: [PrescriptionFieldError] = [], reason: String? = nil,
        body: [UInt8] = []
    ) {
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.checksum = checksum
        self.errors = errors
        self.reason = reason
        self.body = body
    }

    /// Classifies an answer to `POST /api/v1/gui-don-thuoc`.
    ///
    /// - Parameter prescription: maps the fields of `danh_sach_cac_loi` back to FHIR elements.
    public init(httpStatus status: Int, retryAfter: String?, body: [UInt8], prescription: Prescription?) {
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        switch status {
        case 200...299:
            if let checksum = object?["checksum"].map({ "\($0)" }), !checksum.isEmpty {
                self.init(outcome: .delivered, httpStatus: status, checksum: checksum, body: body)
            } else {
                self.init(outcome: .retryLater(retryAfter: nil), httpStatus: status, reason: "HTTP \(status) without a checksum", body: body)
            }
        case 422:
            let errors = Self.errors(in: object, prescription: prescription)
            let reason = errors.isEmpty ? "HTTP 422 without danh_sach_cac_loi" : errors.map(\.description).joined(separator: "; ")
            self.init(outcome: .rejected, httpStatus: status, errors: errors, reason: reason, body: body)
        case 401, 408, 429, 500...599:
            let delay = retryAfter.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { Duration.seconds($0) }
            self.init(outcome: .retryLater(retryAfter: delay), httpStatus: status, reason: "HTTP \(status)", body: body)
        default:
            self.init(outcome: .rejected, httpStatus: status, reason: "HTTP \(status)", body: body)
        }
    }

    /// A request that did not come to an answer: retried later.
    public static func failed(_ error: EPrescriptionError) -> PrescriptionSubmission {
        PrescriptionSubmission(outcome: .retryLater(retryAfter: nil), httpStatus: error.httpStatus, reason: error.description)
    }

    /// The entries of `danh_sach_cac_loi`: objects with the field in `truong` (or `field`,
    /// `ten_truong`) and the message in `thong_bao` (or `message`, `noi_dung`), or plain strings
    /// `field: message`.
    static func errors(in object: [String: Any]?, prescription: Prescription?) -> [PrescriptionFieldError] {
        guard let list = object?["danh_sach_cac_loi"] as? [Any] else { return [] }
        return list.map { item in
            var field = ""
            var message = ""
            if let entry = item as? [String: Any] {
                field = ["truong", "field", "ten_truong"].lazy.compactMap { entry[$0] as? String }.first ?? ""
                message = ["thong_bao", "message", "noi_dung"].lazy.compactMap { entry[$0] as? String }.first ?? ""
            } else if let text = item as? String {
                if let colon = text.firstIndex(of: ":") {
                    field = String(text[..<colon]).trimmingCharacters(in: .whitespaces)
                    message = String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                } else {
                    message = text
                }
            }
            return PrescriptionFieldError(field: field, message: message, element: field.isEmpty ? nil : prescription?.element(forField: field))
        }
    }

    public var description: String {
        "PrescriptionSubmission(\(outcome), HTTP \(httpStatus.map(String.init) ?? "none")\(reason.map { ", " + $0 } ?? ""))"
    }
}
