import Foundation

/// What the gateway made of one submitted file (a claim envelope or a check-in): accepted,
/// worth another try later, or rejected, with the gateway's reply.
///
/// The classification is our reading of the gateway (it publishes no list of submission codes;
/// docs/CLAIMS.md, "Gateway", has the table):
///
/// | answer | outcome |
/// | --- | --- |
/// | `maKetQua` 200 or 000 | accepted; `maGiaoDich` kept |
/// | no connection, no answer in time | retry later |
/// | HTTP 408, 429, 5xx (honouring `Retry-After`) | retry later |
/// | `maKetQua` 101 (server error), 500, 503 | retry later |
/// | HTTP 401 or `maKetQua` 401 | a new token and one more try; refused again → retry later |
/// | a 2xx body that is not the gateway's JSON | retry later (the answer is unknown) |
/// | any other `maKetQua` | rejected, `thongDiep` as the reason |
/// | any other HTTP status | rejected, the status (and `thongDiep`) as the reason |
public struct SubmissionResult: Sendable, CustomStringConvertible {
    /// What the answer means for the file.
    public enum Outcome: Hashable, Sendable {
        /// The gateway took the file.
        case accepted
        /// A transient failure; try again, not before `retryAfter` when the gateway said so.
        case retryLater(retryAfter: Duration?)
        /// The gateway refused the file; sending it again as it is cannot help.
        case rejected
    }

    /// What the answer means.
    public var outcome: Outcome
    /// The HTTP status, when an answer came.
    public var httpStatus: Int?
    /// `maKetQua`.
    public var resultCode: GatewayResultCode?
    /// `maGiaoDich`: the gateway's transaction number, to keep for reconciliation.
    public var transactionID: String?
    /// `thoiGianTiepNhan` (`yyyyMMddHHmmss`).
    public var receivedAt: String?
    /// `thongDiep`: the gateway's message.
    public var message: String?
    /// Why the file was not accepted (the gateway's message, or what failed); `nil` when accepted.
    public var reason: String?
    /// The body of the answer (at most the client's limit).
    public var body: [UInt8]

    /// Creates a result.
    public init(
        outcome: Outcome, httpStatus: Int? = nil, resultCode: GatewayResultCode? = nil, transactionID: String? = nil,
        receivedAt: String? = nil, message: String? = nil, reason: String? = nil, body: [UInt8] = []
    ) {
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.resultCode = resultCode
        self.transactionID = transactionID
        self.receivedAt = receivedAt
        self.message = message
        self.reason = reason
        self.body = body
    }

    /// `maKetQua` values that mean accepted.
    public static let acceptedCodes: Set<GatewayResultCode> = [.success, .valid]
    /// `maKetQua` values that mean try again later.
    public static let retryCodes: Set<GatewayResultCode> = [.serverError, "500", "502", "503", "504"]

    /// Classifies an answer (pure; no token handling: see ``refusesToken``).
    ///
    /// - Parameters:
    ///   - httpStatus: the status.
    ///   - retryAfter: the `Retry-After` header, in seconds, when there was one.
    ///   - body: the body.
    public init(httpStatus: Int, retryAfter: String? = nil, body: [UInt8]) {
        let reply = GatewayReply(json: body)
        let code = reply?.resultCode
        let message = reply?["thongDiep"].flatMap { $0.isEmpty ? nil : $0 }
        let delay = retryAfter.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 >= 0 ? Duration.seconds($0) : nil }
        self.init(
            outcome: .rejected, httpStatus: httpStatus, resultCode: code, transactionID: reply?["maGiaoDich"],
            receivedAt: reply?["thoiGianTiepNhan"], message: message, body: body)
        func describe(_ what: String) -> String {
            message.map { "\(what): \($0)" } ?? what
        }
        switch httpStatus {
        case 408, 429, 500...599:
            outcome = .retryLater(retryAfter: delay)
            reason = describe("HTTP \(httpStatus)")
        case 401:
            outcome = .retryLater(retryAfter: nil)
            reason = describe("HTTP 401: the gateway refused the token")
        case 200...299:
            guard let code else {
                outcome = .retryLater(retryAfter: nil)
                reason = "HTTP \(httpStatus) without the gateway's maKetQua; the answer is unknown"
                return
            }
            if Self.acceptedCodes.contains(code) {
                outcome = .accepted
            } else if Self.retryCodes.contains(code) {
                outcome = .retryLater(retryAfter: delay)
                reason = describe("maKetQua \(code)")
            } else if code == .unauthorized {
                outcome = .retryLater(retryAfter: nil)
                reason = describe("maKetQua 401: the gateway refused the token")
            } else {
                outcome = .rejected
                reason = describe("maKetQua \(code)")
            }
        default:
            outcome = .rejected
            reason = describe("HTTP \(httpStatus)" + (code.map { ", maKetQua \($0)" } ?? ""))
        }
    }

    /// Whether the gateway refused the token (HTTP 401 or `maKetQua` 401): worth one more try
    /// with a new token.
    public var refusesToken: Bool {
        httpStatus == 401 || resultCode == .unauthorized
    }

    /// A transient failure without an answer (no connection, no answer in time, no token).
    public static func failed(_ error: InsuranceGatewayError) -> SubmissionResult {
        SubmissionResult(
            outcome: error.isTransient ? .retryLater(retryAfter: nil) : .rejected, httpStatus: error.httpStatus,
            resultCode: error.resultCode, reason: error.description)
    }

    /// Outcome, code, transaction and reason (the gateway's message may name a field, never a credential).
    public var description: String {
        switch outcome {
        case .accepted:
            return "accepted (maKetQua \(resultCode?.rawValue ?? "-"), maGiaoDich \(transactionID ?? "-"))"
        case .retryLater:
            return "retry later: \(reason ?? "-")"
        case .rejected:
            return "rejected: \(reason ?? "-")"
        }
    }
}
