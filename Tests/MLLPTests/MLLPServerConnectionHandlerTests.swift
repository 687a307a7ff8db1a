import NIOCore
import NIOEmbedded
import Testing

@testable import MLLP

/// The idle and drain logic of the server's connection handler, on a virtual clock.
@Suite("MLLP server connection handler")
struct MLLPServerConnectionHandlerTests {
    static func activeChannel(idleTimeout: TimeAmount? = .seconds(5)) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: MLLPServerConnectionHandler(idleTimeout: idleTimeout))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2575)).wait()
        channel.read()  // the server turns reading on once the connection's task is ready
        return channel
    }

    static let frame = MLLPFrame(payload: ByteBuffer(string: "MSH|"))

    @Test("a connection with no frame outstanding is closed after the idle timeout")
    func idle() throws {
        let channel = try Self.activeChannel()
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test("the idle clock starts at the first read, not while the connection waits for its task")
    func idleClockStartsAtFirstRead() throws {
        let channel = EmbeddedChannel(handler: MLLPServerConnectionHandler(idleTimeout: .seconds(5)))
        try channel.setOption(.autoRead, value: false).wait()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2575)).wait()
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        channel.read()
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test("a frame awaiting its answer keeps the connection open; the idle clock restarts after the answer")
    func busyIsNotIdle() throws {
        let channel = try Self.activeChannel()
        try channel.writeInbound(Self.frame)
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        try channel.writeOutbound(ByteBuffer(string: "ACK"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test("no idle timeout keeps an idle connection open")
    func noTimeout() throws {
        let channel = try Self.activeChannel(idleTimeout: nil)
        channel.embeddedEventLoop.advanceTime(by: .hours(1))
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test("draining closes at once when nothing is outstanding")
    func drainIdle() throws {
        let channel = try Self.activeChannel()
        channel.pipeline.triggerUserOutboundEvent(MLLPServerConnectionHandler.Drain(), promise: nil)
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive)
    }

    @Test("draining waits for every outstanding frame's answer, then closes")
    func drainBusy() throws {
        let channel = try Self.activeChannel()
        try channel.writeInbound(Self.frame)
        try channel.writeInbound(Self.frame)
        channel.pipeline.triggerUserOutboundEvent(MLLPServerConnectionHandler.Drain(), promise: nil)
        channel.embeddedEventLoop.run()
        #expect(channel.isActive)
        try channel.writeOutbound(ByteBuffer(string: "ACK1"))
        #expect(channel.isActive)
        try channel.writeOutbound(ByteBuffer(string: "ACK2"))
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "ACK1"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "ACK2"))
    }
}
