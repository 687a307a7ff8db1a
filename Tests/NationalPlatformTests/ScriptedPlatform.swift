import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A tiny in-process token endpoint and FHIR endpoint whose answers a test scripts, keeping
/// every request it gets.
final class ScriptedPlatform: Sendable {
    struct Received: Sendable {
        var path: String
        var headers: [String: String]
        var body: String
    }

    struct Scripted: Sendable {
        var status: Int
        var body: String
        var headers: [String: String] = [:]
    }

    struct State {
        var tokensIssued = 0
        var refusedTokens: Set<String> = []
        var answers: [Scripted] = []
        var tokenRequests: [Received] = []
        var requests: [Received] = []
    }

    let state = Mutex(State())

    /// Answers the next FHIR requests with these, in order (afterwards: 201 with a transaction-response).
    func script(_ answers: Scripted...) { state.withLock { $0.answers += answers } }
    /// Answers 401 to requests carrying one of the tokens issued so far.
    func refuseIssuedTokens() {
        state.withLock { state in state.refusedTokens.formUnion((0..<state.tokensIssued).map { number in "token-\(number + 1)" }) }
    }
    /// Answers 401 to every token, also the ones issued later.
    func refuseAllTokens() {
        state.withLock { state in state.refusedTokens.formUnion((1...100).map { number in "token-\(number)" }) }
    }

    var tokenRequests: [Received] { state.withLock { $0.tokenRequests } }
    var requests: [Received] { state.withLock { $0.requests } }

    static func received(_ request: Request, path: String) async -> Received {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let body = (try? await request.body.collect(upTo: 16 * 1024 * 1024)).map { String(buffer: $0) } ?? ""
        return Received(path: path, headers: headers, body: body)
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/oauth/token") { request, _ in
            let received = await Self.received(request, path: "/oauth/token")
            let token = self.state.withLock { state in
                state.tokenRequests.append(received)
                state.tokensIssued += 1
                return "token-\(state.tokensIssued)"
            }
            return Self.response(Scripted(status: 200, body: #"{"access_token":"\#(token)","token_type":"Bearer","expires_in":3600}"#))
        }
        let fhir: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let received = await Self.received(request, path: request.uri.path)
            let answer: Scripted = self.state.withLock { state in
                state.requests.append(received)
                let bearer = received.headers["authorization"].map { String($0.dropFirst("Bearer ".count)) } ?? ""
                if state.refusedTokens.contains(bearer) || bearer.isEmpty {
                    return Scripted(status: 401, body: "")
                }
                if !state.answers.isEmpty { return state.answers.removeFirst() }
                return Scripted(
                    status: 200,
                    body: #"{"resourceType":"Bundle","type":"transaction-response","entry":[{"response":{"status":"201 Created","location":"Patient/1/_history/1"}}]}"#)
            }
            return Self.response(answer)
        }
        router.post("/fhir", use: fhir)
        router.post("/fhir/{type}", use: fhir)
        return router
    }

    static func response(_ scripted: Scripted) -> Response {
        var headers: HTTPFields = [.contentType: "application/fhir+json"]
        for (name, value) in scripted.headers { headers[HTTPField.Name(name)!] = value }
        return Response(status: HTTPResponse.Status(code: scripted.status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: scripted.body)))
    }

    /// Runs the endpoints on a free port around `body`, which gets the base URL.
    func withRunning<Result: Sendable>(_ body: (URL) async throws -> Result) async throws -> Result {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router(), configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await application.runService(gracefulShutdownSignals: [])
                continuation.finish()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), let url = URL(string: "http://127.0.0.1:\(port)") else {
                group.cancelAll()
                throw CancellationError()
            }
            defer { group.cancelAll() }
            return try await body(url)
        }
    }
}
