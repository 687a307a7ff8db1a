import Foundation
import InsuranceVN
import ProcessTesting
import Testing

/// `lienthong claims sign` and `claims verify`, run as the built executable, with a test-only key
/// and certificate made by `openssl` (the interoperability with xmlsec1 is tested in
/// XMLSignatureTests).
@Suite struct ClaimsSignCommandTests {
    static let password = "test-only-p12-password"

    /// Runs openssl; a missing openssl fails the test.
    @discardableResult
    static func openssl(_ arguments: [String]) async throws -> Int32 {
        try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["openssl"] + arguments).status
    }

    /// A folder with an envelope, two test-only key/certificate pairs and a PKCS#12 file.
    static func withFolder(_ body: (URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-claims-sign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, subject) in [("facility", "/CN=Test facility 79001/O=LienThong test only"), ("other", "/CN=Other")] {
            let status = try await openssl([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder.appendingPathComponent("\(name)-key.pem").path,
                "-out", folder.appendingPathComponent("\(name)-cert.pem").path, "-days", "2", "-subj", subject,
            ])
            try #require(status == 0, "openssl req (is openssl installed?)")
        }
        let exported = try await openssl([
                "pkcs12", "-export", "-inkey", folder.appendingPathComponent("facility-key.pem").path,
                "-in", folder.appendingPathComponent("facility-cert.pem").path,
                "-out", folder.appendingPathComponent("facility.p12").path, "-passout", "pass:\(password)",
            ])
        try #require(exported == 0, "openssl pkcs12")
        let fixtures = ClaimsCommandTests.fixtures
        let documents = try [("outpatient-xml1.xml", "XML1"), ("outpatient-xml2.xml", "XML2")].map { file, table in
            try ClaimTableDocument(
                xml: try Data(contentsOf: fixtures.appendingPathComponent(file)), table: try #require(ClaimDefinitions.standard[table]))
        }
        let envelope = try ClaimEnvelope(facilityCode: "79001", date: try #require(ClaimDate("20240315")), documents: documents)
        try envelope.xml().write(to: folder.appendingPathComponent("claim.xml"))
        try await body(folder)
    }

    /// Runs `lienthong` with the two test password variables set (in its environment only).
    static func run(_ arguments: [String]) async throws -> CommandRun {
        try await CommandRun(arguments, environment: ["LIENTHONG_TEST_P12_PASSWORD": password, "LIENTHONG_TEST_P12_WRONG": "not-the-password"])
    }

    @Test func signThenVerifyWithPEMFiles() async throws {
        try await Self.withFolder { folder in
            func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
            let sign = try await CommandRun([
                "claims", "sign", path("claim.xml"), "--key", path("facility-key.pem"), "--cert", path("facility-cert.pem"),
                "--out", path("signed.xml"),
            ])
            #expect(sign.status == 0, "\(sign.errors)")
            #expect(sign.errors.contains("signed by ") && sign.errors.contains("CN=Test facility 79001"))
            #expect(!(sign.output + sign.errors).contains("PRIVATE"))

            let verify = try await CommandRun(["claims", "verify", path("signed.xml")])
            #expect(verify.status == 0, "\(verify.errors)")
            #expect(verify.output.contains("signed.xml: valid signature"))
            #expect(verify.output.contains("CN=Test facility 79001"))

            // The signed envelope is still an envelope `claims read` reads.
            let read = try await CommandRun(["claims", "read", path("signed.xml")])
            #expect(read.status == 0, "\(read.errors)")

            let trusted = try await CommandRun(["claims", "verify", "--ca", path("facility-cert.pem"), path("signed.xml")])
            #expect(trusted.status == 0, "\(trusted.errors)")
            #expect(trusted.output.contains("trusted"))
            let untrusted = try await CommandRun(["claims", "verify", "--ca", path("other-cert.pem"), path("signed.xml")])
            #expect(untrusted.status == 1)
            #expect(untrusted.errors.contains("untrustedCertificate"))

            // Changed content: digest mismatch, named with the file.
            let text = try String(contentsOf: folder.appendingPathComponent("signed.xml"), encoding: .utf8)
            try text.replacingOccurrences(of: "<NGAYLAP>20240315</NGAYLAP>", with: "<NGAYLAP>20240316</NGAYLAP>")
                .write(to: folder.appendingPathComponent("changed.xml"), atomically: true, encoding: .utf8)
            let changed = try await CommandRun(["claims", "verify", path("signed.xml"), path("changed.xml")])
            #expect(changed.status == 1)
            #expect(changed.output.contains("signed.xml: valid signature"))
            #expect(changed.errors.contains("changed.xml: invalid signature: digestMismatch"))

            let unsigned = try await CommandRun(["claims", "verify", path("claim.xml")])
            #expect(unsigned.status == 1)
            #expect(unsigned.errors.contains("claim.xml: invalid signature: noSignature"))

            let mismatch = try await CommandRun([
                "claims", "sign", path("claim.xml"), "--key", path("facility-key.pem"), "--cert", path("other-cert.pem"),
            ])
            #expect(mismatch.status == 1)
            #expect(mismatch.errors.contains("keyMismatch"))
        }
    }

    @Test func signWithPKCS12AndPasswordFromTheEnvironment() async throws {
        try await Self.withFolder { folder in
            func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
            let sign = try await Self.run([
                "claims", "sign", path("claim.xml"), "--pkcs12", path("facility.p12"),
                "--password-env", "LIENTHONG_TEST_P12_PASSWORD",
            ])
            #expect(sign.status == 0, "\(sign.errors)")
            #expect(sign.output.contains("<CHUKYDONVI><Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">"))
            #expect(!(sign.output + sign.errors).contains(Self.password))
            try Data(sign.output.utf8).write(to: folder.appendingPathComponent("signed.xml"))
            let verify = try await CommandRun(["claims", "verify", path("signed.xml")])
            #expect(verify.status == 0, "\(verify.errors)")

            let wrong = try await Self.run([
                "claims", "sign", path("claim.xml"), "--pkcs12", path("facility.p12"), "--password-env", "LIENTHONG_TEST_P12_WRONG",
            ])
            #expect(wrong.status == 1)
            #expect(wrong.errors.contains("facility.p12: keyUnreadable"))
            #expect(!(wrong.output + wrong.errors).contains("not-the-password"))

            let unset = try await CommandRun([
                "claims", "sign", path("claim.xml"), "--pkcs12", path("facility.p12"), "--password-env", "LIENTHONG_TEST_UNSET_VARIABLE",
            ])
            #expect(unset.status == 1)
            #expect(unset.errors.contains("LIENTHONG_TEST_UNSET_VARIABLE"))

            let both = try await CommandRun(["claims", "sign", path("claim.xml"), "--pkcs12", path("facility.p12"), "--key", path("facility-key.pem")])
            #expect(both.status != 0)
        }
    }
}

extension CommandRun {
    init(status: Int32, output: String, errors: String) {
        self.status = status
        self.output = output
        self.errors = errors
    }
}
