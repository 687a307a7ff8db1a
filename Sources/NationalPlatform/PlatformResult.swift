public import Foundation

/// What the platform made of one POST: delivered, worth another try later, or rejected, with
/// the answer's text (a response Bundle or an OperationOutcome) to keep with the attempt.
///
/// | answer | outcome |
/// | --- | --- |
/// | 2xx | delivered; the body (transaction-response Bundle, the created resource, an OperationOutcome) and `Location` kept |
/// | no connection, no answer in time, the token endpoint unreachable or refusing | retry later |
/// | 401 (after one new token) | retry later |
/// | 408, 429, 5xx | retry later, not before `Retry-After` |
/// | any other 4xx | rejected; the OperationOutcome's issues (diagnostics) as the reason, else the status |
/// | 1xx, 3xx | rejected (the request must be configured differently) |
public struct PlatformResult: Sendable, CustomStringConvertible {
    /// What the answer means for the content.
    public enum Outcome: Hashable, Sendable {
        /// The platform took it.
        case delivered
        /// A transient failure; try again, not before `retryAfter` when the platform said so.
        case retryLater(retryAfter: Duration?)
        /// The platform refused it; sending it again as it is cannot help.
        case rejected
    }

    /// What the answer means.
    public var outcome: Outcome
    /// The HTTP status, when an answer came.
    public var httpStatus: Int?
    /// The `Location` header (a created resource's URL).
    public var location: String?
    /// Why the content was not delivered; `nil` when delivered.
    public var reason: String?
    /// The answer's body as text (at most the client's limit).
    public var body: String

    /// Creates a result.
    public init(outcome: Outcome, httpStatus: Int? = nil, location: String? = nil, reason: String? = nil, body: String = "") {
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.location = location
        self.reason = reason
        self.body = body
    }

    /// A result for a request that came to no answer (always retry later).
    public static func failed(_ error: PlatformError) -> PlatformResult {
        PlatformResult(outcome: .retryLater(retryAfter: nil), httpStatus: error.httpStatus, reason: error.description)
    }

    /// Classifies an answer (pure; the client takes a new token on 401 before it gets here).
    ///
    /// - Parameters:
    ///   - retryAfter: the `Retry-After` header (seconds or an HTTP date), when there was one.
    ///   - now: the time an HTTP-date `Retry-After` is counted from.
    public init(httpStatus: Int, retryAfter: String? = nil, location: String? = nil, body: [UInt8], now: Date = Date()) {
        let text = String(decoding: body, as: UTF8.self)
        self.init(outcome: .rejected, httpStatus: httpStatus, location: location, body: text)
        switch httpStatus {
        case 200...299:
            outcome = .delivered
        case 401:
            outcome = .retryLater(retryAfter: nil)
            reason = "HTTP 401: the platform refused the token"
        case 408, 429, 500...599:
            outcome = .retryLater(retryAfter: Self.delay(retryAfter, now: now))
            reason = "HTTP \(httpStatus)" + (Self.issues(in: body).map { ": " + $0 } ?? "")
        default:
            reason = "HTTP \(httpStatus)" + (Self.issues(in: body).map { ": " + $0 } ?? "")
        }
    }

    /// The issues of an OperationOutcome, one text (`error required: Patient.identifier: …`),
    /// errors and fatals first; `nil` when the body is no OperationOutcome.
    public static func issues(in body: [UInt8]) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
            object["resourceType"] as? String == "OperationOutcome", let issues = object["issue"] as? [[String: Any]]
        else { return nil }
        let severe = issues.filter { ["error", "fatal"].contains($0["severity"] as? String) }
        let texts = (severe.isEmpty ? issues : severe).map { issue in
            var text = [issue["severity"] as? String, issue["code"] as? String].compactMap { $0 }.joined(separator: " ")
            let location = ((issue["expression"] as? [String]) ?? (issue["location"] as? [String]))?.joined(separator: ", ")
            let details = issue["diagnostics"] as? String ?? ((issue["details"] as? [String: Any])?["text"] as? String)
            if let location { text += (text.isEmpty ? "" : " ") + "at \(location)" }
            if let details { text += (text.isEmpty ? "" : ": ") + details }
            return text
        }
        return texts.isEmpty ? nil : texts.joined(separator: "; ")
    }

    /// `Retry-After` as a delay: seconds, or an HTTP date.
    static func delay(_ header: String?, now: Date) -> Duration? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        if let seconds = Int(header) { return seconds >= 0 ? .seconds(seconds) : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: header) else { return nil }
        return .seconds(max(0, Int(date.timeIntervalSince(now).rounded(.up))))
    }

    /// Outcome, status and reason (the reason holds the platform's diagnostics, not the content).
    public var description: String {
        var parts = ["\(outcome)"]
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        if let reason { parts.append(reason) }
        return "PlatformResult(" + parts.joined(separator: ", ") + ")"
    }
}
