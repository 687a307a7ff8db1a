import HL7v2
import MLLP
import NIOCore
import Testing

@Suite("MLLP over TLS", .timeLimit(.minutes(1)))
struct MLLPTLSTests {
    static func serverTLS(mutual: Bool) throws -> MLLPTLSConfiguration {
        try .server(
            certificateChainFile: TestSupport.fixture("server.pem"), privateKeyFile: TestSupport.fixture("server.key"),
            clientCertificateAuthorityFile: mutual ? TestSupport.fixture("ca.pem") : nil)
    }

    static func client(port: Int, certificate: String? = nil) throws -> MLLPClient {
        let tls = try MLLPTLSConfiguration.client(
            certificateAuthorityFile: TestSupport.fixture("ca.pem"),
            certificateChainFile: try certificate.map { try TestSupport.fixture("\($0).pem") },
            privateKeyFile: try certificate.map { try TestSupport.fixture("\($0).key") })
        return try MLLPClient(
            configuration: .init(host: "127.0.0.1", port: port, responseTimeout: .seconds(60), tls: tls),
            logger: TestSupport.logger)
    }

    @Test("a message round-trips over TLS")
    func roundTrip() async throws {
        let seen = Recorder<MLLPRequest>()
        try await TestSupport.withServer({ $0.tls = try Self.serverTLS(mutual: false) }, handler: { seen.append($0); return TestSupport.acknowledge($0) }) { port, _ in
            let client = try Self.client(port: port)
            #expect(try await client.send(TestSupport.message("TLS1")).code == .aa)
            #expect(try await client.send(TestSupport.message("TLS2")).acknowledgedControlID == "TLS2")
            await client.close()
        }
        #expect(seen.all.count == 2)
        #expect(seen.all.first?.connection.isTLS == true)
        #expect(seen.all.first?.connection.peerCertificateCommonName == nil)
    }

    @Test("with mutual TLS a client certificate is accepted and its name reaches the handler")
    func mutualTLS() async throws {
        let seen = Recorder<MLLPRequest>()
        try await TestSupport.withServer({ $0.tls = try Self.serverTLS(mutual: true) }, handler: { seen.append($0); return TestSupport.acknowledge($0) }) { port, _ in
            let client = try Self.client(port: port, certificate: "client")
            #expect(try await client.send(TestSupport.message("MTLS1")).code == .aa)
            await client.close()
        }
        #expect(seen.all.map(\.connection.peerCertificateCommonName) == ["lienthong-test-client"])
    }

    @Test("with mutual TLS a client without a valid certificate is refused", arguments: [nil, "rogue"])
    func mutualTLSRefusal(certificate: String?) async throws {
        let seen = Recorder<MLLPRequest>()
        try await TestSupport.withServer({ $0.tls = try Self.serverTLS(mutual: true) }, handler: { seen.append($0); return TestSupport.acknowledge($0) }) { port, _ in
            let client = try Self.client(port: port, certificate: certificate)
            let error = await #expect(throws: MLLPError.self) { try await client.send(TestSupport.message("NOCERT")) }
            #expect(error?.code == .connectionClosed || error?.code == .connectFailed)
            await client.close()
        }
        #expect(seen.all.isEmpty)
    }

    @Test("a client that does not trust the server's certificate refuses it")
    func untrustedServer() async throws {
        try await TestSupport.withServer({ $0.tls = try Self.serverTLS(mutual: false) }) { port, _ in
            let tls = try MLLPTLSConfiguration.client(certificateAuthorityFile: TestSupport.fixture("rogue.pem"))
            let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port, tls: tls), logger: TestSupport.logger)
            await #expect(throws: MLLPError.self) { try await client.send(TestSupport.message("UT1")) }
            await client.close()
        }
    }

    @Test("a missing PEM file is a tlsConfiguration error")
    func missingFile() {
        let error = #expect(throws: MLLPError.self) {
            try MLLPTLSConfiguration.server(certificateChainFile: "/nonexistent.pem", privateKeyFile: "/nonexistent.key")
        }
        #expect(error?.code == .tlsConfiguration)
    }
}
