import HL7v2
public import MLLP
public import Store

/// Delivers entries to an HL7 system over MLLP, through one ``MLLP/MLLPClient`` (one reused
/// connection, reconnected after failures).
///
/// The acknowledgement decides: AA/CA delivered, AE/CE retry, AR/CR dead letter (see
/// ``DeliveryVerdict/init(acknowledgment:)``). No answer in time, a lost or refused connection,
/// or an acknowledgement of another message are retried — the message may have arrived, and
/// destinations dedupe by control ID. A payload that is not an HL7 message, or an answer larger
/// than the client accepts, is rejected: sending it again cannot help.
public struct MLLPDestination: Destination {
    let client: MLLPClient

    /// Creates a destination sending through `client`.
    public init(client: MLLPClient) {
        self.client = client
    }

    public func deliver(_ lease: Lease) async -> DeliveryResult {
        let message: Message
        do {
            message = try Message(lease.payload)
        } catch {
            return DeliveryResult(verdict: .reject(reason: "the payload is not an HL7 message"), error: "\(error)")
        }
        do {
            let acknowledgment = try await client.send(message)
            let verdict = DeliveryVerdict(acknowledgment: acknowledgment.code)
            return DeliveryResult(
                verdict: verdict,
                responseCode: acknowledgment.code.rawValue,
                response: acknowledgment.message.encoded(),
                error: verdict == .delivered ? nil : "acknowledged \(acknowledgment.code)"
            )
        } catch {
            let verdict: DeliveryVerdict
            switch error.code {
            case .responseTimeout: verdict = .timedOut
            case .frameTooLarge: verdict = .reject(reason: "the acknowledgement is larger than the client accepts (maximum-message-size)")
            default: verdict = .retry(reason: "MLLP \(error.code)", retryAfter: nil)
            }
            return DeliveryResult(verdict: verdict, responseCode: error.code.description, error: error.description)
        }
    }
}
