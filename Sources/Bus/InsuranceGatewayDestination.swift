public import AsyncHTTPClient
package import Foundation
public import InsuranceGateway
import InsuranceVN
public import Logging
public import Store

/// Delivers claim envelopes to the insurance gateway: one submission per entry, through an
/// ``InsuranceGateway/InsuranceGatewayClient`` (token cached, renewed once when refused).
///
/// The payload must be ``Store/MessageFormat/claimsXML``: a `GIAMDINHHS` envelope is submitted
/// (`guiHoSoXmlQD4750` or `…QD3176`); an XML0 document (`CHI_TIEU_TRANG_THAI_KCB`) is sent as a
/// check-in. Any other format, or bytes that are neither, is a dead letter with the reason.
///
/// The gateway's answer decides (see ``InsuranceGateway/SubmissionResult``): accepted →
/// delivered, with `maKetQua` and `maGiaoDich` in the attempt's response code and the reply in
/// its response; retry later → retried by the destination's retry policy; rejected → a dead
/// letter whose reason is the gateway's `thongDiep`.
public struct InsuranceGatewayDestination: Destination {
    /// Where the gateway is and whose account to use.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The gateway client's settings (URL, credentials, variant, timeout).
        public var client: InsuranceGatewayClient.Configuration
        /// `maCSKCB` sent with every file; `nil` takes the envelope's `MACSKCB` (or the XML0
        /// record's `MA_CSKCB`).
        public var facilityCode: String?

        /// Creates a configuration.
        public init(client: InsuranceGatewayClient.Configuration, facilityCode: String? = nil) {
            self.client = client
            self.facilityCode = facilityCode
        }

        /// URL, variant, facility; credentials redacted.
        public var description: String {
            "InsuranceGatewayDestination.Configuration(\(client), facility: \(facilityCode ?? "from the envelope"))"
        }
    }

    /// The client submissions go through.
    public let client: InsuranceGatewayClient
    /// `maCSKCB` for every file, or `nil` for the file's own.
    public let facilityCode: String?

    /// Creates a destination with its own client.
    public init(configuration: Configuration, httpClient: HTTPClient = .shared, logger: Logger) {
        self.init(client: InsuranceGatewayClient(configuration: configuration.client, httpClient: httpClient, logger: logger), facilityCode: configuration.facilityCode)
    }

    /// Creates a destination on a client (several destinations may share one, and its token).
    public init(client: InsuranceGatewayClient, facilityCode: String? = nil) {
        self.client = client
        self.facilityCode = facilityCode
    }

    public func deliver(_ lease: Lease) async -> DeliveryResult {
        guard lease.format == .claimsXML else {
            return DeliveryResult(
                verdict: .reject(reason: "the insurance gateway takes claim envelopes (claims+xml), not \(lease.format.rawValue)"),
                error: "wrong payload format \(lease.format.rawValue)")
        }
        let file = Data(lease.payload)
        let result: SubmissionResult
        switch Self.kind(of: file) {
        case .envelope(let facility):
            result = await client.submit(file, facilityCode: facilityCode ?? facility)
        case .checkIn(let facility):
            result = await client.checkIn(file, facilityCode: facilityCode ?? facility ?? "")
        case .unreadable(let error):
            let reason = "not a claim envelope: \(error)"
            return DeliveryResult(verdict: .reject(reason: reason), error: reason)
        }
        return Self.deliveryResult(result)
    }

    /// What a file is.
    package enum Kind {
        case envelope(facility: String)
        case checkIn(facility: String?)
        case unreadable(String)
    }

    package static func kind(of file: Data) -> Kind {
        do {
            return .envelope(facility: try ClaimEnvelope(xml: file).facilityCode)
        } catch let error as ClaimError {
            guard error.code == .unexpectedRootElement, let table = ClaimDefinitions.standard["XML0"], error.path == table.rootElement else {
                return .unreadable(error.description)
            }
            do {
                let document = try ClaimTableDocument(xml: file, table: table)
                return .checkIn(facility: document.records.first?["MA_CSKCB"])
            } catch {
                return .unreadable("\(error)")
            }
        } catch {
            return .unreadable("\(error)")
        }
    }

    /// The attempt's record of a gateway answer.
    static func deliveryResult(_ result: SubmissionResult) -> DeliveryResult {
        var code = result.resultCode.map { "maKetQua \($0)" } ?? result.httpStatus.map { "HTTP \($0)" } ?? "no answer"
        if let transaction = result.transactionID { code += " maGiaoDich \(transaction)" }
        let response = result.body.isEmpty ? nil : result.body
        switch result.outcome {
        case .accepted:
            return DeliveryResult(verdict: .delivered, responseCode: code, response: response)
        case .retryLater(let retryAfter):
            let reason = result.reason ?? "the gateway asked to try again"
            return DeliveryResult(verdict: .retry(reason: reason, retryAfter: retryAfter), responseCode: code, response: response, error: reason)
        case .rejected:
            let reason = "rejected by the gateway: \(result.reason ?? "no reason given")"
            return DeliveryResult(verdict: .reject(reason: reason), responseCode: code, response: response, error: reason)
        }
    }
}
