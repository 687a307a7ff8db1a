public import Foundation
public import HL7v2

/// What a destination's answer means for a queue entry: delivered, worth another try, or
/// rejected for good.
public enum DeliveryVerdict: Hashable, Sendable {
    /// The destination took the message.
    case delivered
    /// A transient failure; try again, not before `retryAfter` when the destination said so.
    case retry(reason: String, retryAfter: Duration?)
    /// The destination refused the message; retrying cannot help.
    case reject(reason: String)

    /// The verdict for an HL7 acknowledgement code from an MLLP destination: AA/CA delivered,
    /// AE/CE retry, AR/CR reject. Unknown codes are retried (and show up in the attempt history).
    public init(acknowledgment code: Acknowledgment.Code) {
        switch code {
        case .aa, .ca: self = .delivered
        case .ae, .ce: self = .retry(reason: "application error (\(code))", retryAfter: nil)
        case .ar, .cr: self = .reject(reason: "rejected (\(code))")
        default: self = .retry(reason: "unknown acknowledgement code", retryAfter: nil)
        }
    }

    /// No answer in time. The message may have arrived, so it is sent again; destinations dedupe
    /// by control ID.
    public static let timedOut = DeliveryVerdict.retry(reason: "no response in time", retryAfter: nil)

    /// The verdict for an HTTP status: 2xx delivered; 408, 429 and 5xx retry (honouring
    /// `Retry-After`, in seconds or as an HTTP date); any other status rejects.
    public init(httpStatus status: Int, retryAfter: String? = nil, now: Date = Date()) {
        switch status {
        case 200...299:
            self = .delivered
        case 408, 429, 500...599:
            self = .retry(reason: "HTTP \(status)", retryAfter: retryAfter.flatMap { Self.parseRetryAfter($0, now: now) })
        default:
            self = .reject(reason: "HTTP \(status)")
        }
    }

    /// Parses `Retry-After`: delay-seconds or an IMF-fixdate (RFC 9110 §10.2.3).
    static func parseRetryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        guard let date = formatter.date(from: text) else { return nil }
        return .seconds(max(0, date.timeIntervalSince(now)))
    }
}
