import Foundation
import HL7v2
import Testing
@testable import Bus

@Suite struct DeliveryVerdictTests {
    @Test func acknowledgementCodes() {
        #expect(DeliveryVerdict(acknowledgment: .aa) == .delivered)
        #expect(DeliveryVerdict(acknowledgment: .ca) == .delivered)
        guard case .retry = DeliveryVerdict(acknowledgment: .ae) else { Issue.record("AE retries"); return }
        guard case .retry = DeliveryVerdict(acknowledgment: .ce) else { Issue.record("CE retries"); return }
        guard case .reject = DeliveryVerdict(acknowledgment: .ar) else { Issue.record("AR rejects"); return }
        guard case .reject = DeliveryVerdict(acknowledgment: .cr) else { Issue.record("CR rejects"); return }
        guard case .retry = DeliveryVerdict.timedOut else { Issue.record("timeout retries"); return }
    }

    @Test func httpStatuses() {
        #expect(DeliveryVerdict(httpStatus: 200) == .delivered)
        #expect(DeliveryVerdict(httpStatus: 204) == .delivered)
        for status in [408, 429, 500, 502, 503] {
            guard case .retry = DeliveryVerdict(httpStatus: status) else { Issue.record("\(status) retries"); continue }
        }
        for status in [400, 401, 404, 409, 422] {
            guard case .reject = DeliveryVerdict(httpStatus: status) else { Issue.record("\(status) rejects"); continue }
        }
    }

    @Test func retryAfterSecondsAndDate() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(DeliveryVerdict(httpStatus: 503, retryAfter: "120", now: now) == .retry(reason: "HTTP 503", retryAfter: .seconds(120)))
        #expect(DeliveryVerdict(httpStatus: 429, retryAfter: "Wed, 21 Oct 2015 07:29:00 GMT", now: now) == .retry(reason: "HTTP 429", retryAfter: .seconds(60)))
        #expect(DeliveryVerdict(httpStatus: 503, retryAfter: "soon", now: now) == .retry(reason: "HTTP 503", retryAfter: nil))
    }
}
