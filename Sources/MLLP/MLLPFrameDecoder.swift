public import Logging
public import NIOCore

/// Splits an MLLP byte stream into ``MLLPFrame``s.
///
/// A frame is `0x0B` payload `0x1C 0x0D`. The decoder
/// - keeps partial frames across reads and never rescans bytes it has already searched (it keeps
///   its scan offset, as NIOExtras' `LineBasedFrameDecoder` does);
/// - skips bytes outside a frame, counts them in ``MLLPFrame/skippedBytes`` of the next frame and
///   logs the count at debug level;
/// - reports a frame whose payload is longer than `maximumFrameLength` as an oversized frame
///   (``MLLPFrame/isOversized``) once its end block arrives, keeping only its first
///   ``oversizedPrefixLength`` bytes and dropping the rest as they arrive, so memory stays bounded;
/// - ends a frame at `0x1C` and consumes the `0x0D` that follows it; a sender that omits the
///   `0x0D` is still understood, and its next frame is not delayed.
///
/// ```swift
/// try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MLLPFrameDecoder(logger: logger)))
/// ```
public struct MLLPFrameDecoder: ByteToMessageDecoder {
    /// The decoded frame.
    public typealias InboundOut = MLLPFrame

    /// The default limit on a frame's payload: 10 MiB.
    public static let defaultMaximumFrameLength = 10 * 1024 * 1024
    /// How many leading bytes of an oversized frame are kept (at most the limit).
    public static let oversizedPrefixLength = 4096

    private enum State {
        /// Looking for a start block.
        case outside
        /// Inside a frame whose bytes are kept; `scanned` bytes were already searched.
        case inFrame(scanned: Int)
        /// Inside an oversized frame: `length` payload bytes were seen, `prefix` kept.
        case discarding(length: Int, prefix: ByteBuffer)
    }

    /// The largest payload kept, in bytes.
    public let maximumFrameLength: Int
    private let logger: Logger
    private var state: State = .outside
    /// Skipped bytes not yet reported with a frame.
    private var skipped = 0
    /// Whether the previous frame ended with `0x1C` whose `0x0D` is still to be consumed.
    private var expectingCarriageReturn = false

    /// Creates a decoder.
    ///
    /// - Parameters:
    ///   - maximumFrameLength: the largest payload kept; longer frames are reported oversized.
    ///   - logger: where skipped bytes and truncated frames are logged (debug level, counts only).
    public init(maximumFrameLength: Int = MLLPFrameDecoder.defaultMaximumFrameLength, logger: Logger = Logger(label: "lienthong.mllp")) {
        precondition(maximumFrameLength > 0, "maximumFrameLength must be positive")
        self.maximumFrameLength = maximumFrameLength
        self.logger = logger
    }

    /// Fires every complete frame in `buffer`.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = nextFrame(in: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    /// Fires the remaining complete frames and drops (and logs) a frame cut off by the end of
    /// the stream.
    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while let frame = nextFrame(in: &buffer) {
            context.fireChannelRead(Self.wrapInboundOut(frame))
        }
        var unfinished = buffer.readableBytes
        if case .discarding(let length, _) = state { unfinished += length }
        if unfinished > 0 || skipped > 0 {
            logger.debug(
                "MLLP stream ended outside a complete frame",
                metadata: ["mllp.unfinished_bytes": "\(unfinished)", "mllp.skipped_bytes": "\(skipped)"])
        }
        buffer.moveReaderIndex(to: buffer.writerIndex)
        state = .outside
        skipped = 0
        return .needMoreData
    }

    /// Reads the next complete frame from `buffer`, or returns `nil` when more bytes are needed.
    /// Bytes that are searched and not part of a kept frame are consumed.
    mutating func nextFrame(in buffer: inout ByteBuffer) -> MLLPFrame? {
        while true {
            if expectingCarriageReturn {
                guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
                if first == MLLPFrame.carriageReturn { buffer.moveReaderIndex(forwardBy: 1) }
                expectingCarriageReturn = false
            }
            switch state {
            case .outside:
                let view = buffer.readableBytesView
                guard let start = view.firstIndex(of: MLLPFrame.startBlock) else {
                    skipped += view.count
                    buffer.moveReaderIndex(to: buffer.writerIndex)
                    return nil
                }
                let garbage = start - view.startIndex
                if garbage > 0 || skipped > 0 {
                    skipped += garbage
                    logger.debug("Skipped bytes outside MLLP frames", metadata: ["mllp.skipped_bytes": "\(skipped)"])
                }
                buffer.moveReaderIndex(forwardBy: garbage + 1)
                state = .inFrame(scanned: 0)

            case .inFrame(let scanned):
                let view = buffer.readableBytesView
                if let end = view.dropFirst(scanned).firstIndex(of: MLLPFrame.endBlock) {
                    let length = end - view.startIndex
                    let frame: MLLPFrame
                    if length > maximumFrameLength {
                        frame = MLLPFrame(
                            payload: prefix(of: view), length: length, isOversized: true, skippedBytes: skipped)
                    } else {
                        frame = MLLPFrame(payload: buffer.getSlice(at: buffer.readerIndex, length: length)!, skippedBytes: skipped)
                    }
                    buffer.moveReaderIndex(forwardBy: length + 1)
                    finishFrame()
                    return frame
                }
                if view.count > maximumFrameLength {
                    state = .discarding(length: view.count, prefix: prefix(of: view))
                    buffer.moveReaderIndex(to: buffer.writerIndex)
                } else {
                    state = .inFrame(scanned: view.count)
                }
                return nil

            case .discarding(let length, let prefix):
                let view = buffer.readableBytesView
                guard let end = view.firstIndex(of: MLLPFrame.endBlock) else {
                    state = .discarding(length: length + view.count, prefix: prefix)
                    buffer.moveReaderIndex(to: buffer.writerIndex)
                    return nil
                }
                let tail = end - view.startIndex
                buffer.moveReaderIndex(forwardBy: tail + 1)
                let frame = MLLPFrame(payload: prefix, length: length + tail, isOversized: true, skippedBytes: skipped)
                finishFrame()
                return frame
            }
        }
    }

    private mutating func finishFrame() {
        state = .outside
        skipped = 0
        expectingCarriageReturn = true
    }

    /// A copy (not a slice, which would keep the whole buffer alive) of the first bytes of an
    /// oversized frame.
    private func prefix(of view: ByteBufferView) -> ByteBuffer {
        ByteBuffer(bytes: view.prefix(min(Self.oversizedPrefixLength, maximumFrameLength)))
    }
}

@available(*, unavailable)
extension MLLPFrameDecoder: Sendable {}
