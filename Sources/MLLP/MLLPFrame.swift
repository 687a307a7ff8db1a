public import NIOCore

/// One MLLP frame read from a connection: the bytes between the start block `0x0B` and the end
/// block `0x1C 0x0D`, or the report of a frame that was too large to keep.
///
/// ```swift
/// for try await frame in inbound {
///     if frame.isOversized { … answer AR … } else { let message = try Message(frame.payload.readableBytesView) }
/// }
/// ```
public struct MLLPFrame: Hashable, Sendable {
    /// The frame's payload, without the start and end blocks.
    ///
    /// For an oversized frame this holds only the first bytes (at most
    /// ``MLLPFrameDecoder/oversizedPrefixLength``), so that a receiver can still read the MSH
    /// segment and answer with an acknowledgment that names the message.
    public var payload: ByteBuffer
    /// The payload's length in bytes (for an oversized frame, the whole length that was dropped).
    public var length: Int
    /// Whether the frame was larger than the decoder's limit; its bytes were dropped.
    public var isOversized: Bool
    /// How many bytes outside any frame were skipped just before this frame.
    public var skippedBytes: Int

    /// Creates a frame.
    ///
    /// - Parameters:
    ///   - payload: the payload (or, for an oversized frame, its first bytes).
    ///   - length: the payload's length; `nil` means `payload.readableBytes`.
    ///   - isOversized: whether the frame exceeded the limit.
    ///   - skippedBytes: bytes skipped before the frame's start block.
    public init(payload: ByteBuffer, length: Int? = nil, isOversized: Bool = false, skippedBytes: Int = 0) {
        self.payload = payload
        self.length = length ?? payload.readableBytes
        self.isOversized = isOversized
        self.skippedBytes = skippedBytes
    }
}

extension MLLPFrame {
    /// The start block, `0x0B` (vertical tab).
    public static let startBlock: UInt8 = 0x0B
    /// The first byte of the end block, `0x1C` (file separator).
    public static let endBlock: UInt8 = 0x1C
    /// The second byte of the end block, `0x0D` (carriage return).
    public static let carriageReturn: UInt8 = 0x0D

    /// Writes `payload` wrapped in the start and end blocks to `buffer`.
    ///
    /// ```swift
    /// var out = ByteBuffer()
    /// MLLPFrame.write(payload: ByteBuffer(bytes: message.encoded()), to: &out)
    /// ```
    public static func write(payload: ByteBuffer, to buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: payload.readableBytes + 3)
        buffer.writeInteger(startBlock)
        var payload = payload
        buffer.writeBuffer(&payload)
        buffer.writeInteger(endBlock)
        buffer.writeInteger(carriageReturn)
    }
}
