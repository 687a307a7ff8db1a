import HL7v2
import MLLP
import MLLPTesting
import NIOCore
import Testing

/// Sender allow-lists at the MLLP listener: a refused address is closed before anything is
/// read, a refused certificate subject right after the TLS handshake.
@Suite("MLLP admission", .timeLimit(.minutes(2)))
struct MLLPAdmissionTests {
    static let allowedSubject = "CN=his.bvdk-tinh.vn,O=BVDK Tinh,C=VN"

    /// Reads what the server answers on a raw connection that sends one framed message at once:
    /// the frames until the server closes the connection.
    static func framesAnswered(port: Int, controlID: String) async throws -> [MLLPFrame] {
        let connection = try await TestSupport.rawConnection(port: port, greeting: TestSupport.framed(try TestSupport.message(controlID)))
        return try await TestSupport.within {
            var frames: [MLLPFrame] = []
            do {
                try await connection.executeThenClose { inbound, _ in
                    for try await frame in inbound { frames.append(frame) }
                }
            } catch {
                // A reset is a close too.
            }
            return frames
        }
    }

    @Test("a connection from an address not allowed is closed, nothing read or answered")
    func refusedAddress() async throws {
        let seen = Recorder<MLLPRequest>()
        let refusals = Recorder<String>()
        let admission = MLLPAdmission(
            address: { address in address?.ipAddress == "127.0.0.2" ? nil : "address" },
            onRefused: { _, reason in refusals.append(reason) })
        try await TestSupport.withServer({ $0.admission = admission }, handler: { seen.append($0); return TestSupport.acknowledge($0) }) { port, _ in
            let frames = try await Self.framesAnswered(port: port, controlID: "REFUSED1")
            #expect(frames.isEmpty)
            let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port, responseTimeout: .seconds(60)), logger: TestSupport.logger)
            await #expect(throws: MLLPError.self) { try await client.send(TestSupport.message("REFUSED2")) }
            await client.close()
        }
        #expect(seen.all.isEmpty)
        // At least our two connections, each refused for its address. (Not exactly two: the port
        // was free a moment ago, and a connection left retrying by an earlier test of the run
        // can reach this server too, and is refused as well.)
        let refused = refusals.all
        #expect(refused.count >= 2 && refused.allSatisfy { $0 == "address" }, "refusals: \(refused)")
    }

    @Test("a connection from an allowed address is served")
    func allowedAddress() async throws {
        let seen = Recorder<MLLPRequest>()
        let admission = MLLPAdmission(address: { address in address?.ipAddress == "127.0.0.1" ? nil : "address" })
        try await TestSupport.withServer({ $0.admission = admission }, handler: { seen.append($0); return TestSupport.acknowledge($0) }) { port, _ in
            let client = try MLLPClient(configuration: .init(host: "127.0.0.1", port: port, responseTimeout: .seconds(60)), logger: TestSupport.logger)
            #expect(try await client.send(TestSupport.message("ALLOWED1")).code == .aa)
            await client.close()
        }
        #expect(seen.all.count == 1)
    }

    @Test("with mutual TLS, only the allowed certificate subject is served; its subject reaches the handler")
    func certificateSubjects() async throws {
        let authority = try TestCertificateAuthority()
        defer { authority.remove() }
        let server = try authority.server()
        let allowed = try authority.client(commonName: "his.bvdk-tinh.vn", organization: "BVDK Tinh")
        let other = try authority.client(commonName: "lis.bvdk-tinh.vn", organization: "BVDK Tinh")
        let seen = Recorder<MLLPRequest>()
        let subjects = Recorder<String>()
        let refusals = Recorder<String>()
        let admission = MLLPAdmission(
            certificate: { _, subject in
                subjects.append(subject ?? "none")
                return subject == Self.allowedSubject ? nil : "client_subject"
            },
            onRefused: { _, reason in refusals.append(reason) })
        try await TestSupport.withServer({ configuration in
            configuration.admission = admission
            configuration.tls = try .server(
                certificateChainFile: server.certificate, privateKeyFile: server.key, clientCertificateAuthorityFile: authority.certificateFile)
        }, handler: { seen.append($0); return TestSupport.acknowledge($0) }) { port, _ in
            func client(_ files: (certificate: String, key: String)) throws -> MLLPClient {
                let tls = try MLLPTLSConfiguration.client(
                    certificateAuthorityFile: authority.certificateFile, certificateChainFile: files.certificate, privateKeyFile: files.key,
                    serverHostname: "localhost")
                return try MLLPClient(configuration: .init(host: "127.0.0.1", port: port, responseTimeout: .seconds(60), tls: tls), logger: TestSupport.logger)
            }
            let refused = try client(other)
            await #expect(throws: MLLPError.self) { try await refused.send(TestSupport.message("OTHER1")) }
            await refused.close()
            let served = try client(allowed)
            #expect(try await served.send(TestSupport.message("HIS1")).code == .aa)
            await served.close()
        }
        #expect(seen.all.map { $0.connection.peerCertificateSubject } == [Self.allowedSubject])
        #expect(seen.all.map { $0.connection.peerCertificateCommonName } == ["his.bvdk-tinh.vn"])
        #expect(subjects.all.contains("CN=lis.bvdk-tinh.vn,O=BVDK Tinh,C=VN"))
        #expect(refusals.all == ["client_subject"])
    }
}
