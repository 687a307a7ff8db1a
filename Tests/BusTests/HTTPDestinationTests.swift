import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Store
import Synchronization
import Testing
@testable import Bus

/// A minimal HTTP/1.1 server on 127.0.0.1 for the tests: answers each request with the next
/// scripted response and records what it received.
final class ScriptedHTTPServer: Sendable {
    struct Received: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var body: [UInt8]
    }

    struct Response: Sendable {
        var status: HTTPResponseStatus
        var headers: [(String, String)] = []
        var body: String = ""
    }

    let requests = Mutex<[Received]>([])
    let script: Mutex<[Response]>

    init(script: [Response]) {
        self.script = Mutex(script)
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: ScriptedHTTPServer
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(server: ScriptedHTTPServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(let buffer):
                body += buffer.readableBytesView
            case .end:
                guard let head else { return }
                server.requests.withLock {
                    $0.append(Received(method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: body))
                }
                let response = server.script.withLock { $0.isEmpty ? Response(status: .ok) : $0.removeFirst() }
                var headers = HTTPHeaders(response.headers)
                headers.add(name: "Content-Length", value: "\(response.body.utf8.count)")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: response.status, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }

    /// Runs the server around `body`.
    func run(_ body: (_ port: Int) async throws -> Void) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(server: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(channel.localAddress?.port ?? 0)
        } catch {
            try? await channel.close()
            throw error
        }
        try await channel.close()
    }
}

@Suite struct HTTPDestinationTests {
    func lease(entry: Int64, payload: String) -> Lease {
        let now = Date()
        let entry = QueueEntry(
            id: EntryID(rawValue: entry), messageID: MessageID(rawValue: 1), destination: "api", orderingKey: nil, state: .leased,
            enqueuedAt: now, availableAt: now, attemptCount: 0, lastError: nil, isReplay: false, replayOf: nil, replacedBy: nil)
        return Lease(entry: entry, token: 1, expiresAt: now.addingTimeInterval(60), payload: Array(payload.utf8), header: MessageHeader(controlID: "H1"))
    }

    @Test func statusDecidesAndRequestsCarryTheEntrysIdempotencyKey() async throws {
        let server = ScriptedHTTPServer(script: [
            .init(status: .serviceUnavailable, headers: [("Retry-After", "7")], body: "busy"),
            .init(status: .created, body: "{\"ok\":true}"),
            .init(status: .badRequest, body: "no"),
            .init(status: .tooManyRequests),
        ])
        try await server.run { port in
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/hl7/in"))
            let destination = HTTPDestination(configuration: .init(url: url, headers: [(name: "Authorization", value: "Bearer t")], timeout: .seconds(60)))

            let first = await destination.deliver(lease(entry: 42, payload: "MSH|first"))
            #expect(first.verdict == .retry(reason: "HTTP 503", retryAfter: .seconds(7)))
            #expect(first.responseCode == "HTTP 503")
            #expect(first.response == Array("busy".utf8))

            let second = await destination.deliver(lease(entry: 42, payload: "MSH|first"))
            #expect(second.verdict == .delivered)
            #expect(second.error == nil)

            let third = await destination.deliver(lease(entry: 43, payload: "MSH|second"))
            #expect(third.verdict == .reject(reason: "HTTP 400"))

            let fourth = await destination.deliver(lease(entry: 44, payload: "MSH|third"))
            #expect(fourth.verdict == .retry(reason: "HTTP 429", retryAfter: nil))
        }
        let received = server.requests.withLock { $0 }
        #expect(received.count == 4)
        #expect(received.map(\.method) == ["POST", "POST", "POST", "POST"])
        #expect(received.map(\.uri) == ["/hl7/in", "/hl7/in", "/hl7/in", "/hl7/in"])
        #expect(received[0].body == Array("MSH|first".utf8))
        func header(_ name: String, _ request: ScriptedHTTPServer.Received) -> String? {
            request.headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
        // The same key for every attempt of one entry, another for another entry.
        #expect(received.map { header("Idempotency-Key", $0) } == ["42", "42", "43", "44"])
        #expect(header("Authorization", received[0]) == "Bearer t")
        #expect(header("Content-Type", received[0])?.hasPrefix("x-application/hl7-v2+er7") == true)
    }

    @Test func unreachableEndpointIsRetried() async throws {
        var port = 0
        let server = ScriptedHTTPServer(script: [])
        try await server.run { bound in port = bound }
        let destination = HTTPDestination(configuration: .init(url: try #require(URL(string: "http://127.0.0.1:\(port)/")), timeout: .seconds(2)))
        let result = await destination.deliver(lease(entry: 1, payload: "MSH|x"))
        guard case .retry = result.verdict else {
            Issue.record("expected a retry, got \(result.verdict)")
            return
        }
        #expect(result.error != nil)
    }
}
