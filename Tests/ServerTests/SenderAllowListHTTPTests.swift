import AsyncHTTPClient
import Bus
import FHIR
import Foundation
import Logging
import MLLP
import MLLPTesting
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import Store
import Testing
@testable import Server

/// Sender allow-lists on the HTTP listener, over real sockets: a FHIR channel's list (address,
/// certificate subject over mutual TLS) answers 403 and stores nothing; the listener's own list
/// refuses every path; a replaced endpoint (what a reload does) changes the list.
@Suite(.timeLimit(.minutes(3))) struct SenderAllowListHTTPTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let validator = Validator.standard(definitions: .r4)
    static let patient = #"{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">P</div>"},"gender":"male"}"#
    static let allowedSubject = "CN=his.bvdk-tinh.vn,O=BVDK Tinh,C=VN"

    /// The listener and what it stores.
    struct Running {
        let port: Int
        let store: SQLiteStore
        let table: FHIREndpointTable
        let endpoint: FHIREndpoint

        /// Serves the channel with another allow-list, as a reload does.
        func replaceAllowList(_ allow: SenderAllowList?) {
            var replaced = endpoint
            replaced.allow = allow
            table.replace(with: [replaced])
        }

        func storedCount() async throws -> Int {
            try await store.messages(matching: MessageQuery(), after: nil, limit: 100).count
        }
    }

    /// Runs an HTTP listener on 127.0.0.1 with one FHIR channel `fhir` at `/fhir` allowing
    /// `allow`, around `body`.
    func withListener(
        tls: MLLPTLSConfiguration? = nil, listenerAllow: SenderAllowList? = nil, allow: SenderAllowList?,
        _ body: (Running) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-allow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(configuration: .init(path: folder.appendingPathComponent("bus.sqlite").path), logger: Self.logger)
        let intake = FHIRIntake(store: store, validator: Self.validator, logger: Self.logger)
        var endpoint = FHIREndpoint(channel: "fhir", path: "/fhir", intake: intake)
        endpoint.allow = allow
        let table = FHIREndpointTable([endpoint])
        var configuration = HTTPListenerConfiguration(host: "127.0.0.1", port: 0)
        configuration.tls = tls
        configuration.allow = listenerAllow
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = HTTPServer(configuration: configuration, endpointTable: table, logger: Self.logger) { _, port in continuation.yield(port) }
        let group = ServiceGroup(services: [server], logger: Self.logger)
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                try await body(Running(port: port, store: store, table: table, endpoint: endpoint))
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try store.close()
    }

    /// POSTs a Patient to `/fhir/Patient`; the status and the body.
    func post(port: Int, scheme: String = "http", tls: TLSConfiguration? = nil, path: String = "/fhir/Patient") async throws -> (Int, String) {
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            var request = HTTPClientRequest(url: "\(scheme)://127.0.0.1:\(port)\(path)")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/fhir+json")
            request.body = .bytes(ByteBuffer(string: Self.patient))
            let response = try await client.execute(request, timeout: .seconds(60))
            let body = try await response.body.collect(upTo: 1 << 20)
            try await client.shutdown()
            return (Int(response.status.code), String(buffer: body))
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    func clientTLS(_ authority: TestCertificateAuthority, _ files: (certificate: String, key: String)) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(authority.certificateFile))
        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(files.certificate).map { .certificate($0) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: files.key, format: .pem))
        return tls
    }

    @Test func aFHIRChannelRefusesAnAddressNotAllowedAndStoresNothing() async throws {
        let allow = SenderAllowList(addresses: [try AddressRange("127.0.0.2/32")])
        try await withListener(allow: allow) { running in
            let (status, body) = try await post(port: running.port)
            #expect(status == 403)
            #expect(body.contains("\"forbidden\""), "\(body)")
            #expect(body.contains("OperationOutcome"))
            #expect(try await running.storedCount() == 0)

            // A reload replaces the endpoint with a wider list: the next request is stored.
            running.replaceAllowList(SenderAllowList(addresses: [try AddressRange("127.0.0.0/8")]))
            let (allowed, _) = try await post(port: running.port)
            #expect(allowed == 202)
            #expect(try await running.storedCount() == 1)
        }
    }

    @Test func overMutualTLSOnlyTheAllowedSubjectIsStored() async throws {
        let authority = try TestCertificateAuthority()
        defer { authority.remove() }
        let server = try authority.server()
        let tls = try MLLPTLSConfiguration.server(
            certificateChainFile: server.certificate, privateKeyFile: server.key, clientCertificateAuthorityFile: authority.certificateFile)
        let allow = SenderAllowList(clientSubjects: [try ClientSubject(Self.allowedSubject)])
        let his = try clientTLS(authority, try authority.client(commonName: "his.bvdk-tinh.vn", organization: "BVDK Tinh"))
        let lis = try clientTLS(authority, try authority.client(commonName: "lis.bvdk-tinh.vn", organization: "BVDK Tinh"))
        try await withListener(tls: tls, allow: allow) { running in
            let (refused, body) = try await post(port: running.port, scheme: "https", tls: lis)
            #expect(refused == 403)
            #expect(body.contains("\"forbidden\""), "\(body)")
            #expect(try await running.storedCount() == 0)
            let (allowed, _) = try await post(port: running.port, scheme: "https", tls: his)
            #expect(allowed == 202)
            #expect(try await running.storedCount() == 1)
        }
    }

    @Test func theListenersOwnListRefusesEveryPath() async throws {
        let listenerAllow = SenderAllowList(addresses: [try AddressRange("10.0.0.0/8")])
        try await withListener(listenerAllow: listenerAllow, allow: nil) { running in
            let (status, body) = try await post(port: running.port)
            #expect(status == 403)
            #expect(body.contains("\"error\""), "\(body)")
            let (other, _) = try await post(port: running.port, path: "/admin/reload")
            #expect(other == 403)
            #expect(try await running.storedCount() == 0)
        }
    }

    @Test func withoutAListEveryoneIsServedOverHTTPS() async throws {
        let authority = try TestCertificateAuthority()
        defer { authority.remove() }
        let server = try authority.server()
        let tls = try MLLPTLSConfiguration.server(certificateChainFile: server.certificate, privateKeyFile: server.key)
        var client = TLSConfiguration.makeClientConfiguration()
        client.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(authority.certificateFile))
        try await withListener(tls: tls, allow: nil) { running in
            let (status, _) = try await post(port: running.port, scheme: "https", tls: client)
            #expect(status == 202)
            #expect(try await running.storedCount() == 1)
        }
    }
}
