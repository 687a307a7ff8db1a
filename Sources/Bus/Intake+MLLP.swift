public import Foundation
import HL7v2
import Logging
public import MLLP
public import NIOCore
import Store

extension Intake {
    /// Answers one frame of an ``MLLP/MLLPServer``: stores it, then returns the acknowledgement.
    ///
    /// A frame over the listener's size limit is answered `AR` (`CR` in enhanced mode) with an
    /// ERR segment (condition 207, "message too large"); its first bytes are stored as a
    /// rejected message (reason `oversized`) so the sender can be found.
    public func handle(_ request: MLLPRequest, channel: String, receivedAt: Date = Date()) async -> ByteBuffer {
        let bytes = Array(request.payload.readableBytesView)
        guard request.isOversized else {
            return ByteBuffer(bytes: await receive(bytes, channel: channel, receivedAt: receivedAt).acknowledgment)
        }
        return ByteBuffer(bytes: await reject(oversized: bytes, length: request.length, channel: channel, receivedAt: receivedAt))
    }

    private func reject(oversized prefix: [UInt8], length: Int, channel: String, receivedAt: Date) async -> [UInt8] {
        // Only the header is read: the first segment of the kept bytes.
        let headerEnd = prefix.firstIndex(where: { $0 == 0x0D || $0 == 0x0A }) ?? prefix.endIndex
        let header = (try? Message(prefix[..<headerEnd])).map { Self.header(of: $0, patientIDPath: nil) } ?? MessageHeader()
        var metadata = Self.metadata(header, channel: channel)
        metadata["mllp.frame_length"] = "\(length)"
        do {
            let incoming = IncomingMessage(channel: channel, raw: prefix, header: header, receivedAt: receivedAt, rejection: .oversized)
            _ = try await metrics.timing(.receive) { try await store.receive(incoming, deduplicationWindow: .zero) }
            logger.notice("rejected a message over the size limit", metadata: metadata)
            metrics.received(channel: channel, header: header, outcome: .rejected)
        } catch {
            metadata["error"] = "\(String(describing: error))"
            logger.error("could not store the start of an oversized message", metadata: metadata)
            metrics.received(channel: channel, header: header, outcome: .error)
        }
        let error = ParseError(.messageTooLarge, at: Location(), "the message is \(length) bytes long, over this listener's limit")
        return Message.acknowledgment(forUnparsable: prefix[..<headerEnd], error: error, timestamp: receivedAt).encoded()
    }
}
