import MLLP
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@Suite("MLLP framing")
struct MLLPFrameDecoderTests {
    static func frame(_ payload: String, skipped: Int = 0) -> MLLPFrame {
        MLLPFrame(payload: ByteBuffer(string: payload), skippedBytes: skipped)
    }

    static func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test("decodes frames split at every position")
    func everySplit() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (Self.bytes("\u{0B}MSH|^~\\&|A\rPID|1\r\u{1C}\r"), [Self.frame("MSH|^~\\&|A\rPID|1\r")]),
                (Self.bytes("\u{0B}one\u{1C}\r\u{0B}two\u{1C}\r"), [Self.frame("one"), Self.frame("two")]),
                (Self.bytes("junk\r\n\u{0B}three\u{1C}\r"), [Self.frame("three", skipped: 6)]),
                (Self.bytes("\u{0B}\u{1C}\r"), [Self.frame("")]),
            ],
            decoderFactory: { MLLPFrameDecoder() })
    }

    @Test("a frame without the trailing carriage return still ends at 0x1C")
    func missingCarriageReturn() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (Self.bytes("\u{0B}one\u{1C}"), [Self.frame("one")]),
                (Self.bytes("\u{0B}two\u{1C}\r"), [Self.frame("two")]),
            ],
            decoderFactory: { MLLPFrameDecoder() })
    }

    @Test("bytes outside frames are skipped and counted")
    func garbage() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MLLPFrameDecoder()))
        try channel.writeInbound(Self.bytes("garbage"))
        try channel.writeInbound(Self.bytes("more\u{0B}first\u{1C}\r\n\n"))
        try channel.writeInbound(Self.bytes("x\u{0B}sec"))
        try channel.writeInbound(Self.bytes("ond\u{1C}\rtrailing"))
        #expect(try channel.readInbound(as: MLLPFrame.self) == Self.frame("first", skipped: 11))
        #expect(try channel.readInbound(as: MLLPFrame.self) == Self.frame("second", skipped: 3))
        #expect(try channel.readInbound(as: MLLPFrame.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test("an oversized frame is reported once with its length and a prefix, and decoding goes on")
    func oversized() throws {
        let decoder = MLLPFrameDecoder(maximumFrameLength: 10)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        let payload = String(repeating: "A", count: 45)
        let encoded = Array(("\u{0B}" + payload + "\u{1C}\r\u{0B}small\u{1C}\r").utf8)
        for chunk in stride(from: 0, to: encoded.count, by: 7) {
            try channel.writeInbound(ByteBuffer(bytes: encoded[chunk..<min(chunk + 7, encoded.count)]))
        }
        let first = try #require(try channel.readInbound(as: MLLPFrame.self))
        #expect(first.isOversized)
        #expect(first.length == 45)
        #expect(first.payload == Self.bytes(String(repeating: "A", count: 10)))
        #expect(try channel.readInbound(as: MLLPFrame.self) == Self.frame("small"))
        #expect(try channel.readInbound(as: MLLPFrame.self) == nil)
    }

    @Test("an oversized frame whose end arrives in the same read is reported too")
    func oversizedInOneRead() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MLLPFrameDecoder(maximumFrameLength: 3)))
        try channel.writeInbound(Self.bytes("\u{0B}ABCDEF\u{1C}\r\u{0B}ok\u{1C}\r"))
        let first = try #require(try channel.readInbound(as: MLLPFrame.self))
        #expect(first == MLLPFrame(payload: Self.bytes("ABC"), length: 6, isOversized: true))
        #expect(try channel.readInbound(as: MLLPFrame.self) == Self.frame("ok"))
    }

    @Test("a frame cut off by the end of the stream is dropped")
    func truncated() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MLLPFrameDecoder()))
        try channel.writeInbound(Self.bytes("\u{0B}whole\u{1C}\r\u{0B}part"))
        #expect(try channel.readInbound(as: MLLPFrame.self) == Self.frame("whole"))
        _ = try channel.finish()
        #expect(try channel.readInbound(as: MLLPFrame.self) == nil)
    }

    @Test("the encoder wraps a payload in start and end blocks")
    func encoder() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(MLLPFrameEncoder()))
        try channel.writeOutbound(Self.bytes("MSH|x"))
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(written.readableBytesView) == [0x0B] + Array("MSH|x".utf8) + [0x1C, 0x0D])
        #expect(try channel.finish().isClean)
    }
}
