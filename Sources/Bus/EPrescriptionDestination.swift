public import AsyncHTTPClient
public import EPrescription
import FHIR
import Foundation
public import Logging
public import Store

/// Delivers prescriptions to the national e-prescription system: each entry, a FHIR Bundle
/// (JSON) with MedicationRequest(s) and the Patient, Practitioner, Condition(s) and Encounter,
/// is built into the national JSON (``EPrescription/PrescriptionBuilder``) and submitted
/// through an ``EPrescription/EPrescriptionClient`` (token cached, renewed once when refused).
///
/// | what happens | verdict |
/// | --- | --- |
/// | not `fhir+json`, not a Bundle, or a value that cannot be built | dead letter naming the FHIR element |
/// | 200 with a checksum | delivered; `checksum` in the response code, the answer kept |
/// | 422 with `danh_sach_cac_loi` | dead letter; each error with the FHIR element it concerns |
/// | 401 twice, 408, 429, 5xx, no connection, no answer in time | retried by the destination's retry policy |
public struct EPrescriptionDestination: Destination {
    /// The client's settings; the facility code is also the first 5 characters of `ma_don_thuoc`.
    public typealias Configuration = EPrescriptionClient.Configuration

    /// The client submissions go through.
    public let client: EPrescriptionClient
    /// Builds the prescriptions.
    public let builder: PrescriptionBuilder

    /// Creates a destination with its own client.
    public init(configuration: Configuration, httpClient: HTTPClient = .shared, logger: Logger) {
        self.init(client: EPrescriptionClient(configuration: configuration, httpClient: httpClient, logger: logger))
    }

    /// Creates a destination on a client (the workers of a destination share one, and its token).
    public init(client: EPrescriptionClient) {
        self.client = client
        self.builder = PrescriptionBuilder(facilityCode: client.configuration.facilityCode)
    }

    public func deliver(_ lease: Lease) async -> DeliveryResult {
        guard lease.format == .fhirJSON else {
            let reason = "the e-prescription system takes FHIR Bundles (fhir+json), not \(lease.format.rawValue)"
            return DeliveryResult(verdict: .reject(reason: reason), error: reason)
        }
        let prescription: Prescription
        do {
            prescription = try builder.build(from: try Element(json: lease.payload))
        } catch let error as PrescriptionError {
            let reason = "cannot build the prescription: \(error)"
            return DeliveryResult(verdict: .reject(reason: reason), error: reason)
        } catch {
            let reason = "not a FHIR resource: \(error)"
            return DeliveryResult(verdict: .reject(reason: reason), error: reason)
        }
        return Self.deliveryResult(await client.submit(prescription))
    }

    /// The attempt's record of an answer.
    static func deliveryResult(_ result: PrescriptionSubmission) -> DeliveryResult {
        var code = result.httpStatus.map { "HTTP \($0)" } ?? "no answer"
        if let checksum = result.checksum { code += " checksum \(checksum)" }
        let response = result.body.isEmpty ? nil : result.body
        switch result.outcome {
        case .delivered:
            return DeliveryResult(verdict: .delivered, responseCode: code, response: response)
        case .retryLater(let retryAfter):
            let reason = result.reason ?? "the e-prescription system asked to try again"
            return DeliveryResult(verdict: .retry(reason: reason, retryAfter: retryAfter), responseCode: code, response: response, error: reason)
        case .rejected:
            let reason = "rejected by the e-prescription system: \(result.reason ?? "no reason given")"
            return DeliveryResult(verdict: .reject(reason: reason), responseCode: code, response: response, error: reason)
        }
    }
}
