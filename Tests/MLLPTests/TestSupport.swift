import Foundation
import HL7v2
import Logging
import MLLP
import MLLPTesting
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Testing

/// Shared helpers for the MLLP tests.
enum TestSupport {
    static let logger = Logger(label: "mllp-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// An ADT^A01 with the given control ID.
    static func message(_ controlID: String) throws -> Message {
        try Message(
            "MSH|^~\\&|HIS|HOSP|LT|LT|20260101120000||ADT^A01|\(controlID)|P|2.5\rPID|1||12345^^^HOSP^MR||NGUYEN^AN\r")
    }

    /// A handler that answers AA to anything it can parse, AR otherwise.
    static func acknowledge(_ request: MLLPRequest) -> ByteBuffer {
        if let message = try? Message(request.payload.readableBytesView), !request.isOversized {
            return ByteBuffer(bytes: message.acknowledgment(code: .aa).encoded())
        }
        let error = ParseError(.segmentSequence, at: Location(segment: "MSH"), "frame rejected")
        return ByteBuffer(bytes: Message.acknowledgment(forUnparsable: request.payload.readableBytesView, error: error).encoded())
    }

    static func fixture(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
        return url.path
    }

    /// Runs a server on 127.0.0.1 (port 0) in a service group around `body`, then shuts it
    /// down gracefully and waits for it to return.
    static func withServer(
        _ configure: (inout MLLPServer.Configuration) throws -> Void = { _ in },
        handler: @escaping MLLPServer.Handler = { acknowledge($0) },
        _ body: (_ port: Int, _ group: ServiceGroup) async throws -> Void
    ) async throws {
        var configuration = MLLPServer.Configuration(port: 0, idleTimeout: .seconds(30))
        try configure(&configuration)
        try await withMLLPTestServer(configuration: configuration, logger: logger, handler: handler, body)
    }

    /// A raw connection: writes bytes as they are, reads decoded frames.
    ///
    /// - Parameter greeting: bytes written by the event loop as soon as the connection is up,
    ///   so they reach the server however busy the test's own tasks are.
    static func rawConnection(port: Int, greeting: ByteBuffer? = nil) async throws -> NIOAsyncChannel<MLLPFrame, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let greeting {
                        try channel.pipeline.syncOperations.addHandler(Greeter(greeting: greeting))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MLLPFrameDecoder()))
                    return try NIOAsyncChannel<MLLPFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    static func framed(_ message: Message) -> ByteBuffer {
        var buffer = ByteBuffer()
        MLLPFrame.write(payload: ByteBuffer(bytes: message.encoded()), to: &buffer)
        return buffer
    }

    /// Runs `operation`, failing the test if it has not finished within `seconds` (a liveness
    /// bound against hangs, not a timing assertion).
    static func within<T: Sendable>(
        seconds: Int = 60, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw TimedOut()
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    struct TimedOut: Error {}
}

/// A thread-safe list, for what handlers saw.
final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    func append(_ item: Element) { items.withLock { $0.append(item) } }
    var all: [Element] { items.withLock { $0 } }
}

/// Writes its bytes when the channel becomes active, from the event loop.
private final class Greeter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let greeting: ByteBuffer

    init(greeting: ByteBuffer) {
        self.greeting = greeting
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(greeting), promise: nil)
        context.fireChannelActive()
    }
}
