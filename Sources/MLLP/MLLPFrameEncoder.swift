public import NIOCore

/// Wraps each outbound payload in an MLLP frame (`0x0B` payload `0x1C 0x0D`).
///
/// Add it to a pipeline with `MessageToByteHandler(MLLPFrameEncoder())`.
public struct MLLPFrameEncoder: MessageToByteEncoder, Sendable {
    /// The payload of one frame.
    public typealias OutboundIn = ByteBuffer

    /// Creates an encoder.
    public init() {}

    /// Writes `data` as one frame to `out`.
    public func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
        MLLPFrame.write(payload: data, to: &out)
    }
}
